/**
 * The gateway side of `pasqal-cloud` against the fake: a Pulser sequence to counts, the token
 * exchange and its renewal, retries, Pasqal's failures with their reasons, cancel, the refusals made
 * before anything is sent, and the client secret in no URL, log line or error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPasqalRunner } from '../../../../src/backends/pasqal-cloud/runner.js';
import type { GatewayBackend, TaskRunner } from '../../../../src/backends/types.js';
import { QrunError } from '../../../../src/errors.js';
import type { SamplerOutcome } from '../../../../src/primitives/result-model.js';
import { startPasqalCloudFake, type PasqalCloudFake, type PasqalCloudFakeOptions } from '../../../fakes/pasqal-cloud/index.js';
import { capturedLogger, gatewayBackend, nativeTask, payloadWithAtoms, piPulsePayload, pulserCounts } from './helpers.js';

const FAST_POLL = { initialMs: 20, maxMs: 100, factor: 2 };
let fake: PasqalCloudFake;
let runner: TaskRunner;
let log: ReturnType<typeof capturedLogger>;

async function setup(options: PasqalCloudFakeOptions = {}): Promise<void> {
  fake = await startPasqalCloudFake(options);
  log = capturedLogger();
  runner = createPasqalRunner({ deadline: null, logger: log.logger, jobId: 77 }, { poll: FAST_POLL });
}

async function run(backend: GatewayBackend, params: Record<string, unknown> = piPulsePayload(), signal = new AbortController().signal, shots?: number): Promise<SamplerOutcome> {
  const prepared = await runner.prepare(nativeTask(params, shots), backend);
  return (await prepared.run(signal)) as SamplerOutcome;
}

async function refusal(promise: Promise<unknown>): Promise<QrunError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof QrunError)) throw new Error(`expected a QrunError, got ${String(error)}`);
  return error;
}

const created = (): number => fake.counts()['POST /core-fast/api/v1/batches'] ?? 0;

afterEach(async () => {
  await runner?.close?.();
  await fake?.close();
});

describe('pasqal-cloud runner', () => {
  beforeEach(async () => {
    await setup();
  });

  it('runs a Pulser sequence as one batch and returns its counts as samples of the atoms', async () => {
    const outcome = await run(gatewayBackend(fake));
    const pub = outcome.pubs[0];
    expect(pub?.shots).toBe(100);
    expect(pub?.registers[0]).toMatchObject({ name: 'atoms', numBits: 2, shots: 100 });
    expect(pulserCounts(pub?.registers[0]?.bytes ?? new Uint8Array(), 2)).toEqual({ '11': 100 });
    expect(pub?.metadata).toMatchObject({ atoms: ['q0', 'q1'], counts: { '11': 100 } });
    expect(outcome.metadata).toMatchObject({ backend: 'pasqal_fake', device: 'FRESNEL' });
    // The batch carries the job's tag, the device type and the project, as the SDK sends them.
    const [batch] = [...fake.store.batches.values()];
    expect(batch).toMatchObject({ device_type: 'FRESNEL', project_id: fake.projectId, tags: ['slurm-job-77'] });
    expect(JSON.parse(batch?.sequence_builder ?? '{}')).toEqual(piPulsePayload().sequence);
  });

  it('exchanges the client credentials once, reuses the token and the device specs, and renews a refused token', async () => {
    await run(gatewayBackend(fake));
    await run(gatewayBackend(fake), piPulsePayload(), undefined, 10);
    expect(fake.auth.issued).toBe(1);
    expect(fake.counts()['GET /core-fast/api/v1/devices/specs']).toBe(1);
    fake.auth.revokeAll();
    const outcome = await run(gatewayBackend(fake));
    expect(outcome.pubs[0]?.shots).toBe(100);
    expect(fake.auth.issued).toBe(2);
  });

  it("applies `--shots` in place of the payload's", async () => {
    const outcome = await run(gatewayBackend(fake), piPulsePayload(), undefined, 7);
    expect(outcome.pubs[0]?.shots).toBe(7);
    expect([...fake.store.batches.values()][0]?.jobs[0]?.runs).toBe(7);
  });

  it('rides out a 429 with Retry-After and a 502', async () => {
    fake.fault('GET /core-fast/api/v1/batches/{id}/status', { kind: 'status', status: 429, retryAfterSeconds: 1 }, 1);
    fake.fault('GET /core-fast/api/v1/jobs/{id}/results_link', 502, 1);
    const outcome = await run(gatewayBackend(fake));
    expect(outcome.pubs[0]?.shots).toBe(100);
    const faulted = fake.requests.filter((r) => r.fault !== undefined).map((r) => `${r.route} ${r.fault ?? ''}`);
    expect(faulted).toEqual(['GET /core-fast/api/v1/batches/{id}/status 429', 'GET /core-fast/api/v1/jobs/{id}/results_link 502']);
  });

  it("surfaces a failed batch with Pasqal's reason, and a timed-out one", async () => {
    fake.fault('POST /core-fast/api/v1/batches', { kind: 'job-error', errors: ['Atom loading failed: not enough atoms trapped'] }, 1);
    const failed = await refusal(run(gatewayBackend(fake)));
    expect(failed.code).toBe('BACKEND_FAILED');
    expect(failed.message).toMatch(/\(ERROR\): Atom loading failed: not enough atoms trapped/);
    fake.fault('POST /core-fast/api/v1/batches', 'timeout', 1);
    const timedOut = await refusal(run(gatewayBackend(fake)));
    expect(timedOut.code).toBe('BACKEND_FAILED');
    expect(timedOut.message).toContain('TIMED_OUT');
  });

  it("maps Pasqal's refusals to coded errors naming Pasqal's code", async () => {
    const backend = gatewayBackend(fake);
    const wrongProject = { ...backend, name: 'other', settings: { ...backend.settings, project_id: 'not-my-project' } };
    const error = await refusal(run(wrongProject));
    expect(error.code).toBe('VENDOR_AUTH_FAILED');
    expect(error.message).toMatch(/403 Forbidden: You are not a member of project not-my-project/);
    expect(error.hint).toContain('project_id');
  });

  it('refuses a sequence the device cannot take before anything is sent', async () => {
    const backend = gatewayBackend(fake);
    const tooMany = await refusal(run(backend, payloadWithAtoms(30)));
    expect(tooMany).toMatchObject({ code: 'SEQUENCE_DOES_NOT_FIT', details: { field: 'sequence.register', atoms: 30, max_atoms: 25 } });
    const shots = await refusal(run(backend, { ...piPulsePayload(), shots: 600 }));
    expect(shots).toMatchObject({ code: 'SEQUENCE_DOES_NOT_FIT', details: { field: 'shots', max_shots: 500 } });
    const other = piPulsePayload();
    (other.sequence['device'] as Record<string, unknown>)['name'] = 'AnalogDevice';
    expect((await refusal(run(backend, other))).details).toMatchObject({ field: 'sequence.device', expected: 'Fresnel' });
    const channel = piPulsePayload();
    channel.sequence['channels'] = { ryd: 'raman_local' };
    expect((await refusal(run(backend, channel))).details).toMatchObject({ field: 'sequence.channels.ryd' });
    // The catalogue's metadata caps the device's own limits.
    const capped = await refusal(run(gatewayBackend(fake, { name: 'capped', metadata: { num_qubits: 1 } })));
    expect(capped.details).toMatchObject({ max_atoms: 1 });
    expect(created()).toBe(0);
  });

  it('refuses Sampler and Estimator tasks: the device is analog', async () => {
    for (const programId of ['sampler', 'estimator'] as const) {
      const error = await refusal(Promise.resolve(runner.prepare({ programId, backend: undefined, params: { pubs: [], version: 2 }, options: {} }, gatewayBackend(fake))));
      expect(error.code).toBe('PRIMITIVE_UNSUPPORTED');
      expect(error.hint).toContain('qrun run');
    }
    expect(fake.requests).toEqual([]);
  });

  it('shows the device as a target: atoms as qubits, runs as shots', async () => {
    expect(await runner.target?.(gatewayBackend(fake))).toEqual({ num_qubits: 25, basis_gates: [], max_shots: 500, max_experiments: 1 });
  });

  it('keeps the client secret out of every URL, log line and error', async () => {
    await run(gatewayBackend(fake));
    const wrong = await refusal(run(gatewayBackend(fake, { name: 'wrong', secret: 'not-the-secret-5f1e' })));
    expect(wrong.code).toBe('VENDOR_AUTH_FAILED');
    expect(wrong.message).toContain('access_denied');
    const everything = `${log.lines.join('\n')}\n${JSON.stringify(wrong.toJSON())}\n${wrong.hint ?? ''}`;
    expect(everything).not.toContain(fake.clientSecret);
    expect(everything).not.toContain('not-the-secret-5f1e');
    expect(fake.secretsInUrls()).toEqual([]);
  });
});

describe('pasqal-cloud runner, cancel', () => {
  beforeEach(async () => {
    await setup({ queueDelayMs: 60_000 });
  });

  it('cancels the batch at Pasqal when the task is aborted', async () => {
    const abort = new AbortController();
    const running = run(gatewayBackend(fake), piPulsePayload(), abort.signal);
    while (created() === 0 || !fake.requests.some((r) => r.route === 'GET /core-fast/api/v1/batches/{id}/status')) await new Promise((r) => setTimeout(r, 10));
    abort.abort(new QrunError('TASK_CANCELLED', 'scancel'));
    const error = await refusal(running);
    expect(error.code).toBe('TASK_CANCELLED');
    expect(fake.counts()['PATCH /core-fast/api/v2/batches/{id}/cancel']).toBe(1);
    const [batch] = [...fake.store.batches.values()];
    expect(batch === undefined ? '' : fake.store.status(batch)).toBe('CANCELED');
  });
});
