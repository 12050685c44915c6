import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIbmComputeRunner } from '../../../../src/backends/ibm-quantum-compute-service/runner.js';
import type { TaskRunner } from '../../../../src/backends/types.js';
import { QrunError } from '../../../../src/errors.js';
import type { SamplerOutcome, EstimatorOutcome } from '../../../../src/primitives/result-model.js';
import { toPlain } from '../../../../src/primitives/encode-plain.js';
import { startIbmComputeFake, type IbmComputeFake } from '../../../fakes/ibm-quantum-compute/index.js';
import { ibmComputeBackend } from '../../../../src/backends/ibm-quantum-compute-service/index.js';
import { GatewayClient } from '../../../../src/backends/job-gateway/client.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { startTestGateway } from '../../gateway/helpers.js';
import { BELL_ISA, BELL_STATE_ISA, capturedLogger, counts, entryFor, gatewayBackend, samplerTask, until } from './helpers.js';

let fake: IbmComputeFake;
let runner: TaskRunner | undefined;
beforeEach(async () => {
  fake = await startIbmComputeFake({ queueDelayMs: 20 });
});
afterEach(async () => {
  await runner?.close?.();
  runner = undefined;
  await fake.close();
});

function makeRunner(deadline: number | null = null, logger = capturedLogger().logger): TaskRunner {
  runner = createIbmComputeRunner({ deadline, logger });
  return runner;
}

const never = new AbortController().signal;

