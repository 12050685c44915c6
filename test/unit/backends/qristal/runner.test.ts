import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { qristalBackend } from '../../../../src/backends/qristal/index.js';
import { createQristalRunner } from '../../../../src/backends/qristal/runner.js';
import type { TaskRunner } from '../../../../src/backends/types.js';
import { isQrunError, type QrunError } from '../../../../src/errors.js';
import type { SamplerOutcome } from '../../../../src/primitives/result-model.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { startQristalFake, type QristalFake } from '../../../fakes/qristal/index.js';
import { BELL, capturedLogger, counts, entryFor, gatewayBackend, samplerTask, until } from './helpers.js';

let fake: QristalFake;
let runner: TaskRunner | undefined;
const captured = capturedLogger();
beforeEach(async () => {
  fake = await startQristalFake({ runDelayMs: 10 });
});
afterEach(async () => {
  await runner?.close?.();
  runner = undefined;
  await fake.close();
});

function makeRunner(): TaskRunner {
  runner = createQristalRunner({ deadline: null, logger: captured.logger });
  return runner;
}

const never = new AbortController().signal;
const acquire = (jobId: number, secret = fake.secret) =>
  qristalBackend.acquire({ jobId, alias: 'qb_fake', entry: entryFor(fake), deadline: Math.floor(Date.now() / 1000) + 3600, secret: new SecretValue(secret), logger: captured.logger });

async function failure(work: Promise<unknown>): Promise<QrunError> {
  try {
    await work;
  } catch (error) {
    if (isQrunError(error)) return error;
    throw error;
  }
  throw new Error('expected a QrunError');
}

