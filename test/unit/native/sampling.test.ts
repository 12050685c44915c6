/**
 * Shots and expectation values: the native engine reproduces the TypeScript engine's random stream
 * (xoshiro128**, the same seeding and the same draw order), so for one seed both engines return the
 * same shots — terminal sampling, shot-by-shot dynamic circuits and noisy trajectories alike — and
 * the same expectation values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NoiseModel } from '../../../src/sim/api.js';
import { createNativeEngine } from '../../../src/native/engine.js';
import { createTsEngine } from '../../../src/sim/engine.js';
import { arbitraryDynamic, arbitraryLabel, arbitraryMeasured, arbitraryUnitary, circuitOf, gateOp } from './arbitrary.js';
import { nativeBinding } from './binding.js';

const binding = nativeBinding();
const native = createNativeEngine({ binding });
const native32 = createNativeEngine({ binding, precision: 'complex64' });
const ts = createTsEngine();

const noiseModel: fc.Arbitrary<NoiseModel> = fc.record(
  {
    depolarizing: fc.record({ p1: fc.double({ min: 0, max: 0.3, noNaN: true }), p2: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
    readout: fc.record({ p01: fc.double({ min: 0, max: 0.2, noNaN: true }), p10: fc.double({ min: 0, max: 0.2, noNaN: true }) }),
    amplitudeDamping: fc.record({ gamma: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
  },
  { requiredKeys: [] },
);

describe('native sampling is shot-for-shot the TypeScript engine for the same seed', () => {
  it('terminal measurements (one final state, cumulative distribution)', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryMeasured(8, 30), fc.nat(2 ** 32 - 1), async (c, seed) => {
        const a = await native.sample(c, [], { shots: 200, seed });
        const b = await ts.sample(c, [], { shots: 200, seed });
        expect(a.bytesPerShot).toBe(b.bytesPerShot);
        expect(Buffer.from(a.memory).equals(Buffer.from(b.memory))).toBe(true);
      }),
      { numRuns: 80, seed: 11 },
    );
  });

  it('dynamic circuits: mid-circuit measurement, reset and conditionals, shot by shot', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryDynamic(5, 14), fc.nat(2 ** 32 - 1), async (c, seed) => {
        const a = await native.sample(c, [], { shots: 60, seed });
        const b = await ts.sample(c, [], { shots: 60, seed });
        expect(Buffer.from(a.memory).equals(Buffer.from(b.memory))).toBe(true);
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  it('noise: depolarizing, amplitude damping and readout error', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryMeasured(5, 12), noiseModel, fc.nat(2 ** 32 - 1), async (c, noise, seed) => {
        const a = await native.sample(c, [], { shots: 50, seed, noise });
        const b = await ts.sample(c, [], { shots: 50, seed, noise });
        expect(Buffer.from(a.memory).equals(Buffer.from(b.memory))).toBe(true);
      }),
      { numRuns: 40, seed: 13 },
    );
  });

  it('complex64 samples the same distribution (GHZ on 20 qubits: only all-0 and all-1)', async () => {
    const n = 20;
    const ops = [gateOp('h', [0]), ...Array.from({ length: n - 1 }, (_, q) => gateOp('cx', [q, q + 1]))];
    const c = circuitOf(n, [...ops, ...Array.from({ length: n }, (_, q) => ({ kind: 'measure' as const, qubit: q, clbit: q }))], n);
    const mem = await native32.sample(c, [], { shots: 4000, seed: 3 });
    let ones = 0;
    for (let s = 0; s < mem.shots; s++) {
      const v = mem.memory[3 * s]! | (mem.memory[3 * s + 1]! << 8) | (mem.memory[3 * s + 2]! << 16);
      expect(v === 0 || v === 2 ** n - 1).toBe(true);
      if (v !== 0) ones++;
    }
    expect(Math.abs(ones - 2000)).toBeLessThan(5 * Math.sqrt(1000));
  });

  it('draws 10^6 shots from a 20-qubit state with the TypeScript engine\'s frequencies', async () => {
    const n = 20;
    const c = circuitOf(n, [gateOp('ry', [0], 1.2), ...Array.from({ length: n - 1 }, (_, q) => gateOp('h', [q + 1])), { kind: 'measure', qubit: 0, clbit: 0 }], 1);
    const mem = await native.sample(c, [], { shots: 1_000_000, seed: 5 });
    let ones = 0;
    for (let s = 0; s < mem.shots; s++) ones += mem.memory[s]!;
    const p = Math.sin(0.6) ** 2;
    expect(Math.abs(ones - 1e6 * p)).toBeLessThan(5 * Math.sqrt(1e6 * p * (1 - p)));
  });
});

describe('native expectation values match the TypeScript engine', () => {
  it('exactly (1e-10) on random circuits and Pauli strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryUnitary(1, 9, 30).chain((c) =>
          fc.tuple(fc.constant(c), fc.array(fc.tuple(arbitraryLabel(c.numQubits), fc.double({ min: -2, max: 2, noNaN: true })), { minLength: 1, maxLength: 8 })),
        ),
        async ([c, terms]) => {
          const obs = [{ terms: terms.map(([label, coeff]) => ({ label, coeff })) }, ...terms.map(([label]) => ({ terms: [{ label, coeff: 1 }] }))];
          const a = await native.expectationValues(c, [], obs);
          const b = await ts.expectationValues(c, [], obs);
          a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-10));
          const a32 = await native32.expectationValues(c, [], obs);
          a32.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-4));
        },
      ),
      { numRuns: 120, seed: 21 },
    );
  });

  it('with noise, averaged over the same trajectories', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryUnitary(1, 5, 10), noiseModel, fc.nat(1000), async (c, noise, seed) => {
        const obs = [{ terms: [{ label: 'Z'.repeat(c.numQubits), coeff: 1 }, { label: 'X'.padStart(c.numQubits, 'I'), coeff: 0.5 }] }];
        const a = await native.expectationValues(c, [], obs, { noise, seed, trajectories: 16 });
        const b = await ts.expectationValues(c, [], obs, { noise, seed, trajectories: 16 });
        expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-10);
      }),
      { numRuns: 40, seed: 22 },
    );
  });

  it('on a 20-qubit state with many Paulis split across threads and with few Paulis split over the state', async () => {
    const n = 20;
    const ops = Array.from({ length: n }, (_, q) => gateOp('ry', [q], 0.1 + 0.05 * q));
    for (let q = 0; q + 1 < n; q++) ops.push(gateOp('cx', [q, q + 1]));
    const c = circuitOf(n, ops);
    const labels = ['Z'.repeat(n), 'X'.repeat(n), 'Y'.padEnd(n, 'I'), 'IZ'.repeat(n / 2), 'XY'.repeat(n / 2), 'ZZ'.padStart(n, 'I')];
    const obs = labels.map((label) => ({ terms: [{ label, coeff: 1 }] }));
    const b = await ts.expectationValues(c, [], obs);
    const few = await native.expectationValues(c, [], obs.slice(0, 2));
    const many = await native.expectationValues(c, [], obs);
    few.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-10));
    many.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-10));
  });
});
