/**
 * The handler as the shim runs it (a process: argv action, JSON request on stdin, the line reply on
 * stdout, a minimal environment), against a throwaway state directory, a sim-only catalogue and a
 * stand-in for scontrol that answers for running jobs and says "Invalid job id" for the ones a
 * test has ended (`endJob`).
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const MAIN = fileURLToPath(new URL('../../../src/hook/main.ts', import.meta.url));

export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Reply {
  readonly ok: boolean;
  readonly message?: string;
  readonly env: Record<string, string>;
}

/** The reply as the shim takes it apart (spank/reply.c; the C tests hold it to the rules). */
export function readReply(text: string): Reply {
  const lines = text.split('\n');
  expect(lines.shift()).toMatch(/^qpu-reply 2 (ok|error)$/);
  expect(lines.splice(-2)).toEqual(['end', '']);
  const ok = text.startsWith('qpu-reply 2 ok');
  const message = lines.find((l) => l.startsWith('message '))?.slice('message '.length);
  const env = Object.fromEntries(
    lines.filter((l) => l.startsWith('env ')).map((l) => [l.slice(4, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
  return { ok, ...(message === undefined ? {} : { message }), env };
}

/** Runs the handler as the shim does: argv action, JSON on stdin, minimal environment. */
export function runHandler(args: string[], stdin: string, env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...env, HOME: '/' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export interface HandlerFixture {
  readonly dir: string;
  readonly stateDir: string;
  readonly env: Record<string, string>;
  body(action: string, extra?: Record<string, unknown>): string;
  /** From now on the stand-in scontrol says Slurm no longer knows the job. */
  endJob(jobId: number): Promise<void>;
}

/** `licenses`: what the stand-in scontrol says the job holds (Licenses=), for the license-counted `sim_shared`. */
export async function handlerFixture(jobGres = 'qpu:sim:1', options: { licenses?: string } = {}): Promise<HandlerFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'qpu-main-'));
  const bin = join(dir, 'bin');
  const ended = join(dir, 'ended');
  await mkdir(bin);
  await mkdir(ended);
  // `scontrol show job -d -o ID` (acquire) and `scontrol show job -o ID` (the reaper): the id is the last argument.
  await writeFile(
    join(bin, 'scontrol'),
    '#!/bin/sh\n' +
      'for id; do :; done\n' +
      `if [ -e "${ended}/$id" ]; then echo "slurm_load_jobs error: Invalid job id specified" >&2; exit 1; fi\n` +
      '[ "$SLURM_TIME_FORMAT" = "%s" ] || [ "$3" = "-o" ] || { echo "SLURM_TIME_FORMAT not set" >&2; exit 1; }\n' +
      `echo "JobId=$id JobName=wrap UserId=u(1000) JobState=RUNNING EndTime=1900000000 JOB_GRES=${jobGres} Licenses=${options.licenses ?? '(null)'} WorkDir=/tmp"\n`,
  );
  await chmod(join(bin, 'scontrol'), 0o755);
  const catalogue = join(dir, 'qpu.json');
  await writeFile(
    catalogue,
    JSON.stringify({
      version: 1,
      backends: {
        sim: { type: 'sim', capacity: { gres: 'sim', lanes: 4 }, metadata: { num_qubits: 2 } },
        sim_shared: { type: 'sim', capacity: { license: 'qpu_sim_shared', lanes: 2 }, metadata: { num_qubits: 2 } },
      },
    }),
    { mode: 0o644 },
  );
  const stateDir = join(dir, 'state');
  return {
    dir,
    stateDir,
    env: { PATH: `${bin}:/usr/bin:/bin` },
    body: (action, extra = {}) =>
      JSON.stringify({
        version: 2,
        action,
        job_id: 77,
        step_id: 0,
        uid: 1000,
        gid: 1000,
        backends: action === 'acquire' ? ['sim'] : [],
        config: catalogue,
        state_dir: stateDir,
        service_user: '',
        timeout: 10,
        hostname: 'node1',
        ...extra,
      }),
    endJob: (jobId) => writeFile(join(ended, String(jobId)), ''),
  };
}
