import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../src/backends/job-gateway/client.js';
import { processGateway } from '../../../src/gateway/job-gateway.js';
import { parseGatewayConfig } from '../../../src/gateway/config.js';
import { estimatorPayload, samplerPayload } from '../../../src/backends/job-gateway/encode-params.js';
import { createPeerLookup, loadPeerCredentials, tcpPeerUid } from '../../../src/gateway/peer.js';
import { parseTaskRequest } from '../../../src/gateway/request.js';
import { mintToken, tokenClaims, tokensEqual } from '../../../src/gateway/token.js';
import { usageComment, Meter } from '../../../src/gateway/usage.js';
import { outcomeFromWire, outcomeToWire } from '../../../src/backends/job-gateway/wire.js';
import { atDeadline } from '../../../src/gateway/watchdog.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { runSampler } from '../../../src/primitives/run.js';
import { example, startTestGateway, UID } from './helpers.js';

describe('tokens', () => {
  it('carry 256 random bits after the job id and uid, and compare whole', () => {
    const token = mintToken(12, 1001);
    expect(token).toMatch(/^qpu1\.12\.1001\.[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.split('.')[3] ?? '', 'base64url')).toHaveLength(32);
    expect(tokenClaims(token)).toEqual({ jobId: 12, uid: 1001 });
    expect(tokenClaims('deadbeef')).toBeNull();
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(token, mintToken(12, 1001))).toBe(false);
    expect(tokensEqual(`${token}x`, token)).toBe(false);
    expect(mintToken(12, 1001)).not.toBe(mintToken(12, 1001));
  });
});

describe('gateway configuration', () => {
  const base = { version: 1, jobId: 5, uid: 1001, token: mintToken(5, 1001), deadline: null, socketPath: '/run/x/g.sock', usageFile: '/run/x/u.json', backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 3 } }] };
  it('fills defaults and wraps secrets again', () => {
    const config = parseGatewayConfig({ ...base, backends: [{ ...base.backends[0], secret: 'k', secretRequired: true }] });
    expect(config).toMatchObject({ tcp: false, jobCheckSeconds: 30, slurmConf: null, logLevel: 'info', limits: { maxTasks: 32, concurrency: 1 } });
    expect(String(config.backends[0]?.secret)).toBe('[secret]');
    expect(config.backends[0]?.secret?.reveal()).toBe('k');
  });
  it.each([
    [{ version: 2 }, 'version'],
    [{ jobId: 0 }, 'jobId'],
    [{ token: 'short' }, 'token'],
    [{ socketPath: 'relative' }, 'socketPath'],
    [{ backends: [] }, 'backends'],
    [{ backends: [{ name: 'sim', type: 'sim', metadata: {} }] }, 'num_qubits'],
    [{ deadline: 'soon' }, 'deadline'],
    [{ limits: { maxTasks: 0 } }, 'maxTasks'],
  ])('refuses %j naming the field', (patch, field) => {
    expect(() => parseGatewayConfig({ ...base, ...patch })).toThrow(field);
  });
});

describe('task requests', () => {
  it('accepts the documented body', () => {
    expect(parseTaskRequest({ program_id: 'estimator', backend: 'sim', params: { pubs: [] }, options: { shots: 5, precision: 0.1, seed: 0, mitigation: ['readout'] } })).toEqual({
      programId: 'estimator',
      backend: 'sim',
      params: { pubs: [] },
      options: { shots: 5, precision: 0.1, seed: 0, mitigation: ['readout'] },
    });
  });
  it.each([
    [[], 'body'],
    [{ program_id: 'runner', params: {} }, 'program_id'],
    [{ program_id: 'sampler' }, 'params'],
    [{ program_id: 'sampler', params: {}, extra: 1 }, 'unknown field extra'],
    [{ program_id: 'sampler', params: {}, options: { shots: 0 } }, 'options.shots'],
    [{ program_id: 'sampler', params: {}, options: { seed: -1 } }, 'options.seed'],
    [{ program_id: 'sampler', params: {}, options: { mitigation: [1] } }, 'options.mitigation'],
  ])('refuses %j as PAYLOAD_INVALID naming %s', (body, field) => {
    expect(() => parseTaskRequest(body)).toThrowError(expect.objectContaining({ code: 'PAYLOAD_INVALID', message: expect.stringContaining(field) }));
  });
});

describe('wire format and params re-encoding', () => {
  it('round-trips a sampler outcome with its sample bytes', async () => {
    const outcome = await runSampler(parseSamplerParams(example('bell.json')), { seed: 1, shots: 8 });
    expect(outcomeFromWire(JSON.parse(JSON.stringify(outcomeToWire(outcome))))).toEqual(outcome);
    expect(() => outcomeFromWire({ kind: 'other' })).toThrowError(expect.objectContaining({ code: 'BACKEND_FAILED' }));
  });
  it('re-encodes checked params into payloads that parse to the same params', () => {
    const sampler = parseSamplerParams(example('sweep.json'));
    expect(parseSamplerParams(samplerPayload(sampler))).toEqual(sampler);
    const estimator = parseEstimatorParams(example('estimator.json'));
    expect(parseEstimatorParams(estimatorPayload(estimator))).toEqual(estimator);
  });
});

