import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerFixture as fixture, readReply, runHandler } from './handler-process.js';

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

  it('fails closed, naming the fix, when others can write the state directory', async () => {
    const f = await fixture();
    await mkdir(f.stateDir, { mode: 0o700 });
    await chmod(f.stateDir, 0o777);
    const ran = await runHandler(['acquire'], f.body('acquire'), f.env);
    expect(readReply(ran.stdout)).toMatchObject({ ok: false, message: expect.stringMatching(/writable by group or others.*chmod 0700/) });
    expect(await readdir(f.stateDir)).toEqual([]);
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

  it('with trace_us (plugstack trace=yes) writes one trace line per run, in time order, to the hook log only', async () => {
    const f = await fixture();
    const calledUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
    const acquired = await runHandler(['acquire'], f.body('acquire', { trace_us: calledUs }), f.env);
    expect(readReply(acquired.stdout).ok).toBe(true);
    expect(acquired.stdout).not.toMatch(/trace|marks/);
    const released = await runHandler(['release'], f.body('release'), f.env);
    expect(readReply(released.stdout).ok).toBe(true);
    const log = (await readFile(join(f.dir, 'state', 'hook.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const traces = log.filter((l) => l.msg === 'trace');
    // Only the acquire asked for one.
    expect(traces).toHaveLength(1);
    const marks = traces[0]?.marks as Record<string, number>;
    expect(Object.keys(marks)).toEqual(expect.arrayContaining(['node-started', 'main-loaded', 'deps-loaded', 'locked', 'lanes-and-sessions', 'lease-held', 'reply-written']));
    const times = Object.values(marks);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(0);
    const refused = await runHandler(['acquire'], f.body('acquire', { trace_us: 'soon' }), f.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('request.trace_us must be a positive integer');
  }, 30_000);

  it('release --detached (job_epilog) releases the same way, its outcome in the hook log', async () => {
    const f = await fixture();
    expect(readReply((await runHandler(['acquire'], f.body('acquire'), f.env)).stdout).ok).toBe(true);
    const released = await runHandler(['release', '--detached'], f.body('release'), f.env);
    expect(released.code).toBe(0);
    expect(await readdir(join(f.stateDir, 'leases'))).toEqual([]);
    const log = (await readFile(join(f.dir, 'state', 'hook.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.map((l) => l.msg)).toEqual(['lease acquired', 'lease released']);
  }, 30_000);
});