describe('ibm-quantum-compute-service tasks (the gateway runner)', () => {
  it('runs a Bell sampler through IBM and gives Bell counts in the project result shape', async () => {
    const r = makeRunner();
    const backend = gatewayBackend(fake);
    const outcome = (await (await r.prepare(samplerTask(BELL_ISA, 400), backend)).run(never)) as SamplerOutcome;
    const register = outcome.pubs[0]?.registers[0];
    expect(register).toMatchObject({ name: 'c', numBits: 2, shots: 400 });
    const seen = counts(register?.bytes ?? new Uint8Array());
    expect(Object.keys(seen).sort()).toEqual(['00', '11']);
    expect((seen['00'] ?? 0) + (seen['11'] ?? 0)).toBe(400);
    const [job] = [...fake.jobs.values()];
    expect(outcome.metadata).toMatchObject({ backend: 'ibm_fake', job_id: job?.id });
    expect(job).toMatchObject({ program: 'sampler', backend: 'ibm_loopback', status: 'Completed' });
    // What the job's user gets back, rendered as qrun does.
    const plain = toPlain(outcome) as unknown as { results: { data: { c: { samples: string[]; num_bits: number } } }[] };
    expect(plain.results[0]?.data.c.num_bits).toBe(2);
    expect(new Set(plain.results[0]?.data.c.samples)).toEqual(new Set(['0x0', '0x3']));
  });

  it('submits in the job session the hook opened', async () => {
    const r = makeRunner();
    const opened = await ibmComputeBackend.acquire({ jobId: 1, alias: 'ibm_fake', entry: entryFor(fake), deadline: null, secret: new SecretValue(fake.apiKey) });
    await (await r.prepare(samplerTask(BELL_ISA), gatewayBackend(fake, { session: opened.session }))).run(never);
    expect([...fake.jobs.values()][0]?.sessionId).toBe(opened.session);
  });

  it("lists the device's target read from IBM in the gateway's GET /v1/backends", async () => {
    const backend = gatewayBackend(fake);
    const gateway = await startTestGateway({
      config: { backends: [{ name: backend.name, type: backend.type, secret: fake.apiKey, secretRequired: true, settings: backend.settings ?? {} }] },
    });
    const client = new GatewayClient(gateway.endpoint, gateway.token);
    try {
      const info = await client.backends();
      expect(info.backends[0]).toMatchObject({ name: 'ibm_fake', type: 'ibm-quantum-compute-service', metadata: { num_qubits: 5, max_shots: 100_000 } });
    } finally {
      await client.close();
      await gateway.stop();
    }
  });

  it('runs an estimator: <ZZ> and <XX> of a Bell state are 1', async () => {
    const r = makeRunner();
    const request = {
      programId: 'estimator' as const,
      backend: undefined,
      params: { pubs: [[BELL_STATE_ISA, [{ ZZ: 1 }, { XX: 1 }, { ZI: 1 }], null, 0.02]], version: 2 },
      options: {},
    };
    const outcome = (await (await r.prepare(request, gatewayBackend(fake))).run(never)) as EstimatorOutcome;
    const evs = outcome.pubs[0]?.evs ?? [];
    expect(evs[0]).toBeCloseTo(1, 1);
    expect(evs[1]).toBeCloseTo(1, 1);
    expect(Math.abs(evs[2] ?? 1)).toBeLessThan(0.2);
    expect([...fake.jobs.values()][0]?.params).toMatchObject({ resilience_level: 0, version: 2 });
  });

  it('rides out a 429 with Retry-After on submit and 5xx on status calls', async () => {
    const r = makeRunner();
    fake.fail('POST /jobs', { kind: 'status', status: 429, retryAfterSeconds: 1 }, 1);
    fake.fail('GET /jobs/{id}', 503, 1);
    fake.fail('GET /jobs/{id}', 502, 1);
    const outcome = (await (await r.prepare(samplerTask(BELL_ISA), gatewayBackend(fake))).run(never)) as SamplerOutcome;
    expect(outcome.pubs[0]?.shots).toBe(256);
    expect(fake.counts()['POST /jobs']).toBe(2);
    expect(fake.requests.filter((q) => q.route === 'GET /jobs/{id}' && typeof q.status === 'number' && q.status >= 500)).toHaveLength(2);
  });

  it('fails a hung vendor at the deadline with a coded message, and still cancels the job', async () => {
    const r = makeRunner(Math.floor(Date.now() / 1000) + 3);
    fake.fail('GET /jobs/{id}', 'hang');
    const task = await r.prepare(samplerTask(BELL_ISA), gatewayBackend(fake));
    const error = await task.run(never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QrunError);
    expect(error).toMatchObject({ code: 'UPSTREAM_DEADLINE', message: expect.stringContaining('ibm_fake') });
    expect(fake.counts()['POST /jobs/{id}/cancel']).toBe(1);
  });

  it("surfaces the reason of a job IBM failed", async () => {
    const r = makeRunner();
    fake.fail('POST /jobs', { kind: 'job-failure', reason: 'Qubit 1 is out of calibration.', reasonCode: 1517 }, 1);
    const error = await (await r.prepare(samplerTask(BELL_ISA), gatewayBackend(fake))).run(never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_FAILED', message: expect.stringContaining('Qubit 1 is out of calibration.') });
    expect((error as Error).message).toContain('1517');
  });

  it('cancels the IBM job when the task is aborted', async () => {
    const r = makeRunner();
    fake.setQueueDelay(60_000);
    const abort = new AbortController();
    const running = (await r.prepare(samplerTask(BELL_ISA), gatewayBackend(fake))).run(abort.signal).catch((e: unknown) => e);
    await until(() => fake.jobs.size === 1, 'the job at the fake');
    abort.abort();
    expect(await running).toMatchObject({ code: 'TASK_CANCELLED' });
    expect([...fake.jobs.values()][0]?.status).toBe('Cancelled');
    expect(fake.counts()['POST /jobs/{id}/cancel']).toBe(1);
  });

  it('refuses a circuit wider than the device, a gate outside its basis and too many shots before sending anything', async () => {
    const r = makeRunner();
    const backend = gatewayBackend(fake);
    const wide = 'OPENQASM 3.0; include "stdgates.inc"; bit[1] c; x $5; c[0] = measure $5;';
    await expect(r.prepare(samplerTask(wide), backend)).rejects.toMatchObject({ code: 'CIRCUIT_DOES_NOT_FIT', message: expect.stringContaining('has 5') });
    const hadamard = 'OPENQASM 3.0; include "stdgates.inc"; bit[1] c; h $0; c[0] = measure $0;';
    await expect(r.prepare(samplerTask(hadamard), backend)).rejects.toMatchObject({ code: 'CIRCUIT_DOES_NOT_FIT', message: expect.stringContaining('gate h not in basis') });
    await expect(r.prepare(samplerTask(BELL_ISA, 1_000_000), backend)).rejects.toMatchObject({ code: 'CIRCUIT_DOES_NOT_FIT', message: expect.stringContaining('shots') });
    const exact = { programId: 'estimator' as const, backend: undefined, params: { pubs: [[BELL_STATE_ISA, 'ZZ', null, 0]], version: 2 }, options: {} };
    await expect(r.prepare(exact, backend)).rejects.toMatchObject({ code: 'EXACT_UNSUPPORTED' });
    expect(fake.counts()['POST /jobs']).toBeUndefined();
    // The target was read once, from IBM's configuration.
    expect(fake.counts()['GET /backends/{name}/configuration']).toBe(1);
  });

  it('reads the target from IBM (cached), unless the catalogue gives one', async () => {
    const r = makeRunner();
    expect(await r.target?.(gatewayBackend(fake))).toMatchObject({ num_qubits: 5, basis_gates: ['cz', 'id', 'rz', 'sx', 'x'], max_shots: 100_000 });
    await r.target?.(gatewayBackend(fake));
    expect(fake.counts()['GET /backends/{name}/configuration']).toBe(1);
    expect(await r.target?.({ ...gatewayBackend(fake), metadata: { num_qubits: 2 } })).toEqual({ num_qubits: 2 });
  });

  it('says a wrong API key is refused and what to do', async () => {
    const r = makeRunner();
    const error = await Promise.resolve(r.prepare(samplerTask(BELL_ISA), gatewayBackend(fake, { apiKey: 'wrong-0000' }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VENDOR_AUTH_FAILED', hint: expect.stringContaining('API key') });
  });

  it('never puts the API key or its tokens in a URL, a log line or an error', async () => {
    const { logger, lines } = capturedLogger();
    const r = makeRunner(null, logger);
    const backend = gatewayBackend(fake);
    await (await r.prepare(samplerTask(BELL_ISA), backend)).run(never);
    fake.fail('POST /jobs', { kind: 'job-failure' }, 1);
    const failed = await (await r.prepare(samplerTask(BELL_ISA), backend)).run(never).catch((e: unknown) => e);
    fake.fail('GET /jobs/{id}', 500, 5);
    const unavailable = await (await r.prepare(samplerTask(BELL_ISA), backend)).run(never).catch((e: unknown) => e);
    expect(fake.secretsInUrls()).toEqual([]);
    const everything = [lines.join(''), JSON.stringify(fake.requests), JSON.stringify(failed), String(failed), JSON.stringify(unavailable), String(unavailable)].join('\n');
    expect(everything).not.toContain(fake.apiKey);
    expect(lines.length).toBeGreaterThan(0);
  });
});
