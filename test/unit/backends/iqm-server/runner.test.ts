/**
 * Tasks through the gateway's runner for `iqm-server`, against the contract fake: what a job sees
 * (Bell counts in the circuit's own register, coded refusals before anything is sent, the vendor's
 * failure reason, retried 429/5xx) and what the server sees (native circuits, cancels, no token in a
 * URL, log or error).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIqmRunner } from '../../../../src/backends/iqm-server/runner.js';
import type { GatewayBackend, TaskRequest, TaskRunner } from '../../../../src/backends/types.js';
import { isQrunError, type QrunError } from '../../../../src/errors.js';
import type { Logger } from '../../../../src/log/logger.js';
import type { PrimitiveOutcome, SamplerOutcome } from '../../../../src/primitives/result-model.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { startIqmServerFake, type IqmServerFake } from '../../../fakes/iqm-server/index.js';
import { captureLogger, FAST_RETRY } from '../ibm-quantum-system/helpers.js';

const FAST_POLL = { initialMs: 10, maxMs: 40, factor: 2 };
const BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;';

let fake: IqmServerFake;
let runners: TaskRunner[] = [];

beforeEach(async () => {
  fake = await startIqmServerFake({ queueDelayMs: 10 });
});

afterEach(async () => {
  await Promise.all(runners.map((r) => r.close?.() ?? Promise.resolve()));
  runners = [];
  await fake.close();
});

function backendOn(fields: Record<string, unknown> = {}, token = fake.token): GatewayBackend {
  return { name: 'iqm', type: 'iqm-server', secretRequired: true, secret: new SecretValue(token), settings: { endpoint: fake.url, device: 'iqm_loopback', ...fields } };
}

function runner(logger?: Logger): TaskRunner {
  const made = createIqmRunner({ deadline: null, logger }, { poll: FAST_POLL, http: { retry: FAST_RETRY } });
  runners.push(made);
  return made;
}

function sampler(pubs: unknown[]): TaskRequest {
  return { programId: 'sampler', backend: 'iqm', params: { pubs, version: 2 }, options: {} };
}

async function run(request: TaskRequest, backend = backendOn(), made = runner(), signal = new AbortController().signal): Promise<PrimitiveOutcome> {
  return (await made.prepare(request, backend)).run(signal);
}

async function refusal(promise: Promise<unknown>): Promise<QrunError> {
  try {
    await promise;
  } catch (error) {
    if (isQrunError(error)) return error;
    throw error;
  }
  throw new Error('expected a coded error');
}

function counts(outcome: PrimitiveOutcome, pub = 0, element = 0): Record<string, number> {
  const register = (outcome as SamplerOutcome).pubs[pub]?.registers[0];
  if (register === undefined) throw new Error('no register');
  const tally: Record<string, number> = {};
  for (let shot = 0; shot < register.shots; shot++) {
    const key = (register.bytes[element * register.shots + shot] ?? 0).toString(2).padStart(register.numBits, '0');
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

const submits = () => fake.requests.filter((r) => r.route === 'POST /jobs/{qc}/circuit');

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a sampler task', () => {
  it('gets Bell counts in the circuit\'s register, sent as native prx/cz/measure on QB names, with the token only as a bearer', async () => {
    const { logger, text } = captureLogger();
    const outcome = await run(sampler([[BELL, null, 300]]), backendOn(), runner(logger));
    const tally = counts(outcome);
    expect(Object.keys(tally).sort()).toEqual(['00', '11']);
    expect((tally['00'] ?? 0) + (tally['11'] ?? 0)).toBe(300);
    expect((outcome as SamplerOutcome).pubs[0]?.registers[0]?.name).toBe('c');

    const job = [...fake.jobs.values()][0];
    const names = new Set(job?.circuits[0]?.instructions.map((i) => i.name));
    expect([...names].every((n) => ['prx', 'cz', 'measure'].includes(n))).toBe(true);
    expect(job?.circuits[0]?.instructions.find((i) => i.name === 'cz')?.locus).toEqual(['QB1', 'QB2']);
    expect(job?.useTimeslot).toBe(false);
    expect(fake.requests.every((r) => r.authorization === 'Bearer')).toBe(true);
    expect(fake.secretsInUrls()).toEqual([]);
    expect(text()).not.toContain(fake.token);
    // Read results are deleted at the server.
    expect(fake.counts()['DELETE /jobs/{id}']).toBe(1);
  });

  it('runs a parameter sweep and PUBs with different shots as one IQM job per shot count', async () => {
    const sweep = 'OPENQASM 3.0; include "stdgates.inc"; input float[64] t; qubit[1] q; bit[1] c; rx(t) q[0]; c[0] = measure q[0];';
    const outcome = await run(sampler([[sweep, [[0], [Math.PI]], 50], [BELL, null, 80]]));
    expect(counts(outcome, 0, 0)).toEqual({ '0': 50 });
    expect(counts(outcome, 0, 1)).toEqual({ '1': 50 });
    expect(Object.keys(counts(outcome, 1)).sort()).toEqual(['00', '11']);
    expect(submits().length).toBe(2);
    expect((outcome.metadata['job_id'] as string).split('+')).toHaveLength(2);
  });
});

describe('refusals before anything is sent', () => {
  it('refuses a circuit that does not fit (coupling, width) and an estimator, with the request log free of submissions', async () => {
    const far = 'OPENQASM 3.0; include "stdgates.inc"; qubit[5] q; bit[2] c; cx q[0], q[4]; c[0] = measure q[0];';
    const coupling = await refusal(run(sampler([[far, null, 10]])));
    expect(coupling.code).toBe('CIRCUIT_DOES_NOT_FIT');
    expect(coupling.message).toContain('cx on 0–4 not in coupling map');
    const wide = await refusal(run(sampler([['OPENQASM 3.0; qubit[7] q;', null, 10]])));
    expect(wide.code).toBe('CIRCUIT_DOES_NOT_FIT');
    const reset = await refusal(run(sampler([['OPENQASM 3.0; qubit[1] q; bit[1] c; reset q[0]; c[0] = measure q[0];', null, 10]])));
    expect(reset.code).toBe('CIRCUIT_DOES_NOT_FIT');
    expect(reset.message).toContain('resets a qubit');
    const estimator = await refusal(run({ programId: 'estimator', backend: 'iqm', params: { pubs: [[BELL.replace('c = measure q;', ''), 'ZZ']], version: 2 }, options: {} }));
    expect(estimator.code).toBe('PRIMITIVE_UNSUPPORTED');
    expect(estimator.message).toContain('Sampler tasks only');
    expect(submits()).toEqual([]);
  });

  it('refuses more shots than the device allows, read from its limits', async () => {
    const error = await refusal(run(sampler([[BELL, null, 200_000]])));
    expect(error.code).toBe('CIRCUIT_DOES_NOT_FIT');
    expect(error.message).toContain('at most 100000');
    expect(submits()).toEqual([]);
  });
});

describe('what the server says', () => {
  it('retries 429 with Retry-After and 503 on reads, then completes', async () => {
    fake.fail('POST /jobs/{qc}/circuit', { kind: 'status', status: 429, retryAfterSeconds: 0 }, 1);
    fake.fail('GET /jobs/{id}', 503, 2);
    const outcome = await run(sampler([[BELL, null, 20]]));
    expect(Object.keys(counts(outcome)).every((k) => k === '00' || k === '11')).toBe(true);
    expect(submits().map((r) => r.status)).toEqual([429, 200]);
  });

  it('surfaces a failed job with the server\'s reason and code', async () => {
    fake.failNextJob({ message: 'Readout calibration drifted on QB2.', error_code: 'execution_failed' });
    const error = await refusal(run(sampler([[BELL, null, 20]])));
    expect(error.code).toBe('BACKEND_FAILED');
    expect(error.message).toContain('execution_failed: Readout calibration drifted on QB2.');
  });

  it('explains not_enough_credits, a refused token and an unhealthy device, never showing the token', async () => {
    fake.setCredits(0);
    const credits = await refusal(run(sampler([[BELL, null, 20]])));
    expect(credits.code).toBe('VENDOR_CREDITS_EXHAUSTED');
    expect(credits.message).toContain('not_enough_credits');
    expect(credits.hint).toContain('top it up');

    const auth = await refusal(run(sampler([[BELL, null, 20]]), backendOn({}, 'wrong-token')));
    expect(auth.code).toBe('VENDOR_AUTH_FAILED');
    expect(JSON.stringify({ m: auth.message, h: auth.hint, d: auth.details })).not.toContain('wrong-token');

    fake.setHealthy('iqm_loopback', false);
    const sick = await refusal(run(sampler([[BELL, null, 20]]), backendOn({ device: 'iqm_loopback' }), runner()));
    expect(sick.code).toBe('DEVICE_NOT_ACCEPTING');
  });

  it('sends timeslot jobs to the timeslot queue and explains no_booked_timeslots', async () => {
    const error = await refusal(run(sampler([[BELL, null, 20]]), backendOn({ timeslot: true })));
    expect(error.code).toBe('TIMESLOT_NOT_BOOKED');
    expect(error.message).toContain('no_booked_timeslots');
    expect(submits()[0]?.query['use_timeslot']).toBe('true');
  });
});

describe('cancel', () => {
  it('cancels the IQM job when the task is aborted (scancel)', async () => {
    fake.setQueueDelay(60_000);
    const controller = new AbortController();
    const made = runner();
    const task = (await made.prepare(sampler([[BELL, null, 20]]), backendOn())).run(controller.signal);
    await waitFor(() => fake.jobs.size === 1);
    controller.abort();
    const error = await refusal(task);
    expect(error.code).toBe('TASK_CANCELLED');
    expect([...fake.jobs.values()][0]?.status).toBe('cancelled');
    expect(fake.counts()['POST /jobs/{id}/cancel']).toBeGreaterThanOrEqual(1);
  });
});