describe('usage', () => {
  it('counts tasks by fate and shots of completed ones, and renders the Slurm comment', () => {
    const meter = new Meter(9, ['sim']);
    meter.submitted('sim');
    meter.submitted('sim');
    meter.finished('sim', 'completed', { wallMs: 10.4, deviceMs: 8.6, shots: 100 });
    meter.finished('sim', 'failed', { wallMs: 1, deviceMs: 0, shots: 100 });
    const usage = meter.snapshot();
    expect(usage.backends['sim']).toEqual({ tasks: 2, completed: 1, failed: 1, cancelled: 0, shots: 100, wall_ms: 11, device_ms: 9 });
    expect(usageComment(usage)).toBe('qpu_usage={"sim":{"tasks":2,"completed":1,"failed":1,"cancelled":0,"shots":100,"wall_ms":11,"device_ms":9}}');
  });
});

describe('deadline watchdog', () => {
  it('fires at once for a past deadline and not before a future one', () => {
    let fired = 0;
    atDeadline(10, () => fired++, () => 11_000);
    expect(fired).toBe(1);
    const cancel = atDeadline(10, () => fired++, () => 9_000);
    cancel();
    expect(fired).toBe(1);
  });
});

describe('Unix socket peer check (SO_PEERCRED through the native addon)', () => {
  const native = loadPeerCredentials();
  it.skipIf(native === null)('accepts the job uid and refuses any other', async () => {
    const own = await startTestGateway({ peerUid: createPeerLookup(native) });
    const ok = new GatewayClient(own.endpoint, own.token);
    try {
      expect((await ok.backends()).job_id).toBe(4242);
    } finally {
      await ok.close();
      await own.stop();
    }
    const other = await startTestGateway({ config: { uid: UID + 1 }, peerUid: createPeerLookup(native) });
    const refused = new GatewayClient(other.endpoint, other.token);
    try {
      await expect(refused.backends()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining(`from uid ${UID}`) });
    } finally {
      await refused.close();
      await other.stop();
    }
  });
});

describe('loopback TCP', () => {
  it('finds the uid of a loopback client in the kernel socket table', async () => {
    const server = createServer();
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = connect(port, '127.0.0.1');
    const socket = await accepted;
    try {
      expect(tcpPeerUid(socket)).toBe(UID);
      expect(tcpPeerUid(socket, () => '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n')).toBeNull();
    } finally {
      client.destroy();
      socket.destroy();
      server.close();
    }
  });

  it('serves the API on 127.0.0.1 too, checking the peer uid from the socket table', async () => {
    const gateway = await startTestGateway({ config: { tcp: true }, peerUid: createPeerLookup(null) });
    const port = gateway.server.tcpPort;
    expect(port).toBeGreaterThan(0);
    const client = new GatewayClient(`http://127.0.0.1:${port}`, gateway.token);
    try {
      expect((await client.backends()).job_id).toBe(4242);
    } finally {
      await client.close();
      await gateway.stop();
    }
    const strict = await startTestGateway({ config: { tcp: true, uid: UID + 1 }, peerUid: createPeerLookup(null) });
    const refused = new GatewayClient(`http://127.0.0.1:${strict.server.tcpPort}`, strict.token);
    try {
      await expect(refused.backends()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining(`from uid ${UID}`) });
    } finally {
      await refused.close();
      await strict.stop();
    }
  });
});

describe('the hook-facing gateway without a service user', () => {
  const entry = { type: 'sim' as const, capacity: { gres: 'sim', lanes: 1 }, metadata: { num_qubits: 2 } };
  const request = { jobId: 3, uid: 1000, gid: 1000, token: mintToken(3, 1000), deadline: null, serviceUser: '', stateDir: '/nonexistent' };
  it('runs a simulator without a secret in the job itself (local:)', async () => {
    const handle = await processGateway({ env: {} }).start({ ...request, backends: [{ alias: 'sim', entry }] });
    expect(handle).toEqual({ endpoint: 'local:', pid: null, record: null });
  });
  it('fails closed for anything that needs a credential, saying what to add', async () => {
    await expect(processGateway({ env: {} }).start({ ...request, backends: [{ alias: 'vault_sim', entry: { ...entry, secret: 'env:X' } }] })).rejects.toMatchObject({
      code: 'GATEWAY_FAILED',
      message: expect.stringContaining('vault_sim'),
      hint: expect.stringContaining('service_user='),
    });
  });
});
