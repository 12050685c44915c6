/**
 * One vendor job's lifecycle against the contract fake: the id is ours and creation answers 204, the
 * results come from the bucket, the job and its objects are deleted afterwards, lanes and
 * reservations give clear errors, and an abort cancels the job at the service.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveJobs, runVendorJob } from '../../../../src/backends/ibm-quantum-system/jobs.js';
import type { DeviceConnection } from '../../../../src/backends/ibm-quantum-system/connection.js';
import { fromQiskit } from '../../../../src/primitives/decode-qiskit.js';
import { startIbmSystemFake, type IbmSystemFake } from '../../../fakes/ibm-quantum-system/index.js';
import { BELL_ISA, captureLogger, connectFake, secretsOf } from './helpers.js';

let fake: IbmSystemFake;
const open: DeviceConnection[] = [];

beforeEach(async () => {
  fake = await startIbmSystemFake();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await fake.close();
});

function connect(fields: Record<string, unknown> = {}, options: Parameters<typeof connectFake>[3] = {}): DeviceConnection {
  const conn = connectFake(fake, fields, {}, options);
  open.push(conn);
  return conn;
}

const bell = { programId: 'sampler' as const, params: { pubs: [[BELL_ISA, null, 400]], version: 2 } };

function counts(encoded: unknown): Record<string, number> {
  const outcome = fromQiskit(encoded);
  if (outcome.kind !== 'sampler') throw new Error('not a sampler result');
  const register = outcome.pubs[0]?.registers[0];
  if (register === undefined) throw new Error('no register');
  const tally: Record<string, number> = {};
  for (let shot = 0; shot < register.shots; shot++) {
    const value = register.bytes[shot] ?? 0;
    const key = value.toString(2).padStart(register.numBits, '0');
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

describe('a job that completes', () => {
  it('gets Bell counts back, under an id the client chose, created with 204', async () => {
    const conn = connect();
    const result = await runVendorJob(conn, bell, { signal: new AbortController().signal, pollMs: 20 });
    const tally = counts(result.encoded);
    expect(Object.keys(tally).sort()).toEqual(['00', '11']);
    expect((tally['00'] ?? 0) + (tally['11'] ?? 0)).toBe(400);
    const create = fake.requests.find((r) => r.route === 'POST /v1/jobs');
    expect(create?.status).toBe(204);
    expect(fake.requests.some((r) => r.route === 'GET /v1/jobs/:id' && r.path === `/v1/jobs/${result.jobId}`)).toBe(true);
    // The input went to the bucket first, as qrmi sends it.
    const inputPut = fake.requests.findIndex((r) => r.server === 's3' && r.method === 'PUT' && r.path.includes(`input_${result.jobId}.json`));
    expect(inputPut).toBeGreaterThanOrEqual(0);
    expect(inputPut).toBeLessThan(fake.requests.indexOf(create!));
  });

  it('is deleted at the service once its results are read, and its objects leave the bucket', async () => {
    const conn = connect();
    const result = await runVendorJob(conn, bell, { signal: new AbortController().signal, pollMs: 20 });
    expect(fake.jobs.has(result.jobId)).toBe(false);
    expect(fake.requests.find((r) => r.route === 'DELETE /v1/jobs/:id')?.status).toBe(204);
    expect([...fake.storage.objects.keys()].filter((k) => k.includes(result.jobId))).toEqual([]);
  });

  it('runs an estimator job', async () => {
    const conn = connect();
    const params = { pubs: [['OPENQASM 3.0;\ninclude "stdgates.inc";\nx $0;\n', 'Z']], version: 2, precision: 0.01 };
    const result = await runVendorJob(conn, { programId: 'estimator', params }, { signal: new AbortController().signal, pollMs: 20 });
    const outcome = fromQiskit(result.encoded);
    expect(outcome.kind).toBe('estimator');
    if (outcome.kind === 'estimator') expect(outcome.pubs[0]?.evs[0]).toBeCloseTo(-1, 1);
  });

  it('keeps the credentials out of its logs, errors and URLs', async () => {
    const { logger, text } = captureLogger();
    const conn = connect();
    fake.lanes.set('fake_fez', 0, 0);
    const error = await runVendorJob(conn, bell, { signal: new AbortController().signal, pollMs: 20, logger }).catch((e: unknown) => e);
    fake.lanes.set('fake_fez', 2, 2);
    await runVendorJob(conn, bell, { signal: new AbortController().signal, pollMs: 20, logger });
    const seen = `${text()}\n${JSON.stringify(error)}\n${String((error as Error).message)}\n${fake.requests.map((r) => r.path).join('\n')}`;
    for (const secret of secretsOf(fake)) expect(seen).not.toContain(secret);
    expect(text()).toContain('vendor job created');
  });
});

describe('execution lanes and reservations', () => {
  it('says every lane is busy (1232) when the device and its queue are full', async () => {
    const conn = connect({ lane_wait_secs: 0 });
    fake.lanes.set('fake_fez', 0, 0);
    const error = await runVendorJob(conn, bell, { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEVICE_LANES_BUSY', message: expect.stringContaining('all execution lanes of fake_fez are busy') });
    // The layer retried the 429 with backoff before giving up; nothing was left in the bucket.
    expect(fake.requests.filter((r) => r.route === 'POST /v1/jobs').length).toBeGreaterThan(1);
    expect(fake.storage.objects.size).toBe(0);
  });

  it('waits for a lane when the entry allows, and runs once one frees', async () => {
    const conn = connect({ lane_wait_secs: 60 });
    fake.lanes.set('fake_fez', 0, 0);
    const running = runVendorJob(conn, bell, { signal: new AbortController().signal, pollMs: 20 });
    await waitFor(() => fake.requests.filter((r) => r.route === 'POST /v1/jobs' && r.status === 429).length >= 6);
    fake.lanes.set('fake_fez', 1, 0);
    const result = await running;
    expect(Object.keys(counts(result.encoded)).sort()).toEqual(['00', '11']);
  });

  it('says the device is reserved (1233), paused or offline, and what to do', async () => {
    const conn = connect();
    fake.backends.reserve('fake_fez');
    await expect(runVendorJob(conn, bell, { signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'DEVICE_NOT_ACCEPTING',
      message: expect.stringContaining('fake_fez is reserved, paused or offline'),
      hint: expect.stringContaining('reservation'),
    });
    const paused = connect({ device: 'fake_torino' });
    await expect(runVendorJob(paused, bell, { signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'DEVICE_NOT_ACCEPTING',
      message: expect.stringContaining('fake_torino is paused'),
    });
  });
});

describe('failures and cancellation', () => {
  it('reports a failed job with the service\'s reason and solution, and deletes it', async () => {
    const conn = connect();
    fake.fail('execution', { kind: 'job-failed', reasonCode: 1599, reasonMessage: 'The device had a bad day.', reasonSolution: 'Try again tomorrow.' });
    const error = await runVendorJob(conn, bell, { signal: new AbortController().signal, pollMs: 20 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_FAILED', message: expect.stringContaining('The device had a bad day. (reason 1599)'), hint: 'Try again tomorrow.' });
    expect(fake.jobs.size).toBe(0);
  });

  it('cancels the job at the service when aborted, then deletes it, and tracks it while it runs', async () => {
    const conn = connect();
    fake.setRunDelay(30_000);
    const live = new LiveJobs();
    const controller = new AbortController();
    const running = runVendorJob(conn, bell, { signal: controller.signal, pollMs: 20, live }).catch((e: unknown) => e);
    await waitFor(() => live.ids().length === 1);
    const [id] = live.ids();
    expect(fake.jobs.get(id!)?.status).toBe('Running');
    controller.abort();
    expect(await running).toMatchObject({ code: 'TASK_CANCELLED' });
    const cancel = fake.requests.find((r) => r.route === 'POST /v1/jobs/:id/cancel');
    expect(cancel).toMatchObject({ status: 204, path: `/v1/jobs/${id}/cancel` });
    expect(fake.jobs.has(id!)).toBe(false);
    expect(live.ids()).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
