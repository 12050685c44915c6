import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../src/backends/job-gateway/client.js';
import { mintToken } from '../../../src/gateway/token.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { toPlain } from '../../../src/primitives/encode-plain.js';
import { samplerPayload, estimatorPayload } from '../../../src/backends/job-gateway/encode-params.js';
import { example, heldRunner, JOB_ID, startTestGateway, UID, type TestGateway } from './helpers.js';

let gateway: TestGateway | undefined;
const clients: GatewayClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await gateway?.stop();
  gateway = undefined;
});

function client(gw: TestGateway, token = gw.token): GatewayClient {
  const c = new GatewayClient(gw.endpoint, token);
  clients.push(c);
  return c;
}

async function raw(gw: TestGateway, method: 'GET' | 'POST', path: string, options: { token?: string | null; body?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.token !== null) headers['authorization'] = `Bearer ${options.token ?? gw.token}`;
  const response = await request(`http://gateway${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    dispatcher: new (await import('undici')).Agent({ connect: { socketPath: gw.server.socketPath } }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as { error?: { code: string; message: string; hint?: string } } & Record<string, unknown> };
}

describe('gateway API v1', () => {
  it('lists the granted backends with their metadata', async () => {
    gateway = await startTestGateway();
    const info = await client(gateway).backends();
    expect(info).toEqual({ job_id: JOB_ID, deadline: null, backends: [{ name: 'sim', type: 'sim', description: null, metadata: { num_qubits: 10, max_shots: 100_000 } }] });
  });

  it('runs a sampler task with the same samples as a local run of the same seed', async () => {
    gateway = await startTestGateway();
    const params = parseSamplerParams(example('bell.json'));
    const remote = await client(gateway).run({ program_id: 'sampler', params: samplerPayload(params), options: { seed: 7 } });
    const local = await runSampler(params, { seed: 7 });
    expect(toPlain(remote).results).toEqual(toPlain(local).results);
  });

  it('runs an estimator task, observables and parameter sweep re-encoded on the way', async () => {
    gateway = await startTestGateway();
    const params = parseEstimatorParams(example('estimator.json'));
    const remote = await client(gateway).run({ program_id: 'estimator', params: estimatorPayload(params), options: { seed: 3 } });
    const local = await runEstimator(params, { seed: 3 });
    expect(toPlain(remote).results).toEqual(toPlain(local).results);
  });

  it('gives status, plain and Qiskit results, and meters tasks and shots', async () => {
    gateway = await startTestGateway();
    const c = client(gateway);
    const task = await c.submit({ program_id: 'sampler', params: example('bell.json') });
    expect(task).toMatchObject({ program_id: 'sampler', backend: 'sim' });
    await c.result(task.id);
    expect(await c.status(task.id)).toMatchObject({ status: 'Completed', error: null });
    const plain = await raw(gateway, 'GET', `/v1/tasks/${task.id}/result`);
    expect(plain.status).toBe(200);
    expect(plain.body['results']).toHaveLength(1);
    const qiskit = await raw(gateway, 'GET', `/v1/tasks/${task.id}/result?format=qiskit`);
    expect(qiskit.body['__type__']).toBe('PrimitiveResult');
    const usage = await c.usage();
    expect(usage.backends['sim']).toMatchObject({ tasks: 1, completed: 1, shots: 1024 });
    await gateway.server.close(new (await import('../../../src/errors.js')).QrunError('TASK_CANCELLED', 'end'));
    const written = JSON.parse(await readFile(gateway.usageFile, 'utf8')) as { backends: Record<string, { shots: number }> };
    expect(written.backends['sim']?.shots).toBe(1024);
  });

  it('answers POST /v1/tasks?wait with the result when the task ends in time, else 202 with the task', async () => {
    gateway = await startTestGateway();
    const body = JSON.stringify({ program_id: 'sampler', params: example('bell.json') });
    const quick = await raw(gateway, 'POST', '/v1/tasks?wait=10', { body });
    expect(quick.status).toBe(200);
    expect(quick.body['results']).toHaveLength(1);
    await gateway.stop();
    const held = heldRunner();
    gateway = await startTestGateway({ runners: { sim: held.runner } });
    const slow = await raw(gateway, 'POST', '/v1/tasks?wait=0.05', { body });
    expect(slow).toMatchObject({ status: 202, body: { status: 'Running' } });
  });

  it('answers a path that is not a gateway path (//, //x) with ROUTE_NOT_FOUND, not a server error', async () => {
    gateway = await startTestGateway();
    for (const path of ['//', '//evil.example/v1/backends']) {
      const answer = await raw(gateway, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.error?.code, path).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('refuses an unknown result format before creating a task', async () => {
    gateway = await startTestGateway();
    const body = JSON.stringify({ program_id: 'sampler', params: samplerPayload(parseSamplerParams(example('bell.json'))) });
    const refused = await raw(gateway, 'POST', '/v1/tasks?wait=5&format=evil', { body });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'OPTION_INVALID', message: expect.stringMatching(/plain, qiskit or model/) } } });
    const listed = await raw(gateway, 'GET', '/v1/tasks');
    expect(listed.body['tasks']).toEqual([]);
  });

  it('answers JSON errors with code, message and hint', async () => {
    gateway = await startTestGateway();
    const missing = await raw(gateway, 'GET', '/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'ROUTE_NOT_FOUND', hint: expect.any(String) });
    const task = await raw(gateway, 'GET', '/v1/tasks/no-such-task');
    expect(task).toMatchObject({ status: 404, body: { error: { code: 'TASK_NOT_FOUND' } } });
    const bad = await raw(gateway, 'POST', '/v1/tasks', { body: '{"program_id":"sampler"}' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'PAYLOAD_INVALID' } } });
    const notJson = await raw(gateway, 'POST', '/v1/tasks', { body: 'nope' });
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'PAYLOAD_INVALID' } } });
    const payload = await raw(gateway, 'POST', '/v1/tasks', { body: JSON.stringify({ program_id: 'sampler', params: { pubs: [], version: 2 } }) });
    expect(payload).toMatchObject({ status: 400, body: { error: { code: 'PAYLOAD_INVALID', message: expect.stringContaining('pubs') } } });
  });
});

describe('gateway authentication', () => {
  it('refuses a request without a token, telling how to send one', async () => {
    gateway = await startTestGateway();
    const reply = await raw(gateway, 'GET', '/v1/backends', { token: null });
    expect(reply).toMatchObject({ status: 401, body: { error: { code: 'AUTH_FAILED', hint: expect.stringContaining('QRUN_TOKEN') } } });
  });

  it("refuses another job's token and names that job", async () => {
    gateway = await startTestGateway();
    const other = mintToken(JOB_ID + 1, UID);
    await expect(client(gateway, other).backends()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining(`job ${JOB_ID + 1}`) });
  });

  it('refuses a token of this job that is not the one it was given (same prefix, other bits)', async () => {
    gateway = await startTestGateway();
    await expect(client(gateway, mintToken(JOB_ID, UID)).backends()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(client(gateway, `${gateway.token}x`).backends()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('refuses a connection from another uid even with the right token', async () => {
    gateway = await startTestGateway({ peerUid: () => UID + 1000 });
    await expect(client(gateway).backends()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining(`from uid ${UID + 1000}`) });
  });
});

describe('gateway enforcement', () => {
  it('runs only granted backends', async () => {
    gateway = await startTestGateway();
    await expect(client(gateway).submit({ program_id: 'sampler', backend: 'ibm_fez', params: example('bell.json') })).rejects.toMatchObject({
      code: 'BACKEND_NOT_GRANTED',
      details: { granted: ['sim'] },
    });
  });

  it('accepts nothing after the deadline', async () => {
    gateway = await startTestGateway({ config: { deadline: Math.floor(Date.now() / 1000) - 1 } });
    await expect(client(gateway).submit({ program_id: 'sampler', params: example('bell.json') })).rejects.toMatchObject({ code: 'ALLOCATION_EXPIRED' });
  });

  it('checks the circuit against the catalogue metadata before running it', async () => {
    gateway = await startTestGateway({ config: { backends: [{ name: 'tiny', type: 'sim', metadata: { num_qubits: 1 } }] } });
    const c = client(gateway);
    const task = await c.submit({ program_id: 'sampler', params: example('bell.json') });
    await expect(c.result(task.id)).rejects.toMatchObject({ code: 'CIRCUIT_DOES_NOT_FIT', message: expect.stringContaining('tiny has 1') });
    expect((await c.usage()).backends['tiny']).toMatchObject({ failed: 1, shots: 0 });
  });

  it('refuses a body over the size limit with 413', async () => {
    gateway = await startTestGateway({ config: { limits: { maxRequestBytes: 1000 } } });
    const reply = await raw(gateway, 'POST', '/v1/tasks', { body: JSON.stringify({ program_id: 'sampler', params: { pad: 'x'.repeat(2000) } }) });
    expect(reply).toMatchObject({ status: 413, body: { error: { code: 'REQUEST_TOO_LARGE' } } });
  });

  it('limits tasks in flight per job, runs them one at a time, and cancels queued and running ones', async () => {
    const held = heldRunner();
    gateway = await startTestGateway({ config: { limits: { maxTasks: 2 } }, runners: { sim: held.runner } });
    const c = client(gateway);
    const body = { program_id: 'sampler' as const, params: example('bell.json') };
    const first = await c.submit(body);
    const second = await c.submit(body);
    await expect(c.submit(body)).rejects.toMatchObject({ code: 'TOO_MANY_TASKS' });
    expect(held.started()).toBe(1);
    expect(await c.status(second.id)).toMatchObject({ status: 'Queued' });
    expect(await c.cancel(second.id)).toMatchObject({ status: 'Cancelled' });
    await c.cancel(first.id);
    await expect(c.result(first.id)).rejects.toMatchObject({ code: 'TASK_CANCELLED' });
    expect((await c.usage()).backends['sim']).toMatchObject({ tasks: 2, cancelled: 2, completed: 0 });
  });

  it('cancels everything in flight when it closes, and refuses new work', async () => {
    const held = heldRunner();
    gateway = await startTestGateway({ runners: { sim: held.runner } });
    const c = client(gateway);
    const task = await c.submit({ program_id: 'sampler', params: example('bell.json') });
    const { QrunError } = await import('../../../src/errors.js');
    const usage = await gateway.server.close(new QrunError('TASK_CANCELLED', 'released'));
    expect(usage.backends['sim']).toMatchObject({ cancelled: 1 });
    expect(gateway.server.manager.status(task.id)).toMatchObject({ status: 'Cancelled', error: { code: 'TASK_CANCELLED', message: 'released' } });
    expect(() => gateway?.server.manager.checkOpen()).toThrowError(expect.objectContaining({ code: 'TASK_CANCELLED' }));
  });

  it('refuses to run a backend whose credential is required but missing', async () => {
    gateway = await startTestGateway({ config: { backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 4 }, secretRequired: true }] } });
    await expect(client(gateway).submit({ program_id: 'sampler', params: example('bell.json') })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('credential') });
  });

  it('runs it when the credential is there', async () => {
    gateway = await startTestGateway({ config: { backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 4 }, secretRequired: true, secret: 'canary' }] } });
    const c = client(gateway);
    const outcome = await c.run({ program_id: 'sampler', params: example('bell.json') });
    expect(outcome.kind).toBe('sampler');
    expect(JSON.stringify(await c.backends())).not.toContain('canary');
  });
});

describe('the primitives seam', () => {
  it('runs Sampler and Estimator params through the gateway when QRUN_ENDPOINT names it', async () => {
    gateway = await startTestGateway();
    const env = { QRUN_ENDPOINT: gateway.endpoint, QRUN_TOKEN: gateway.token, QRUN_BACKENDS: 'sim' };
    const sampler = parseSamplerParams(example('bell.json'));
    expect(toPlain(await runSampler(sampler, { env, seed: 11, shots: 64 }))).toEqual(toPlain(await runSampler(sampler, { seed: 11, shots: 64 })));
    const estimator = parseEstimatorParams(example('estimator.json'));
    expect(toPlain(await runEstimator(estimator, { env, seed: 2 })).results).toEqual(toPlain(await runEstimator(estimator, { seed: 2 })).results);
    expect((await client(gateway).usage()).backends['sim']).toMatchObject({ tasks: 2, completed: 2 });
  });
});

describe('gateway client', () => {
  it('reports a gateway that is not running as BACKEND_UNAVAILABLE with a hint', async () => {
    gateway = await startTestGateway();
    const c = client(gateway);
    await gateway.stop();
    await expect(c.backends()).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('is not running'), hint: expect.stringContaining('gateway') });
  });
});
