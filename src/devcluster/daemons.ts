import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { QrunError } from '../errors.js';
import { sleep } from './exec.js';

/**
 * Every process the dev cluster starts carries this variable (slurmd passes it on to the
 * slurmstepd processes it forks), so `down` can tell its own processes from anyone else's —
 * including after a crash that lost the pid file — without ever killing by name.
 */
export const MARKER_VARIABLE = 'SLURM_QPU_DEV_CLUSTER';

export interface DaemonRecord {
  readonly name: string;
  readonly pid: number;
}

export interface StartSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env: Readonly<Record<string, string>>;
  readonly uid?: number;
  readonly gid?: number;
}

/** Starts a daemon in the foreground mode of its own, detached from us, output into its log. */
export function startDaemon(spec: StartSpec): DaemonRecord {
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, [...spec.args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: spec.env,
      ...(spec.uid === undefined ? {} : { uid: spec.uid }),
      ...(spec.gid === undefined ? {} : { gid: spec.gid }),
    });
    if (child.pid === undefined) throw new QrunError('DAEMON_FAILED', `${spec.name} did not start`);
    child.unref();
    return { name: spec.name, pid: child.pid };
  } finally {
    closeSync(fd);
  }
}

/** Reads a process's environment; undefined when it is gone or not readable. */
async function environOf(pid: number): Promise<string[] | undefined> {
  try {
    return (await readFile(`/proc/${pid}/environ`, 'latin1')).split('\0');
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and carries our marker for this cluster (never someone else's process). */
export async function isOurs(pid: number, marker: string): Promise<boolean> {
  const env = await environOf(pid);
  return env?.includes(`${MARKER_VARIABLE}=${marker}`) ?? false;
}

export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes.
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Every live process carrying the marker of this cluster. */
export async function findMarked(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if ((await isOurs(pid, marker)) && (await isAlive(pid))) pids.push(pid);
  }
  return pids;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait for the process to be gone. */
export async function stopProcess(pid: number, graceMs: number): Promise<'exited' | 'killed' | 'gone'> {
  if (!(await isAlive(pid))) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) return 'exited';
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'exited';
  }
  for (let i = 0; i < 100; i++) {
    if (!(await isAlive(pid))) return 'killed';
    await sleep(50);
  }
  throw new QrunError('DAEMON_FAILED', `process ${pid} survived SIGKILL`);
}
