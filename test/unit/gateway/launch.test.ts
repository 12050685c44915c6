/**
 * The launcher against a real gateway process: spawned detached as the unprivileged service user,
 * configured over its pipe, stopped gracefully or found dead. Needs root and the `qpu-gateway` user
 * (the dev cluster creates it); skipped otherwise.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../src/backends/job-gateway/client.js';
import { prepareGateway, startGateway, stopGateway, type GatewayRecord, type StartGatewayOptions } from '../../../src/gateway/launch.js';
import { nativeUnixListener } from '../../../src/native/listen.js';
import { mintToken } from '../../../src/gateway/token.js';
import { SecretValue } from '../../../src/secrets/value.js';
import { example } from './helpers.js';

const SERVICE_USER = 'qpu-gateway';
function serviceUid(): number | null {
  try {
    return Number(execFileSync('id', ['-u', SERVICE_USER], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
}
const svcUid = serviceUid();
/** The gateway runs as the service user: it must be able to read this checkout (the dev cluster opens it). */
function serviceUserReadsCheckout(): boolean {
  try {
    execFileSync('runuser', ['-u', SERVICE_USER, '--', 'test', '-r', new URL('../../../src/gateway/main.ts', import.meta.url).pathname]);
    return true;
  } catch {
    return false;
  }
}
const runnable = process.getuid?.() === 0 && svcUid !== null && serviceUserReadsCheckout();

const CANARY = 'canary-7b3e9f0d-secret';
let base: string;
const records: GatewayRecord[] = [];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'qpu-launch-'));
  await chmod(base, 0o711);
});
afterEach(async () => {
  for (const record of records.splice(0)) await stopGateway(record, { graceMs: 1000 });
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function options(jobId: number, extra: Partial<StartGatewayOptions> = {}): StartGatewayOptions {
  return {
    jobId,
    uid: 0,
    gid: 0,
    token: mintToken(jobId, 0),
    deadline: null,
    backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 8 }, secret: new SecretValue(CANARY) }],
    serviceUser: SERVICE_USER,
    stateDir: join(base, 'state'),
    runtimeRoot: join(base, 'run'),
    logFile: join(base, 'gateway.log'),
    jobCheckSeconds: 0,
    ...extra,
  };
}

async function start(jobId: number, extra: Partial<StartGatewayOptions> = {}): Promise<{ record: GatewayRecord; token: string }> {
  const opts = options(jobId, extra);
  const record = await startGateway(opts);
  records.push(record);
  return { record, token: opts.token };
}

