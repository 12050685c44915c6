/**
 * The qiskit-aer backend as the job's gateway runs it: tasks through the runner, on a real Qiskit Aer
 * worker from the pinned Python environment (qiskit-aer 0.18.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAerRunner } from '../../../../src/backends/qiskit-aer/runner.js';
import { AerWorkerPool } from '../../../../src/backends/qiskit-aer/worker-pool.js';
import type { WorkerEvent } from '../../../../src/backends/qiskit-aer/worker-process.js';
import type { GatewayBackend, TaskRequest, TaskRunner } from '../../../../src/backends/types.js';
import { QrunError } from '../../../../src/errors.js';
import type { PrimitiveOutcome } from '../../../../src/primitives/result-model.js';
import { pythonSkipReason, venvPython } from '../../../helpers/python.js';
import { aerBackend, BELL, BELL_STATE, countsOf, estimatorRequest, ghz, samplerRequest, slowCircuit } from './helpers.js';

const skip = pythonSkipReason();

describe.skipIf(skip !== '')('qiskit-aer runner', () => {
  const events: { backend: string; event: WorkerEvent }[] = [];
  const waiters: { match: (backend: string, event: WorkerEvent) => boolean; resolve: (event: WorkerEvent) => void }[] = [];
  const pool = new AerWorkerPool({
    onEvent(backend, event) {
      events.push({ backend, event });
      for (const waiter of [...waiters]) {
        if (!waiter.match(backend, event)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
  });
  const nextEvent = (backend: string, kind: WorkerEvent['kind']): Promise<WorkerEvent> =>
    new Promise((resolve) => waiters.push({ match: (b, e) => b === backend && e.kind === kind, resolve }));
  let runner: TaskRunner;
  let python: string;

  beforeAll(() => {
    python = venvPython();
    runner = createAerRunner({ deadline: null }, { pool });
  });
  afterAll(async () => {
    await runner.close?.();
  });

  async function run(request: TaskRequest, backend: GatewayBackend, signal = new AbortController().signal): Promise<PrimitiveOutcome> {
    return (await runner.prepare(request, backend)).run(signal);
  }

  async function failure(promise: Promise<unknown>): Promise<QrunError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QrunError);
    return error as QrunError;
  }

  it('samples a Bell state: only 00 and 11, both seen, every shot counted', async () => {
    const backend = aerBackend('aer', { python });
    const outcome = await run(samplerRequest([[BELL, null, 400]]), backend);
    const counts = countsOf(outcome);
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBe(400);
    if (outcome.kind !== 'sampler') throw new Error('not a sampler');
    expect(outcome.pubs[0]?.registers[0]?.name).toBe('c');
    expect(outcome.metadata).toMatchObject({ backend: 'aer', simulator: { name: 'qiskit-aer', method: 'automatic', device: 'CPU' } });
  });

  it('gives the same counts for the same seed', async () => {
    const backend = aerBackend('aer', { python });
    const first = countsOf(await run(samplerRequest([[BELL, null, 300]], { seed: 7 }), backend));
    const second = countsOf(await run(samplerRequest([[BELL, null, 300]], { seed: 7 }), backend));
    expect(second).toEqual(first);
  });

  it('estimates <ZZ> = 1 and <XX> = 1 on a Bell state, exactly at precision 0', async () => {
    const backend = aerBackend('aer', { python, method: 'statevector' });
    const outcome = await run(estimatorRequest([[BELL_STATE, ['ZZ', 'XX', 'ZI'], null, 0]]), backend);
    expect(outcome.kind).toBe('estimator');
    if (outcome.kind !== 'estimator') return;
    const [zz, xx, zi] = outcome.pubs[0]?.evs ?? [];
    expect(zz).toBeCloseTo(1, 10);
    expect(xx).toBeCloseTo(1, 10);
    expect(zi).toBeCloseTo(0, 10);
    expect(outcome.pubs[0]?.stds).toEqual([0, 0, 0]);
  });

  it('binds parameters by name in Qiskit order', async () => {
    const backend = aerBackend('aer', { python });
    const circuit = 'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] b;\ninput float[64] a;\nqubit[2] q;\nrx(a) q[0];\nrx(b) q[1];\n';
    // a = π flips qubit 0, b = 0 leaves qubit 1: <ZI> = 1 (qubit 1), <IZ> = -1 (qubit 0).
    const outcome = await run(estimatorRequest([[circuit, ['ZI', 'IZ'], { a: Math.PI, b: 0 }, 0]]), backend);
    if (outcome.kind !== 'estimator') throw new Error('not an estimator');
    expect(outcome.pubs[0]?.evs[0]).toBeCloseTo(1, 10);
    expect(outcome.pubs[0]?.evs[1]).toBeCloseTo(-1, 10);
  });

  it("adds a device's noise from a fake backend name: some 01 and 10, mostly 00 and 11", async () => {
    const backend = aerBackend('aer_manila', { python, noise: { fake_backend: 'FakeManilaV2' } });
    const target = await runner.target?.(backend);
    expect(target).toMatchObject({ num_qubits: 5 });
    expect(target?.coupling_map).toContainEqual([0, 1]);
    const counts = countsOf(await run(samplerRequest([[BELL, null, 4000]], { seed: 11 }), backend));
    const flipped = (counts['01'] ?? 0) + (counts['10'] ?? 0);
    expect(flipped).toBeGreaterThan(0);
    expect((counts['00'] ?? 0) + (counts['11'] ?? 0)).toBeGreaterThan(flipped * 5);
  });

  it('runs a 40-qubit GHZ state with matrix_product_state: all zeros or all ones', async () => {
    const backend = aerBackend('aer_mps', { python, method: 'matrix_product_state' });
    expect((await runner.target?.(backend))?.num_qubits).toBeGreaterThanOrEqual(40);
    const counts = countsOf(await run(samplerRequest([[ghz(40), null, 200]]), backend));
    expect(Object.keys(counts).sort()).toEqual(['0'.repeat(40), '1'.repeat(40)]);
  });

  it('serves several tasks from one worker process', async () => {
    const backend = aerBackend('aer_reuse', { python });
    const pids = new Set<number | null>();
    for (let i = 0; i < 3; i++) {
      await run(samplerRequest([[BELL, null, 50]]), backend);
      pids.add(pool.pid('aer_reuse'));
    }
    expect(pids.size).toBe(1);
    expect([...pids][0]).toBeTypeOf('number');
    expect(events.filter((e) => e.backend === 'aer_reuse' && e.event.kind === 'started')).toHaveLength(1);
  });

  it('cancels a running task by stopping its worker (TASK_CANCELLED), and the next task works', async () => {
    const backend = aerBackend('aer_cancel', { python, method: 'statevector', max_parallel_threads: 1 });
    await run(samplerRequest([[BELL, null, 10]]), backend);
    const before = pool.pid('aer_cancel');
    const controller = new AbortController();
    const running = nextEvent('aer_cancel', 'running');
    const task = run(samplerRequest([[slowCircuit(), null, 1_000_000]]), backend, controller.signal);
    await running;
    const exited = nextEvent('aer_cancel', 'exited');
    controller.abort();
    const error = await failure(task);
    expect(error.code).toBe('TASK_CANCELLED');
    expect(await exited).toMatchObject({ pid: before, signal: 'SIGKILL' });
    const counts = countsOf(await run(samplerRequest([[BELL, null, 100]]), backend));
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect(pool.pid('aer_cancel')).not.toBe(before);
  });

  it('drops a task cancelled while it waits for the worker, without stopping the worker', async () => {
    const backend = aerBackend('aer_queue', { python, method: 'statevector', max_parallel_threads: 1 });
    const slow = new AbortController();
    const running = nextEvent('aer_queue', 'running');
    const first = run(samplerRequest([[slowCircuit(), null, 1_000_000]]), backend, slow.signal);
    const { pid } = await running;
    const queued = new AbortController();
    const second = run(samplerRequest([[BELL, null, 10]]), backend, queued.signal);
    queued.abort();
    expect((await failure(second)).code).toBe('TASK_CANCELLED');
    expect(pool.pid('aer_queue')).toBe(pid);
    slow.abort();
    expect((await failure(first)).code).toBe('TASK_CANCELLED');
  });

  it('reports a worker that dies during a task as BACKEND_FAILED, and the next task works', async () => {
    const backend = aerBackend('aer_crash', { python, method: 'statevector', max_parallel_threads: 1 });
    const running = nextEvent('aer_crash', 'running');
    const task = run(samplerRequest([[slowCircuit(), null, 1_000_000]]), backend);
    const { pid } = await running;
    // What the kernel's OOM killer would do.
    process.kill(pid, 'SIGKILL');
    const error = await failure(task);
    expect(error.code).toBe('BACKEND_FAILED');
    expect(error.message).toContain('killed by SIGKILL');
    expect(error.hint).toContain('memory');
    const counts = countsOf(await run(samplerRequest([[BELL, null, 100]]), backend));
    expect(Object.keys(counts).sort()).toEqual(['00', '11']);
    expect(pool.pid('aer_crash')).not.toBe(pid);
  });

  describe('errors a user meets', () => {
    it('refuses a circuit wider than the catalogue says, before the worker runs', async () => {
      const backend = aerBackend('aer_small', { python, metadata: { num_qubits: 2 } });
      const error = await failure(run(samplerRequest([[ghz(3), null, 10]]), backend));
      expect(error.code).toBe('CIRCUIT_DOES_NOT_FIT');
      expect(pool.pid('aer_small')).toBeNull();
    });

    it('refuses exact values from a noisy state vector', async () => {
      const backend = aerBackend('aer_manila', { python, noise: { fake_backend: 'FakeManilaV2' } });
      const error = await failure(run(estimatorRequest([[BELL_STATE, 'ZZ', null, 0]]), backend));
      expect(error.code).toBe('EXACT_UNSUPPORTED');
    });

    it('names a Python that does not exist', async () => {
      const backend = aerBackend('aer_nopython', { python: '/nonexistent/bin/python3', metadata: { num_qubits: 4 } });
      const error = await failure(run(samplerRequest([[BELL, null, 10]]), backend));
      expect(error.code).toBe('BACKEND_UNAVAILABLE');
      expect(error.message).toContain('/nonexistent/bin/python3');
    });

    it('names a fake backend that qiskit-ibm-runtime does not have', async () => {
      const backend = aerBackend('aer_nofake', { python, noise: { fake_backend: 'FakeNowhereV2' }, metadata: { num_qubits: 4 } });
      const error = await failure(run(samplerRequest([[BELL, null, 10]]), backend));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('FakeNowhereV2');
    });

    it('names a noise file that cannot be read', async () => {
      const backend = aerBackend('aer_nofile', { python, noise: { file: '/nonexistent/noise.json' }, metadata: { num_qubits: 4 } });
      const error = await failure(run(samplerRequest([[BELL, null, 10]]), backend));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('/nonexistent/noise.json');
    });

    it('says when the node has no GPU for a GPU backend', async ({ skip: skipTest }) => {
      const backend = aerBackend('aer_gpu', { python, device: 'GPU', metadata: { num_qubits: 4 } });
      const outcome = await run(samplerRequest([[BELL, null, 10]]), backend).then(
        () => null,
        (e: unknown) => e as QrunError,
      );
      if (outcome === null) skipTest('this node has a GPU Aer can use');
      expect(outcome?.code).toBe('BACKEND_UNAVAILABLE');
      expect(outcome?.message).toContain('GPU');
    });

    it('reports what Aer refuses as a coded error, and the worker serves the next task', async () => {
      // The stabilizer method simulates Clifford circuits only.
      const backend = aerBackend('aer_stab', { python, method: 'stabilizer' });
      const tGate = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nbit[1] c;\nh q[0];\nt q[0];\nc = measure q;\n';
      const error = await failure(run(samplerRequest([[tGate, null, 10]]), backend));
      expect(error.code).toBe('BACKEND_FAILED');
      const pid = pool.pid('aer_stab');
      const counts = countsOf(await run(samplerRequest([[ghz(200), null, 50]]), backend));
      expect(Object.keys(counts).sort()).toEqual(['0'.repeat(200), '1'.repeat(200)]);
      expect(pool.pid('aer_stab')).toBe(pid);
    });
  });
});
