import { describe, expect, it } from 'vitest';
import { remoteExecutor, preparedToV2Params, type VendorStatus, type VendorTasks } from '../../../../src/backends/remote/index.js';
import type { V2Params } from '../../../../src/backends/remote/index.js';
import { QrunError } from '../../../../src/errors.js';
import { executeEstimator, executeSampler } from '../../../../src/primitives/execute.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../../src/primitives/payload.js';
import { prepareSamplerPubs } from '../../../../src/primitives/prepare.js';
import { parseQasm } from '../../../../src/qasm/index.js';
import { prepareJob } from '../../../fakes/ibm-quantum-compute/execution.js';

const BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;';
const FAST = { initialMs: 1, maxMs: 5, factor: 2 };

/** A vendor in memory that runs what it is sent on the project's simulator, as the IBM fake does. */
function memoryVendor(options: { failWith?: string; hangs?: boolean } = {}) {
  const sent: { kind: string; params: V2Params }[] = [];
  const cancelled: string[] = [];
  const results = new Map<string, Promise<string>>();
  const vendor: VendorTasks = {
    submit(params, kind) {
      const id = `job-${sent.length}`;
      sent.push({ kind, params });
      results.set(id, prepareJob(kind, JSON.parse(JSON.stringify(params))).run());
      return Promise.resolve(id);
    },
    async status(id): Promise<VendorStatus> {
      if (cancelled.includes(id)) return { state: 'cancelled' };
      if (options.hangs === true) return { state: 'running' };
      if (options.failWith !== undefined) return { state: 'failed', reason: options.failWith, code: 1500 };
      await results.get(id);
      return { state: 'done' };
    },
    result: (id) => results.get(id) ?? Promise.reject(new Error('no such job')),
    cancel(id) {
      cancelled.push(id);
      return Promise.resolve();
    },
  };
  return { vendor, sent, cancelled };
}

const METADATA = { num_qubits: 5, max_shots: 10_000 };

describe('remoteExecutor', () => {
  it('runs a Bell sampler as one vendor job and returns its counts with the vendor job id', async () => {
    const { vendor, sent } = memoryVendor();
    const executor = remoteExecutor({ name: 'qpu', metadata: METADATA, ...vendor }, new AbortController().signal, { poll: FAST });
    const outcome = await executeSampler(parseSamplerParams({ pubs: [[BELL, null, 200]], version: 2 }), executor);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.kind).toBe('sampler');
    const register = outcome.pubs[0]?.registers[0];
    expect(register?.name).toBe('c');
    expect(register?.shots).toBe(200);
    // Bell: only 00 and 11 (bytes 0 and 3).
    expect(new Set(register?.bytes)).toEqual(new Set([0, 3]));
    expect(outcome.metadata).toMatchObject({ backend: 'qpu', job_id: 'job-0' });
  });

  it('runs an estimator and gets <ZZ> = 1 for a Bell state', async () => {
    const { vendor, sent } = memoryVendor();
    const executor = remoteExecutor({ name: 'qpu', metadata: METADATA, ...vendor }, new AbortController().signal, { poll: FAST });
    const circuit = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; h q[0]; cx q[0], q[1];';
    const outcome = await executeEstimator(parseEstimatorParams({ pubs: [[circuit, ['ZZ', 'XX', 'ZI'], null, 0.01]], version: 2 }), executor);
    expect(sent[0]?.params.resilience_level).toBe(0);
    expect(outcome.pubs[0]?.evs[0]).toBeCloseTo(1, 1);
    expect(outcome.pubs[0]?.evs[1]).toBeCloseTo(1, 1);
    expect(Math.abs(outcome.pubs[0]?.evs[2] ?? 1)).toBeLessThan(0.2);
  });

  it('surfaces the reason of a job the vendor failed', async () => {
    const { vendor } = memoryVendor({ failWith: 'the QPU went away' });
    const executor = remoteExecutor({ name: 'qpu', metadata: METADATA, ...vendor }, new AbortController().signal, { poll: FAST });
    await expect(executeSampler(parseSamplerParams({ pubs: [[BELL]], version: 2 }), executor)).rejects.toMatchObject({
      code: 'BACKEND_FAILED',
      message: expect.stringContaining('the QPU went away'),
    });
  });

  it('cancels the vendor job when the task is aborted, and ends with the abort reason', async () => {
    const { vendor, cancelled } = memoryVendor({ hangs: true });
    const abort = new AbortController();
    const executor = remoteExecutor({ name: 'qpu', metadata: METADATA, ...vendor }, abort.signal, {
      poll: FAST,
      onEvent: (event) => {
        if (event.kind === 'status' && event.state === 'running') abort.abort(new QrunError('ALLOCATION_EXPIRED', 'the job ended'));
      },
    });
    await expect(executeSampler(parseSamplerParams({ pubs: [[BELL]], version: 2 }), executor)).rejects.toMatchObject({ code: 'ALLOCATION_EXPIRED' });
    expect(cancelled).toEqual(['job-0']);
  });

  it('refuses a circuit wider than the device and exact values before sending anything', async () => {
    const { vendor, sent } = memoryVendor();
    const executor = remoteExecutor({ name: 'qpu', metadata: { num_qubits: 1 }, ...vendor }, new AbortController().signal, { poll: FAST });
    await expect(executeSampler(parseSamplerParams({ pubs: [[BELL]], version: 2 }), executor)).rejects.toMatchObject({ code: 'CIRCUIT_DOES_NOT_FIT' });
    const wide = remoteExecutor({ name: 'qpu', metadata: METADATA, ...vendor }, new AbortController().signal, { poll: FAST });
    const circuit = 'OPENQASM 3.0; qubit[1] q; U(0.1, 0, 0) q[0];';
    await expect(executeEstimator(parseEstimatorParams({ pubs: [[circuit, 'Z', null, 0]], version: 2 }), wide)).rejects.toMatchObject({ code: 'EXACT_UNSUPPORTED' });
    expect(sent).toHaveLength(0);
  });
});

