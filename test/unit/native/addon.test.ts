/**
 * The addon's behaviour a caller notices: work runs off the JS thread, concurrent calls do not step
 * on each other, oversized circuits fail before allocating, and errors carry catalog codes.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/circuit/ir.js';
import { QrunError } from '../../../src/errors.js';
import { createNativeEngine } from '../../../src/native/engine.js';
import { createTsEngine } from '../../../src/sim/engine.js';
import { circuitOf, gateOp } from './arbitrary.js';
import { nativeBinding, testedBinding } from './binding.js';

const binding = nativeBinding();
const engine = createNativeEngine({ binding });

function layered(n: number, layers: number) {
  const ops = [];
  for (let l = 0; l < layers; l++) {
    for (let q = 0; q < n; q++) ops.push(gateOp('u', [q], 0.3 * l + q, 0.2, 0.1 * q));
    for (let q = l % 2; q + 1 < n; q += 2) ops.push(gateOp('cx', [q, q + 1]));
  }
  return ops;
}

describe('native addon', () => {
  it('simulates off the JS thread: the event loop keeps turning during a long run', async () => {
    // A run that held the JS thread would settle its Promise before any setImmediate callback: a
    // blocked loop turns zero times, however fast or slow the machine. (How long the loop stalls is
    // a number, not a test: bench/event-loop.mjs.)
    const c = circuitOf(21, layered(21, 12));
    let turns = 0;
    let running = true;
    const turn = (): void => {
      if (!running) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    await engine.statevector(c, []);
    running = false;
    expect(turns).toBeGreaterThan(0);
  });

  it('runs concurrent calls one after the other on the pool, each with its own result', async () => {
    const circuits = [8, 12, 16, 18].map((n) => circuitOf(n, [...layered(n, 4), ...Array.from({ length: n }, (_, q) => ({ kind: 'measure' as const, qubit: q, clbit: q }))], n));
    const parallel = await Promise.all(circuits.map((c, i) => engine.sample(c, [], { shots: 300, seed: i })));
    const ts = createTsEngine();
    for (const [i, c] of circuits.entries()) {
      const want = await ts.sample(c, [], { shots: 300, seed: i });
      expect(Buffer.from(parallel[i]!.memory).equals(Buffer.from(want.memory))).toBe(true);
    }
  });

  it('refuses a circuit over the memory limit with CIRCUIT_TOO_LARGE before allocating', async () => {
    const small = createNativeEngine({ binding, memoryLimitBytes: 1 << 20 });
    const c = circuitOf(20, [gateOp('h', [0]), { kind: 'measure', qubit: 0, clbit: 0 }], 1);
    const error = await small.sample(c, [], { shots: 1, seed: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QrunError);
    expect(error).toMatchObject({ code: 'CIRCUIT_TOO_LARGE', message: expect.stringMatching(/16.0 MiB.*limit is 1.0 MiB.*at most 16 qubits fit/) });
    // 16 qubits need exactly 1 MiB in complex128 and fit; complex64 takes 17.
    await expect(small.sample(circuitOf(16, [gateOp('h', [0]), { kind: 'measure', qubit: 0, clbit: 0 }], 1), [], { shots: 1, seed: 0 })).resolves.toBeDefined();
    const small32 = createNativeEngine({ binding, memoryLimitBytes: 1 << 20, precision: 'complex64' });
    await expect(small32.expectationValues(circuitOf(17, []), [], [{ terms: [{ label: 'Z'.repeat(17), coeff: 1 }] }])).resolves.toEqual([1]);
  });

  it('refuses 45 qubits whatever the limit says', async () => {
    const huge = createNativeEngine({ binding, memoryLimitBytes: 2 ** 60 });
    await expect(huge.expectationValues(circuitOf(45, []), [], [{ terms: [{ label: 'Z'.repeat(45), coeff: 1 }] }])).rejects.toMatchObject({
      code: 'CIRCUIT_TOO_LARGE',
    });
  });

  it('counts the second buffer of shot-by-shot and shot-branching runs', async () => {
    const limited = createNativeEngine({ binding, memoryLimitBytes: 1 << 20 });
    const spread = Array.from({ length: 16 }, (_, q) => gateOp('h', [q]));
    const tail: Op[] = [{ kind: 'measure', qubit: 0, clbit: 0 }, { kind: 'reset', qubit: 0 }, { kind: 'measure', qubit: 0, clbit: 0 }];
    const dynamic = circuitOf(16, [...spread, ...tail], 1);
    await expect(limited.sample(dynamic, [], { shots: 1, seed: 0 })).rejects.toMatchObject({ code: 'CIRCUIT_TOO_LARGE' });
    await expect(limited.sample(dynamic, [], { shots: 1, seed: 0, branching: false })).rejects.toMatchObject({ code: 'CIRCUIT_TOO_LARGE' });
    // With 15 qubits left in |0⟩ the branching run needs one compacted qubit only.
    await expect(limited.sample(circuitOf(16, [gateOp('h', [0]), ...tail], 1), [], { shots: 1, seed: 0 })).resolves.toMatchObject({ branches: 1 });
  });

  it('rejects malformed programs from the JS side with a coded error, not a crash', async () => {
    const base = { numQubits: 2, numClbits: 0, precision: 'complex128' as const, memoryLimitBytes: 1e9 };
    await expect(binding.statevector(Int32Array.of(1, 1, 7, 0), new Float64Array(8), base)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/qubit 7 out of range/) });
    await expect(binding.statevector(Int32Array.of(42), new Float64Array(0), base)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/unknown opcode/) });
    await expect(binding.statevector(Int32Array.of(1, 1, 0, 6), new Float64Array(8), base)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/data offset/) });
    expect(() => binding.configure({ isa: 'sparc' })).toThrow(expect.objectContaining({ code: 'OPTION_INVALID' }));
  });

  it('rejects an unknown precision with OPTION_INVALID', () => {
    expect(() => createNativeEngine({ binding, precision: 'complex32' as never })).toThrow(expect.objectContaining({ code: 'OPTION_INVALID' }));
  });
});

describe('native addon in worker threads', () => {
  it('loads and simulates in several workers at once, each with its own instance data', async () => {
    const found = testedBinding();
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const b = require(workerData.path);
      b.configure({ threads: 1 });
      const h = Float64Array.of(Math.SQRT1_2, 0, Math.SQRT1_2, 0, Math.SQRT1_2, 0, -Math.SQRT1_2, 0);
      b.statevector(Int32Array.of(1, 1, 0, 0), h, { numQubits: 3, numClbits: 0, precision: 'complex128', memoryLimitBytes: 1e9 })
        .then((s) => parentPort.postMessage({ threads: b.info().threads, amp: s[0] }));
    `;
    const results = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<{ threads: number; amp: number }>((resolve, reject) => {
            const w = new Worker(source, { eval: true, workerData: { path: found.path } });
            w.once('message', (m: { threads: number; amp: number }) => {
              resolve(m);
              void w.terminate();
            });
            w.once('error', reject);
          }),
      ),
    );
    for (const r of results) expect(r).toEqual({ threads: 1, amp: Math.SQRT1_2 });
    // The main thread's instance was not reconfigured by the workers.
    expect(binding.info().threads).toBe(binding.info().availableCpus);
  });
});
