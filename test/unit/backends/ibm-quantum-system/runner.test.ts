/**
 * Tasks through the gateway's runner for `ibm-quantum-system`, against the contract fake: what a job
 * sees (Bell counts, expectation values, clear errors for busy lanes and reserved devices, refusals
 * before anything is sent) and what the service sees (our job ids, 204, cancels, deletes, no secrets).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIbmSystemRunner } from '../../../../src/backends/ibm-quantum-system/runner.js';
import type { GatewayBackend, TaskRequest, TaskRunner } from '../../../../src/backends/types.js';
import type { Logger } from '../../../../src/log/logger.js';
import type { PrimitiveOutcome, SamplerOutcome } from '../../../../src/primitives/result-model.js';
import { startIbmSystemFake, type IbmSystemFake } from '../../../fakes/ibm-quantum-system/index.js';
import { BELL_ISA, captureLogger, FAST_RETRY, fakeFields, fakeSecret, secretsOf } from './helpers.js';

const FAST_POLL = { initialMs: 10, maxMs: 50, factor: 2 };

let fake: IbmSystemFake;
let runners: TaskRunner[] = [];

beforeEach(async () => {
  fake = await startIbmSystemFake();
});

afterEach(async () => {
  await Promise.all(runners.map((r) => r.close?.() ?? Promise.resolve()));
  runners = [];
  await fake.close();
});

function backendOn(fields: Record<string, unknown> = {}): GatewayBackend {
  return { name: 'qs', type: 'ibm-quantum-system', secretRequired: true, secret: fakeSecret(fake), settings: fakeFields(fake, fields) };
}

function runner(logger?: Logger, deadline: number | null = null): TaskRunner {
  const made = createIbmSystemRunner({ deadline, logger }, { poll: FAST_POLL, http: { retry: FAST_RETRY } });
  runners.push(made);
  return made;
}

function sampler(pubs: unknown[], options: TaskRequest['options'] = {}): TaskRequest {
  return { programId: 'sampler', backend: 'qs', params: { pubs, version: 2 }, options };
}

async function run(request: TaskRequest, backend = backendOn(), made = runner(), signal = new AbortController().signal): Promise<PrimitiveOutcome> {
  return (await made.prepare(request, backend)).run(signal);
}

function counts(outcome: PrimitiveOutcome): Record<string, number> {
  const register = (outcome as SamplerOutcome).pubs[0]?.registers[0];
  if (register === undefined) throw new Error('no register');
  const tally: Record<string, number> = {};
  for (let shot = 0; shot < register.shots; shot++) {
    const key = (register.bytes[shot] ?? 0).toString(2).padStart(register.numBits, '0');
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

const jobCreates = () => fake.requests.filter((r) => r.route === 'POST /v1/jobs');

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a task that completes', () => {
  it('gets Bell counts from a sampler task, as one job under an id the client chose, created with 204', async () => {
    const outcome = await run(sampler([[BELL_ISA, null, 400]]));
    const tally = counts(outcome);
    expect(Object.keys(tally).sort()).toEqual(['00', '11']);
    expect((tally['00'] ?? 0) + (tally['11'] ?? 0)).toBe(400);
    expect((outcome as SamplerOutcome).pubs[0]?.registers[0]?.name).toBe('meas');

    expect(jobCreates().map((r) => r.status)).toEqual([204]);
    const id = String(outcome.metadata['job_id']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.requests.some((r) => r.route === 'GET /v1/jobs/:id' && r.path === `/v1/jobs/${id}`)).toBe(true);
    // The input went to the bucket before the job was created, as the service expects it.
    const inputPut = fake.requests.findIndex((r) => r.server === 's3' && r.method === 'PUT' && r.path.includes(`input_${id}.json`));
    expect(inputPut).toBeGreaterThanOrEqual(0);
    expect(inputPut).toBeLessThan(fake.requests.indexOf(jobCreates()[0]!));
  });

  it('deletes the job at the service once its results are read, and its objects leave the bucket', async () => {
    const outcome = await run(sampler([[BELL_ISA, null, 100]]));
    const id = String(outcome.metadata['job_id']);
    expect(fake.jobs.has(id)).toBe(false);
    expect(fake.requests.find((r) => r.route === 'DELETE /v1/jobs/:id')).toMatchObject({ status: 204, path: `/v1/jobs/${id}` });
    expect([...fake.storage.objects.keys()]).toEqual([]);
  });

  it('runs an estimator task', async () => {
    const circuit = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nx $0;\n';
    const outcome = await run({ programId: 'estimator', backend: 'qs', params: { pubs: [[circuit, ['Z', 'X']]], version: 2, precision: 0.02 }, options: {} });
    expect(outcome.kind).toBe('estimator');
    if (outcome.kind !== 'estimator') return;
    expect(outcome.pubs[0]?.evs[0]).toBeCloseTo(-1, 1);
    expect(Math.abs(outcome.pubs[0]?.evs[1] ?? 1)).toBeLessThan(0.2);
  });

  it('reads the target from the device\'s configuration once, unless the catalogue gives one', async () => {
    const made = runner();
    await expect(made.target?.(backendOn())).resolves.toMatchObject({ num_qubits: 8, basis_gates: ['cz', 'id', 'rz', 'sx', 'x'], max_shots: 100000, max_experiments: 300 });
    await run(sampler([[BELL_ISA, null, 10]]), backendOn(), made);
    expect(fake.requests.filter((r) => r.route === 'GET /v1/backends/:name/configuration')).toHaveLength(1);
    const given = { ...backendOn(), metadata: { num_qubits: 2 } };
    await expect(made.target?.(given)).resolves.toEqual({ num_qubits: 2 });
  });

  it('keeps the credentials out of its logs, errors and URLs', async () => {
    const { logger, text } = captureLogger();
    const made = runner(logger);
    fake.lanes.set('fake_fez', 0, 0);
    const error = await run(sampler([[BELL_ISA, null, 10]]), backendOn(), made).catch((e: unknown) => e);
    fake.lanes.set('fake_fez', 2, 2);
    await run(sampler([[BELL_ISA, null, 10]]), backendOn(), made);
    expect(text()).toContain('vendor job created');
    const seen = [text(), JSON.stringify(error), String((error as Error).message), ...fake.requests.map((r) => r.path)].join('\n');
    for (const secret of secretsOf(fake)) expect(seen).not.toContain(secret);
  });
});

describe('refused before anything is sent', () => {
  it('refuses a circuit that does not fit the device: a gate outside its basis, too many qubits', async () => {
    const made = runner();
    const bell = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
    await expect(made.prepare(sampler([[bell]]), backendOn())).rejects.toMatchObject({ code: 'CIRCUIT_DOES_NOT_FIT', message: expect.stringContaining('gate h not in basis') });
    const wide = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[1] c;\nx $9;\nc[0] = measure $9;\n';
    await expect(made.prepare(sampler([[wide]]), backendOn())).rejects.toMatchObject({ code: 'CIRCUIT_DOES_NOT_FIT', message: expect.stringContaining('qs has 8') });
    expect(jobCreates()).toHaveLength(0);
    expect(fake.requests.filter((r) => r.server === 's3')).toHaveLength(0);
  });

  it('refuses a task without a credential, naming the backend', async () => {
    await expect(runner().prepare(sampler([[BELL_ISA]]), { ...backendOn(), secret: undefined })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('qs needs a credential') });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('execution lanes and reservations', () => {
  it('says every lane of the device is busy (1232), after the layer\'s retries, and leaves nothing behind', async () => {
    fake.lanes.set('fake_fez', 0, 0);
    const error = await run(sampler([[BELL_ISA, null, 10]]), backendOn({ lane_wait_secs: 0 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEVICE_LANES_BUSY', message: expect.stringContaining('all execution lanes of fake_fez are busy') });
    expect(jobCreates().length).toBeGreaterThan(1);
    expect(jobCreates().every((r) => r.status === 429)).toBe(true);
    expect(fake.storage.objects.size).toBe(0);
  });

  it('waits for a lane when the entry allows it, and runs once one frees', async () => {
    fake.lanes.set('fake_fez', 0, 0);
    const running = run(sampler([[BELL_ISA, null, 50]]), backendOn({ lane_wait_secs: 60 }));
    await waitFor(() => jobCreates().length >= 6);
    fake.lanes.set('fake_fez', 1, 0);
    expect(Object.keys(counts(await running)).sort()).toEqual(['00', '11']);
  });

  it('says the device is reserved (1233), paused or offline, and what to do', async () => {
    fake.backends.reserve('fake_fez');
    await expect(run(sampler([[BELL_ISA, null, 10]]))).rejects.toMatchObject({
      code: 'DEVICE_NOT_ACCEPTING',
      message: expect.stringContaining('fake_fez is reserved, paused or offline'),
      hint: expect.stringContaining('reservation'),
    });
    await expect(run(sampler([[BELL_ISA, null, 10]]), backendOn({ device: 'fake_kyiv' }))).rejects.toMatchObject({
      code: 'DEVICE_NOT_ACCEPTING',
      message: expect.stringContaining('fake_kyiv is offline'),
    });
  });

  it('retries a job creation that met a 429 rate limit with Retry-After', async () => {
    fake.fail('POST /v1/jobs', { kind: 'rate-limit', retryAfterSeconds: 1 }, 1);
    await run(sampler([[BELL_ISA, null, 10]]));
    expect(jobCreates().map((r) => r.status)).toEqual([429, 204]);
  });
});

describe('failures and cancellation', () => {
  it('reports a failed job with the service\'s reason and solution, and deletes it', async () => {
    fake.fail('execution', { kind: 'job-failed', reasonCode: 1599, reasonMessage: 'The device had a bad day.', reasonSolution: 'Try again tomorrow.' });
    await expect(run(sampler([[BELL_ISA, null, 10]]))).rejects.toMatchObject({
      code: 'BACKEND_FAILED',
      message: expect.stringMatching(/vendor code 1599\): The device had a bad day\.; Try again tomorrow\./),
    });
    expect(fake.jobs.size).toBe(0);
  });

  it('cancels the job at the service when the task is aborted, then deletes it', async () => {
    fake.setRunDelay(30_000);
    const controller = new AbortController();
    const running = run(sampler([[BELL_ISA, null, 10]]), backendOn(), runner(), controller.signal).catch((e: unknown) => e);
    await waitFor(() => [...fake.jobs.values()].some((j) => j.status === 'Running'));
    const [id] = [...fake.jobs.keys()];
    controller.abort();
    expect(await running).toMatchObject({ code: 'TASK_CANCELLED' });
    expect(fake.requests.find((r) => r.route === 'POST /v1/jobs/:id/cancel')).toMatchObject({ status: 204, path: `/v1/jobs/${id}/cancel` });
    expect(fake.jobs.has(id!)).toBe(false);
  });

  it('cancels what a task left at the service when the gateway stops its runner', async () => {
    fake.setRunDelay(30_000);
    const made = runner();
    const running = run(sampler([[BELL_ISA, null, 10]]), backendOn(), made).catch((e: unknown) => e);
    await waitFor(() => [...fake.jobs.values()].some((j) => j.status === 'Running'));
    const [id] = [...fake.jobs.keys()];
    await made.close?.();
    expect(fake.requests.find((r) => r.route === 'POST /v1/jobs/:id/cancel')).toMatchObject({ status: 204, path: `/v1/jobs/${id}/cancel` });
    expect(fake.jobs.has(id!)).toBe(false);
    expect(await running).toMatchObject({ code: 'TASK_CANCELLED' });
  });

  it('fails a task whose API hangs with a deadline error once the allocation and its grace end', async () => {
    const made = runner(undefined, Math.floor(Date.now() / 1000) - 29);
    fake.fail('POST /v1/jobs', { kind: 'hang' }, 5);
    await expect(run(sampler([[BELL_ISA, null, 10]]), backendOn(), made)).rejects.toMatchObject({ code: 'UPSTREAM_DEADLINE' });
  });
});
