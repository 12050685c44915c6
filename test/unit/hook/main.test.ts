import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../../src/hook/main.ts', import.meta.url));

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Reply {
  readonly ok: boolean;
  readonly message?: string;
  readonly env: Record<string, string>;
}

/** The reply as the shim takes it apart (spank/reply.c; the C tests hold it to the rules). */
function readReply(text: string): Reply {
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
function runHandler(args: string[], stdin: string, env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...env, HOME: '/' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function fixture(jobGres = 'qpu:sim:1') {
  const dir = await mkdtemp(join(tmpdir(), 'qpu-main-'));
  const bin = join(dir, 'bin');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(bin);
  // A stand-in for scontrol: prints the one-line job record the real one prints (see slurm-job.test.ts).
  await writeFile(
    join(bin, 'scontrol'),
    '#!/bin/sh\n' +
      '[ "$SLURM_TIME_FORMAT" = "%s" ] || { echo "SLURM_TIME_FORMAT not set" >&2; exit 1; }\n' +
      `echo "JobId=$5 JobName=wrap UserId=u(1000) JobState=RUNNING EndTime=1900000000 JOB_GRES=${jobGres} Licenses=(null) WorkDir=/tmp"\n`,
  );
  await chmod(join(bin, 'scontrol'), 0o755);
  const catalogue = join(dir, 'qpu.json');
  await writeFile(
    catalogue,
    JSON.stringify({ version: 1, backends: { sim: { type: 'sim', capacity: { gres: 'sim', lanes: 4 }, metadata: { num_qubits: 2 } } } }),
    { mode: 0o644 },
  );
  const env = { PATH: `${bin}:/usr/bin:/bin` };
  const body = (action: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      version: 2,
      action,
      job_id: 77,
      step_id: 0,
      uid: 1000,
      gid: 1000,
      backends: action === 'acquire' ? ['sim'] : [],
      config: catalogue,
      state_dir: join(dir, 'state'),
      service_user: '',
      timeout: 10,
      hostname: 'node1',
      ...extra,
    });
  return { dir, env, body };
}

describe('qpu-hook process contract', () => {
  it('acquires and releases through stdin/stdout, logging JSON lines to the state dir', async () => {
    const f = await fixture();
    const acquired = await runHandler(['acquire'], f.body('acquire'), f.env);
    expect(acquired.code, acquired.stderr).toBe(0);
    const reply = readReply(acquired.stdout);
    expect(reply.ok).toBe(true);
    // No service_user here: a sim-only job then runs in-process (the gateway path is in test/unit/gateway and test/e2e).
    expect(reply.env).toMatchObject({ QRUN_BACKENDS: 'sim', QRUN_ENDPOINT: 'local:', QRUN_DEADLINE: '1900000000' });
    const released = await runHandler(['release'], f.body('release'), f.env);
    expect(readReply(released.stdout)).toMatchObject({ ok: true, message: 'lease released' });
    const log = (await readFile(join(f.dir, 'state', 'hook.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.map((l) => l.msg)).toEqual(['lease acquired', 'lease released']);
    expect(log.every((l) => l.jobId === 77 && l.backend === 'sim')).toBe(true);
    expect(JSON.stringify(log)).not.toContain(reply.env.QRUN_TOKEN);
  }, 30_000);

  it('answers a refusal with an error reply and exit 0 (the shim shows the message)', async () => {
    const f = await fixture('(null)');
    const ran = await runHandler(['acquire'], f.body('acquire'), f.env);
    expect(ran.code).toBe(0);
    expect(readReply(ran.stdout)).toMatchObject({ ok: false, message: expect.stringMatching(/--gres=qpu:sim:1/) });
  }, 30_000);

  it('refuses clearly when the state dir cannot be created', async () => {
    const f = await fixture();
    await writeFile(join(f.dir, 'file'), '');
    const ran = await runHandler(['acquire'], f.body('acquire', { state_dir: join(f.dir, 'file', 'state') }), f.env);
    expect(readReply(ran.stdout)).toMatchObject({ ok: false, message: expect.stringMatching(/state directory .* cannot be created/) });
  }, 30_000);

  it('exits 2 on a bad action or request, with the reason on stderr', async () => {
    const f = await fixture();
    const bad = await runHandler(['grab'], f.body('acquire'), f.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage/);
    const garbled = await runHandler(['acquire'], '{"version":1', f.env);
    expect(garbled.code).toBe(2);
    expect(garbled.stderr).toMatch(/not JSON/);
  }, 30_000);

  it('refuses the request of an older shim, naming both versions', async () => {
    const f = await fixture();
    const ran = await runHandler(['acquire'], f.body('acquire', { version: 1 }), f.env);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toContain('request.version is 1, this handler speaks 2; install one slurm-qpu version of the shim and the handler');
  }, 30_000);
});