describe('preparedToV2Params', () => {
  it('declares parameters in the name order Qiskit binds them, so positional values reach the vendor as given', () => {
    const qasm = 'OPENQASM 3.0; include "stdgates.inc"; input float[64] zeta; input float[64] alpha; qubit[1] q; bit[1] c; rx(zeta) q[0]; ry(alpha) q[0]; c = measure q;';
    const [pub] = prepareSamplerPubs(parseSamplerParams({ pubs: [[qasm, [[0.5, 0.25]], 10]], version: 2 }), parseQasm);
    const params = preparedToV2Params('sampler', pub === undefined ? [] : [pub]);
    const [text, values, shots] = params.pubs[0] ?? [];
    expect(parseQasm(String(text)).parameters).toEqual(['alpha', 'zeta']);
    // Column 0 is alpha (name order), whatever the declaration order: the vendor binds the same.
    expect(values).toEqual([[0.5, 0.25]]);
    expect(shots).toBe(10);
  });

  it('writes observables of a circuit on physical qubits as wide as the device', () => {
    const qasm = 'OPENQASM 3.0; include "stdgates.inc"; h $3; cx $3, $1;';
    const circuit = parseQasm(qasm);
    const pub = { index: 0, circuit, bindings: { shape: [], rows: [[]] }, observableShape: [], observables: [{ terms: [{ label: 'ZZ', coeff: 0.5 }] }], shape: [], precision: 0.05, shots: 400 };
    const [, observables] = preparedToV2Params('estimator', [pub]).pubs[0] ?? [];
    // Qubit 0 rightmost: Z on device qubits 3 and 1.
    expect(observables).toEqual({ ZIZI: 0.5 });
  });

  it('collects an attached vendor job instead of sending the batch again, and a detached abort cancels nothing', async () => {
    const first = memoryVendor({ hangs: true });
    const controller = new AbortController();
    const seen: string[] = [];
    const detached = remoteExecutor({ name: 'qpu', metadata: METADATA, ...first.vendor }, controller.signal, {
      poll: FAST,
      outlivesJob: true,
      hooks: { onVendorJob: (job) => seen.push(job.id) },
    });
    const params = parseSamplerParams({ pubs: [[BELL, null, 100]], version: 2 });
    const running = executeSampler(params, detached);
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 1));
    controller.abort(new QrunError('TASK_DETACHED', 'the job ended'));
    await expect(running).rejects.toMatchObject({ code: 'TASK_DETACHED' });
    expect(first.cancelled).toEqual([]);

    const later = memoryVendor();
    const job = await later.vendor.submit(preparedToV2Params('sampler', prepareSamplerPubs(params, parseQasm)), 'sampler', new AbortController().signal);
    const sentBefore = later.sent.length;
    const attached = remoteExecutor({ name: 'qpu', metadata: METADATA, ...later.vendor }, new AbortController().signal, { poll: FAST, attach: [{ program: 'sampler', id: job }] });
    const outcome = await executeSampler(params, attached);
    expect(later.sent).toHaveLength(sentBefore);
    expect(outcome.metadata).toMatchObject({ job_id: job });
  });
});
