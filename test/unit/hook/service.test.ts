/**
 * The node's resident hook service (src/hook/service.ts) as the shim meets it: started by the
 * handler's `reap` (slurmd's start), asked over <state_dir>/hook.sock with the same request the
 * handler reads on stdin, answering with the same reply — or closing unanswered, which makes the
 * shim run the handler itself (spank/service.c).
 */
import { connect } from 'node:net';
import { mkdir, readdir, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { handlerFixture, readReply, runHandler, type HandlerFixture } from './handler-process.js';

const MAIN = fileURLToPath(new URL('../../../src/hook/main.ts', import.meta.url));

/** One call as spank/service.c makes it: connect, send, half-close, read to EOF; null when closed unanswered. */
function ask(socket: string, body: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const client = connect(socket);
    let out = '';
    client.on('connect', () => client.end(body));
    client.on('data', (d: Buffer) => (out += d.toString()));
    client.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(null) : reject(error)));
    client.on('close', () => resolve(out === '' ? null : out));
  });
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Running {
  readonly f: HandlerFixture;
  readonly socket: string;
  readonly keeper: number;
  body(action: string, extra?: Record<string, unknown>): string;
  workerPid(): Promise<number>;
  logLines(): Promise<Array<Record<string, unknown>>>;
}

const started: number[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});

