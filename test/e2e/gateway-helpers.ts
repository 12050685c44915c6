/**
 * Helpers for the job gateway's end-to-end tests: jobs that hold their allocation until told, the
 * gateway record from the lease journal, and gateway calls made with curl as a chosen user.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, sleep } from '../../src/devcluster/exec.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import type { GatewayRecord } from '../../src/gateway/launch.js';
import { leases, qpuCluster, slurmCmd } from './qpu-helpers.js';

export const QRUN = join(REPO_ROOT, 'bin', 'qrun.js');
export const BELL = join(REPO_ROOT, 'examples', 'bell.json');

export interface LeaseGateway {
  readonly token: string;
  readonly endpoint: string;
  readonly uid: number;
  readonly gateway: GatewayRecord;
}

export async function waitLease(jobId: string, timeoutMs = 30_000): Promise<LeaseGateway> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await leases()).includes(jobId)) {
      const lease = JSON.parse(await readFile(join(qpuCluster().stateDir, 'leases', `${jobId}.json`), 'utf8')) as LeaseGateway & { state: string; gatewayState?: string };
      // The hook service answers the job before it spawns the gateway (docs/adr/0009-gateway-after-reply.md): held, then running.
      if (lease.state === 'held' && lease.gatewayState !== 'starting') return lease;
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} never acquired a lease`);
    await sleep(100);
  }
}

/** A job script that writes its QPU environment to <jobs>/gw-<id>.env and waits for <jobs>/gw-<id>.go. */
export async function holdingScript(name: string, extra: readonly string[] = []): Promise<string> {
  const { jobs } = qpuCluster();
  const path = join(jobs, name);
  await writeFile(
    path,
    [
      '#!/bin/bash',
      `cd ${jobs}`,
      'env | grep -E "^(QRUN_|SLURM_JOB_QPU_)" > gw-$SLURM_JOB_ID.env',
      'for i in $(seq 600); do [ -e gw-$SLURM_JOB_ID.go ] && break; sleep 0.1; done',
      ...extra,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return path;
}

export async function jobEnv(jobId: string, timeoutMs = 30_000): Promise<Record<string, string>> {
  const file = join(qpuCluster().jobs, `gw-${jobId}.env`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (Date.now() > deadline) throw new Error(`job ${jobId} never wrote its environment`);
    await sleep(100);
  }
  await sleep(50);
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export async function letGo(jobId: string): Promise<void> {
  await writeFile(join(qpuCluster().jobs, `gw-${jobId}.go`), '');
}

export interface CurlReply {
  readonly code: number;
  readonly status: number | null;
  readonly body: string;
  readonly stderr: string;
}

/** GET/POST a gateway path over its Unix socket with curl, as `user` (runuser) or root. */
export async function curlGateway(socketPath: string, path: string, token: string | null, user?: string): Promise<CurlReply> {
  const args = ['-s', '-S', '-o', '-', '-w', '\n%{http_code}', '--unix-socket', socketPath, ...(token === null ? [] : ['-H', `Authorization: Bearer ${token}`]), `http://gateway${path}`];
  const [cmd, argv] = user ? ['runuser', ['-u', user, '--', 'curl', ...args]] : ['curl', args];
  const result = await run(cmd, argv, { timeoutMs: 15_000 });
  const lines = result.stdout.split('\n');
  const status = Number(lines.pop());
  return { code: result.code ?? -1, status: Number.isFinite(status) && status > 0 ? status : null, body: lines.join('\n'), stderr: result.stderr };
}

/** The pid's /proc/<pid>/status field (Uid, SigBlk...). */
export function procStatus(pid: number, field: string): string | undefined {
  return new RegExp(`^${field}:[ \\t]*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

export async function adminComment(jobId: string): Promise<string> {
  const shown = await slurmCmd('scontrol', ['show', 'job', '-o', jobId]);
  return /AdminComment=(.*?)(?= \w+=|$)/.exec(shown.stdout)?.[1] ?? '';
}