function procField(pid: number, field: string): string | undefined {
  return new RegExp(`^${field}:[ \\t]*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
}

describe.skipIf(!runnable)('gateway launcher', () => {
  it('starts a detached gateway as the service user, with no blocked signals and nothing secret in argv or env', async () => {
    const { record, token } = await start(101);
    expect(procField(record.pid, 'Uid')?.split(/\s+/)).toEqual(Array(4).fill(String(svcUid)));
    expect(procField(record.pid, 'Groups')?.trim()).toBe('');
    // Its own session: the shim's kill of the handler's process group cannot reach it.
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(Number(fields[3])).toBe(record.pid); // session id
    for (const file of ['cmdline', 'environ']) {
      const text = readFileSync(`/proc/${record.pid}/${file}`, 'utf8');
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(token);
    }
    const dir = await stat_(record.dir);
    expect({ uid: dir.uid, gid: dir.gid, mode: dir.mode & 0o777 }).toEqual({ uid: svcUid, gid: 0, mode: 0o710 });
    expect(record.endpoint).toBe(`unix:${record.socketPath}`);

    const client = new GatewayClient(record.endpoint, token);
    try {
      expect((await client.backends()).backends.map((b) => b.name)).toEqual(['sim']);
      // Read once it serves: the launcher returns before the gateway's Node has started, and Node
      // blocks signals for a moment while it starts its own threads.
      expect(procField(record.pid, 'SigBlk')).toMatch(/^0+$/);
      expect((await client.run({ program_id: 'sampler', params: example('bell.json') })).kind).toBe('sampler');
    } finally {
      await client.close();
    }
    expect(await readFile(join(base, 'gateway.log'), 'utf8')).not.toContain(CANARY);
  });

  it('prepared on the addon\'s socket: a call made before the launch waits in the backlog and is answered once it runs', async () => {
    const listen = nativeUnixListener();
    expect(listen, 'the addon has listenUnix').not.toBeNull();
    const opts = options(105);
    const prepared = await prepareGateway(opts, listen ?? undefined);
    const client = new GatewayClient(prepared.endpoint, opts.token);
    try {
      // Nothing runs behind the socket yet, and nothing in this process accepts on it: the call waits.
      const early = client.backends();
      let answered = false;
      void early.then(() => (answered = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
      const spawned: GatewayRecord[] = [];
      const record = await prepared.launch(async (r) => {
        spawned.push(r);
      });
      records.push(record);
      expect(spawned.map((r) => r.pid)).toEqual([record.pid]);
      expect((await early).backends.map((b) => b.name)).toEqual(['sim']);
      await expect(prepared.launch()).rejects.toThrow(/launched twice/);
    } finally {
      await client.close();
    }
  });

  it('an abandoned prepared gateway refuses calls at once: its socket has no listener left', async () => {
    const opts = options(106);
    const prepared = await prepareGateway(opts, nativeUnixListener() ?? undefined);
    await prepared.abandon();
    await prepared.abandon();
    const client = new GatewayClient(prepared.endpoint, opts.token);
    try {
      await expect(client.backends()).rejects.toThrow();
    } finally {
      await client.close();
    }
  });

  it('stops it gracefully, returns its usage and removes socket and directory; a second stop is harmless', async () => {
    const { record, token } = await start(102);
    const client = new GatewayClient(record.endpoint, token);
    await client.run({ program_id: 'sampler', params: example('bell.json') });
    await client.close();
    const stopped = await stopGateway(record);
    records.splice(records.indexOf(record), 1);
    expect(stopped.how).toBe('stopped');
    expect(stopped.usage?.backends['sim']).toMatchObject({ tasks: 1, completed: 1, shots: 1024 });
    expect(existsSync(record.dir)).toBe(false);
    expect(existsSync(`/proc/${record.pid}`) && !readFileSync(`/proc/${record.pid}/stat`, 'utf8').includes(') Z')).toBe(false);
    expect((await stopGateway(record)).how).toBe('already-gone');
  });

  it('gives a clear error once the gateway was killed, and stop still cleans up', async () => {
    const { record, token } = await start(103);
    const first = new GatewayClient(record.endpoint, token);
    // It served once (so it wrote its usage), then dies.
    expect((await first.backends()).backends).toHaveLength(1);
    await first.close();
    process.kill(record.pid, 'SIGKILL');
    const client = new GatewayClient(record.endpoint, token);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(client.backends()).rejects.toMatchObject({ code: 'GATEWAY_GONE', message: expect.stringContaining('gateway is gone') });
    await client.close();
    const stopped = await stopGateway(record);
    records.splice(records.indexOf(record), 1);
    expect(stopped.how).toBe('already-gone');
    expect(stopped.usage).toMatchObject({ job_id: 103 });
    expect(existsSync(record.dir)).toBe(false);
  });

  it('exits by itself when the deadline passes, removing its socket', async () => {
    const { record } = await start(104, { deadline: Math.floor(Date.now() / 1000) + 2 });
    const until = Date.now() + 8000;
    while (Date.now() < until && existsSync(`/proc/${record.pid}`)) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(record.socketPath)).toBe(false);
    expect((await stopGateway(record)).how).toBe('already-gone');
    records.splice(records.indexOf(record), 1);
  });

  it('refuses root or the job user as service user, and a missing one', async () => {
    await expect(startGateway(options(105, { serviceUser: 'root' }))).rejects.toMatchObject({ code: 'GATEWAY_FAILED', message: expect.stringContaining('neither root') });
    await expect(startGateway(options(105, { uid: svcUid ?? 0 }))).rejects.toMatchObject({ code: 'GATEWAY_FAILED' });
    await expect(startGateway(options(105, { serviceUser: 'no-such-user-qpu' }))).rejects.toMatchObject({ code: 'GATEWAY_FAILED', message: expect.stringContaining('does not exist') });
  });
});

function stat_(path: string) {
  return stat(path);
}