async function startService(options: { timeout?: number; faults?: boolean; fixture?: HandlerFixture } = {}): Promise<Running> {
  const f = options.fixture ?? (await handlerFixture());
  const body = (action: string, extra: Record<string, unknown> = {}): string =>
    f.body(action, { handler: MAIN, service: true, caller_pid: process.pid, ...(options.timeout === undefined ? {} : { timeout: options.timeout }), ...extra });
  if (options.faults === true) {
    await mkdir(f.stateDir, { mode: 0o700 });
    await writeFile(join(f.stateDir, 'fault-injection'), 'enabled\n', { mode: 0o600 });
  }
  // slurmd's start: the shim's reap, answered at once, starts the service.
  const reaped = await runHandler(['reap'], body('reap', { job_id: 0 }), f.env);
  expect(readReply(reaped.stdout)).toMatchObject({ ok: true, message: 'reap started by the hook service' });
  const socket = join(f.stateDir, 'hook.sock');
  const keeper = await eventually('the pid file', async () => Number((await readFile(join(f.stateDir, 'hook-service.pid'), 'utf8')).split(' ')[0]));
  started.push(keeper);
  const logLines = async (): Promise<Array<Record<string, unknown>>> =>
    (await readFile(join(f.stateDir, 'hook.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const workerPid = (): Promise<number> =>
    eventually('a listening worker', async () => {
      const lines = (await logLines()).filter((l) => l.msg === 'hook service listening');
      const pid = lines.at(-1)?.pid as number | undefined;
      if (pid === undefined) return undefined;
      return (await ask(socket, body('reap', { job_id: 0 }))) === null ? undefined : pid;
    });
  await workerPid();
  return { f, socket, keeper, body, workerPid, logLines };
}

describe('the resident hook service', () => {
  it('answers acquire and release over its socket exactly as the handler process does, logging via: service', async () => {
    const s = await startService();
    const acquired = readReply((await ask(s.socket, s.body('acquire'))) ?? '');
    expect(acquired).toMatchObject({ ok: true, env: { QRUN_BACKENDS: 'sim', QRUN_ENDPOINT: 'local:', QRUN_DEADLINE: '1900000000' } });
    expect(await readdir(join(s.f.stateDir, 'leases'))).toEqual(['77.json']);
    // A later step of the job finds the lease and gets the same environment.
    expect(readReply((await ask(s.socket, s.body('acquire', { step_id: 1 }))) ?? '').env).toEqual(acquired.env);
    // A lease of per-node GRES: answered at once (the epilog returns), released right after.
    expect(readReply((await ask(s.socket, s.body('release'))) ?? '')).toMatchObject({ ok: true, message: 'release started by the hook service' });
    await eventually('the lease to go', async () => ((await readdir(join(s.f.stateDir, 'leases'))).length === 0 ? true : undefined));
    const lines = (await s.logLines()).filter((l) => l.jobId === 77);
    expect(lines.map((l) => l.msg)).toEqual(['lease acquired', 'lease found', 'lease released']);
    expect(lines.every((l) => l.via === 'service' && l.pid !== s.keeper)).toBe(true);
    expect(JSON.stringify(await s.logLines())).not.toContain(acquired.env.QRUN_TOKEN);
  }, 60_000);

  it('answers the release of a license-counted lease only once it is done (Slurm hands the license on when the epilog returns)', async () => {
    const f = await handlerFixture('qpu:sim:1', { licenses: 'qpu_sim_shared:1' });
    const s = await startService({ fixture: f });
    expect(readReply((await ask(s.socket, s.body('acquire', { backends: ['sim_shared'] }))) ?? '').ok).toBe(true);
    expect(await readdir(join(s.f.stateDir, 'lanes', 'sim_shared'))).toHaveLength(1);
    expect(readReply((await ask(s.socket, s.body('release'))) ?? '')).toMatchObject({ ok: true, message: 'lease released' });
    // Nothing is left the moment the answer is in.
    expect(await readdir(join(s.f.stateDir, 'leases'))).toEqual([]);
    expect(await readdir(join(s.f.stateDir, 'lanes', 'sim_shared'))).toEqual([]);
  }, 60_000);

  it('is reachable by root only: the socket is 0600 in the 0700 state directory, and the pid file names its keeper', async () => {
    const s = await startService();
    expect((await stat(s.socket)).mode & 0o777).toBe(0o600);
    expect((await stat(s.f.stateDir)).mode & 0o777).toBe(0o700);
    const [pid, start] = (await readFile(join(s.f.stateDir, 'hook-service.pid'), 'utf8')).trim().split(' ');
    expect(Number(pid)).toBe(s.keeper);
    const stat22 = (await readFile(`/proc/${s.keeper}/stat`, 'utf8')).split(') ')[1]?.split(' ')[19];
    expect(start).toBe(stat22);
  }, 60_000);

  it('leaves requests it must not serve unanswered, so the shim runs the handler itself', async () => {
    const s = await startService();
    // Another install's handler (a different handler= path), another protocol version, garbage.
    expect(await ask(s.socket, s.body('acquire', { handler: '/usr/lib/other/dist/hook/main.js' }))).toBeNull();
    expect(await ask(s.socket, s.body('acquire', { version: 1 }))).toBeNull();
    expect(await ask(s.socket, '{"version":2')).toBeNull();
    expect(await readdir(join(s.f.stateDir, 'leases')).catch(() => [])).toEqual([]);
    // A second start finds the service running and leaves it alone.
    const again = await runHandler(['reap'], s.body('reap', { job_id: 0 }), s.f.env);
    expect(readReply(again.stdout).ok).toBe(true);
    await eventually('the second keeper to step aside', async () => ((await s.logLines()).some((l) => l.msg === 'hook service already running') ? true : undefined));
    expect(Number((await readFile(join(s.f.stateDir, 'hook-service.pid'), 'utf8')).split(' ')[0])).toBe(s.keeper);
  }, 60_000);

  it('starts a new worker when the worker is killed, and when its own files change (an upgrade)', async () => {
    const s = await startService();
    const first = await s.workerPid();
    process.kill(first, 'SIGKILL');
    const second = await eventually('another worker', async () => {
      const pid = await s.workerPid();
      return pid === first ? undefined : pid;
    });
    expect(readReply((await ask(s.socket, s.body('acquire'))) ?? '').ok).toBe(true);
    expect((await s.logLines()).some((l) => l.msg === 'hook service worker ended; starting it again' && l.signal === 'SIGKILL')).toBe(true);

    const before = await stat(MAIN);
    await utimes(MAIN, before.atime, new Date(before.mtimeMs + 1000));
    try {
      // The first request after the change is left to a handler process of the new code.
      expect(await ask(s.socket, s.body('release'))).toBeNull();
      const third = await eventually('the new code', async () => {
        const pid = await s.workerPid();
        return pid === second ? undefined : pid;
      });
      expect(third).not.toBe(second);
    } finally {
      // Putting the file back is a change too: yet another worker takes over.
      await utimes(MAIN, before.atime, before.mtime);
    }
    const released = await eventually('a worker of the restored code', async () => (await ask(s.socket, s.body('release'))) ?? undefined);
    expect(readReply(released)).toMatchObject({ ok: true, message: 'release started by the hook service' });
    await eventually('the lease to go', async () => ((await readdir(join(s.f.stateDir, 'leases'))).length === 0 ? true : undefined));
  }, 90_000);

  it('ends a worker whose request runs past the shim timeout, and the next worker finishes what it journalled', async () => {
    const s = await startService({ timeout: 2, faults: true });
    const first = await s.workerPid();
    await mkdir(join(s.f.stateDir, 'faults'), { recursive: true, mode: 0o700 });
    await writeFile(join(s.f.stateDir, 'faults', 'acquire:after-claim'), 'hang\n', { mode: 0o600 });
    expect(await ask(s.socket, s.body('acquire'))).toBeNull();
    expect((await s.logLines()).some((l) => l.msg === 'request ran past the shim timeout; the service worker restarts' && l.jobId === 77)).toBe(true);
    await eventually('another worker', async () => ((await s.workerPid()) === first ? undefined : true));
    // The job's epilog: the half-done lease is released, its lane freed.
    expect(readReply((await ask(s.socket, s.body('release'))) ?? '')).toMatchObject({ ok: true });
    await eventually('the lease to go', async () => ((await readdir(join(s.f.stateDir, 'leases'))).length === 0 ? true : undefined));
    expect(await readdir(join(s.f.stateDir, 'lanes', 'sim')).catch(() => [])).toEqual([]);
  }, 90_000);

  it('writes to a new hook.log after logrotate renames the old one and signals the keeper (SIGHUP)', async () => {
    const s = await startService();
    const log = join(s.f.stateDir, 'hook.log');
    await rename(log, `${log}.1`);
    process.kill(s.keeper, 'SIGHUP');
    await eventually('the reopened log', async () => {
      expect(readReply((await ask(s.socket, s.body('acquire', { job_id: 78 }))) ?? '').ok).toBe(true);
      const text = await readFile(log, 'utf8').catch(() => '');
      return text.includes('"lease acquired"') ? true : undefined;
    });
    expect(await readFile(`${log}.1`, 'utf8')).toContain('hook service listening');
  }, 60_000);

  it('stops on SIGTERM: the worker ends, the pid file goes, the socket refuses', async () => {
    const s = await startService();
    const worker = await s.workerPid();
    process.kill(s.keeper, 'SIGTERM');
    await eventually('the pid file to go', async () => ((await stat(join(s.f.stateDir, 'hook-service.pid')).catch(() => null)) === null ? true : undefined));
    expect(() => process.kill(worker, 0)).toThrow();
    await expect(ask(s.socket, s.body('acquire'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  }, 60_000);
});