describe('qristal tasks against the fake QB device', () => {
  it('reserves the device for the job, runs a Bell sampler in native gates with Bell counts, and gives the reservation back', async () => {
    const { session } = await acquire(41);
    expect(session).toMatch(/^slurm-job-41\//);
    expect(fake.reservation()?.session).toBe('slurm-job-41');
    const outcome = (await (await makeRunner().prepare(samplerTask(BELL, 300), gatewayBackend(fake, { session }))).run(never)) as SamplerOutcome;
    const register = outcome.pubs[0]?.registers[0];
    expect(register).toMatchObject({ name: 'c', numBits: 2, shots: 300 });
    const seen = counts(register?.bytes ?? new Uint8Array());
    expect(Object.keys(seen).sort()).toEqual(['00', '11']);
    expect((seen['00'] ?? 0) + (seen['11'] ?? 0)).toBe(300);
    expect(seen['00']).toBeGreaterThan(90);
    // What went to the device: native instructions only, with the reservation token.
    const [circuit] = [...fake.circuits.values()];
    const body = circuit?.body as { circuit: string[]; measure: number[][]; settings: { shots: number } };
    expect(body.circuit.every((t) => /^(Rx|Ry)\(q\[\d\],-?\d+\.\d+\)$|^CZ\(q\[\d\],q\[\d\]\)$/.test(t))).toBe(true);
    expect(body.measure).toEqual([[0, 0], [1, 1]]);
    expect(body.settings.shots).toBe(300);
    expect(circuit?.session).toBe('slurm-job-41');
    expect(fake.requests.filter((r) => r.route !== 'GET /native-gates').every((r) => r.authorization === 'Bearer')).toBe(true);

    await qristalBackend.release({ jobId: 41, alias: 'qb_fake', entry: entryFor(fake), session, secret: new SecretValue(fake.secret) });
    expect(fake.reservation()).toBeNull();
    expect(fake.counts()['DELETE /reservations']).toBe(1);
    // Released twice (exit and epilog): harmless.
    await qristalBackend.release({ jobId: 41, alias: 'qb_fake', entry: entryFor(fake), session, secret: new SecretValue(fake.secret) });
  });

  it("refuses a second job's reservation at once with QPU_RESERVED while the first holds the device", async () => {
    await acquire(1);
    const error = await failure(acquire(2));
    expect(error.code).toBe('QPU_RESERVED');
    expect(error.family).toBe('capacity');
    expect(error.message).toMatch(/qb_loopback is reserved for exclusive use by another token/);
    expect(error.hint).toMatch(/submit again later/);
    expect(fake.counts()['PUT /reservations']).toBe(2);
    // ...and a task of an unreserved gateway meets the same answer, not a generic HTTP error.
    const refused = await failure((async () => (await makeRunner().prepare(samplerTask(BELL), gatewayBackend(fake, { secret: null }))).run(never))());
    expect(refused.code).toBe('QPU_RESERVED');
  });

  it('names a wrong shared secret as the admin to fix', async () => {
    const error = await failure(acquire(3, 'not-the-device-secret'));
    expect(error.code).toBe('VENDOR_AUTH_FAILED');
    expect(error.message).toMatch(/incorrect shared secret/);
    expect(error.hint).toMatch(/reservation shared secret/);
    expect(fake.reservation()).toBeNull();
  });

  it('runs every parameter set as a circuit of its own and keeps the PUB shape', async () => {
    const circuit = 'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] theta;\nqubit[1] q;\nbit[1] c;\nrx(theta) q[0];\nc[0] = measure q[0];\n';
    const outcome = (await (await makeRunner().prepare(samplerTask(circuit, 50, [[0], [Math.PI], [0]]), gatewayBackend(fake, { secret: null }))).run(never)) as SamplerOutcome;
    const pub = outcome.pubs[0];
    expect(pub?.shape).toEqual([3]);
    const bytes = pub?.registers[0]?.bytes ?? new Uint8Array();
    expect([...bytes.slice(0, 50)].every((b) => b === 0)).toBe(true);
    expect([...bytes.slice(50, 100)].every((b) => b === 1)).toBe(true);
    expect(fake.counts()['POST /circuits']).toBe(3);
    // An unreserved device is reached without any Authorization header.
    expect(fake.requests.every((r) => r.authorization === null)).toBe(true);
  });

  it('refuses an Estimator task before anything reaches the device', async () => {
    const request = { programId: 'estimator' as const, backend: undefined, params: { pubs: [[BELL.replace('c = measure q;\n', ''), { ZZ: 1 }, null, 0.01]], version: 2 }, options: {} };
    const error = await failure((async () => makeRunner().prepare(request, gatewayBackend(fake, { secret: null })))());
    expect(error.code).toBe('PRIMITIVE_UNSUPPORTED');
    expect(error.message).toMatch(/runs only the Sampler/);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a circuit that does not fit, or needs a mid-circuit measurement, with nothing sent', async () => {
    const metadata = { num_qubits: 4, basis_gates: ['rx', 'ry', 'cz', 'h', 'cx'] };
    const wide = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[5] q;\nbit[5] c;\nh q[4];\nc = measure q;\n';
    const tooWide = await failure((async () => makeRunner().prepare(samplerTask(wide), gatewayBackend(fake, { secret: null, metadata })))());
    expect(tooWide.code).toBe('CIRCUIT_DOES_NOT_FIT');
    const midCircuit = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\nc[0] = measure q[0];\ncx q[0], q[1];\nc[1] = measure q[1];\n';
    const measured = await failure((async () => makeRunner().prepare(samplerTask(midCircuit), gatewayBackend(fake, { secret: null, metadata })))());
    expect(measured.code).toBe('CIRCUIT_UNSUPPORTED');
    expect(measured.message).toMatch(/applies cx to qubit 0 after measuring it/);
    expect(fake.requests).toHaveLength(0);
  });

  it('rides out 429 and 502 from the device, and tops up shots the device did not return', async () => {
    fake.fail('POST /circuits', { kind: 'status', status: 429, retryAfterSeconds: 0 }, 1);
    fake.fail('GET /circuits/{id}', 502, 1);
    fake.fail('POST /circuits', { kind: 'short-shots', keep: 70 }, 1);
    const outcome = (await (await makeRunner().prepare(samplerTask(BELL, 200), gatewayBackend(fake, { secret: null }))).run(never)) as SamplerOutcome;
    expect(outcome.pubs[0]?.shots).toBe(200);
    expect(outcome.pubs[0]?.metadata).not.toHaveProperty('shots_requested');
    const posts = fake.requests.filter((r) => r.route === 'POST /circuits');
    expect(posts.map((r) => r.status)).toEqual([429, 200, 200]);
    const sent = [...fake.circuits.values()].map((c) => c.shots);
    expect(sent).toEqual([200, 130]);
  });

  it('reports the shots it has, never more, when the top-ups run out', async () => {
    fake.fail('POST /circuits', { kind: 'short-shots', keep: 60 }, 1);
    const outcome = (await (await makeRunner().prepare(samplerTask(BELL, 200), gatewayBackend(fake, { secret: null, settings: { shot_topups: 0 } }))).run(never)) as SamplerOutcome;
    const pub = outcome.pubs[0];
    expect(pub?.shots).toBe(60);
    expect(pub?.registers[0]?.bytes).toHaveLength(60);
    expect(pub?.metadata).toMatchObject({ shots: 60, shots_requested: 200, shots_received: [60] });
  });

  it("surfaces the device's failure with its own detail", async () => {
    fake.fail('POST /circuits', { kind: 'circuit-failure', detail: 'QB hardware process failure: NV centre readout lost' }, 1);
    const error = await failure((async () => (await makeRunner().prepare(samplerTask(BELL), gatewayBackend(fake, { secret: null }))).run(never))());
    expect(error.code).toBe('BACKEND_FAILED');
    expect(error.message).toMatch(/NV centre readout lost/);
    expect(error.message).toMatch(/vendor code 500/);
  });

  it('cancels the circuit at the device when the task is aborted (scancel)', async () => {
    fake.setRunDelay(60_000);
    const controller = new AbortController();
    const running = (async () => (await makeRunner().prepare(samplerTask(BELL), gatewayBackend(fake, { secret: null }))).run(controller.signal))();
    await until(() => fake.requests.some((r) => r.route === 'GET /circuits/{id}' && r.status === 425), 'the first poll');
    controller.abort();
    const error = await failure(running);
    expect(error.code).toBe('TASK_CANCELLED');
    expect(fake.counts()['DELETE /circuits/{id}']).toBe(1);
    expect([...fake.circuits.values()][0]?.status).toBe('cancelled');
  });

  it('keeps the shared secret and the token out of every URL, log line and error', async () => {
    const { session } = await acquire(7);
    await (await makeRunner().prepare(samplerTask(BELL, 20), gatewayBackend(fake, { session }))).run(never);
    const wrong = await failure(acquire(8, 'wrong-secret-value'));
    expect(fake.secretsInUrls()).toEqual([]);
    const tokens = fake.requests.length > 0 ? [fake.secret] : [];
    const text = [...captured.lines, wrong.message, wrong.hint ?? '', JSON.stringify(wrong.details ?? {})].join('\n');
    for (const secret of [...tokens, 'wrong-secret-value']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    expect(session).not.toMatch(/eyJ/);
  });
});
