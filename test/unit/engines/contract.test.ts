/**
 * The Engine contract (src/sim/api.ts), checked the same way on every engine: what a Sampler or
 * Estimator user would notice — distributions, bit layout, reproducibility, dynamic circuits, noise,
 * expectation values and the errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import type { Circuit, Op } from '../../../src/circuit/ir.js';
import type { ShotMemory } from '../../../src/sim/api.js';
import { ENGINES } from './engines.js';

const num = (value: number) => ({ kind: 'num' as const, value });
const g = (name: string, qubits: number[], ...params: number[]): Op => ({ kind: 'gate', name, qubits, params: params.map(num) });
const m = (qubit: number, clbit: number): Op => ({ kind: 'measure', qubit, clbit });
const circuit = (numQubits: number, ops: Op[], numClbits = 0, parameters: string[] = []): Circuit => ({
  numQubits,
  numClbits,
  clbitRegisters: numClbits > 0 ? [{ name: 'c', size: numClbits, offset: 0 }] : [],
  parameters,
  physicalQubits: null,
  ops,
});
const measureAll = (n: number): Op[] => Array.from({ length: n }, (_, q) => m(q, q));

function value(mem: ShotMemory, s: number): number {
  let v = 0;
  for (let b = 0; b < mem.bytesPerShot; b++) v += mem.memory[s * mem.bytesPerShot + b]! * 256 ** b;
  return v;
}
function counts(mem: ShotMemory): Map<number, number> {
  const out = new Map<number, number>();
  for (let s = 0; s < mem.shots; s++) out.set(value(mem, s), (out.get(value(mem, s)) ?? 0) + 1);
  return out;
}
/** 5σ of a binomial count: a correct engine misses it with probability < 6e-7 (seeds are fixed). */
const within = (k: number, shots: number, p: number): boolean => Math.abs(k - shots * p) <= 5 * Math.sqrt(shots * p * (1 - p));
const obs = (...terms: [string, number][]) => ({ terms: terms.map(([label, coeff]) => ({ label, coeff })) });

describe.each(ENGINES)('engine contract: $label', ({ make, tol }) => {
  const engine = make();

  describe('sampling', () => {
    it('Bell: only 00 and 11, each about half', async () => {
      const c = circuit(2, [g('h', [0]), g('cx', [0, 1]), ...measureAll(2)], 2);
      const got = counts(await engine.sample(c, [], { shots: 4000, seed: 1 }));
      expect([...got.keys()].sort()).toEqual([0, 3]);
      expect(within(got.get(3)!, 4000, 0.5)).toBe(true);
    });

    it('H on 3 qubits: all 8 outcomes about 1/8', async () => {
      const c = circuit(3, [g('h', [0]), g('h', [1]), g('h', [2]), ...measureAll(3)], 3);
      const got = counts(await engine.sample(c, [], { shots: 8000, seed: 2 }));
      expect(got.size).toBe(8);
      for (const k of got.values()) expect(within(k, 8000, 1 / 8)).toBe(true);
    });

    it('binds parameters in circuit order and checks their count', async () => {
      const c = circuit(1, [{ kind: 'gate', name: 'ry', qubits: [0], params: [{ kind: 'param', name: 'theta' }] }, m(0, 0)], 1, ['theta']);
      const got = counts(await engine.sample(c, [Math.PI], { shots: 100, seed: 3 }));
      expect(got).toEqual(new Map([[1, 100]]));
      await expect(engine.sample(c, [], { shots: 1, seed: 0 })).rejects.toMatchObject({ code: 'OPTION_INVALID' });
      await expect(engine.sample(c, [Number.NaN], { shots: 1, seed: 0 })).rejects.toMatchObject({ code: 'OPTION_INVALID' });
    });

    it('same seed, same shots; another seed, other shots', async () => {
      const c = circuit(4, [g('h', [0]), g('ry', [1], 1.1), g('cx', [0, 2]), g('rxx', [2, 3], 0.8), ...measureAll(4)], 4);
      const a = await engine.sample(c, [], { shots: 256, seed: 42 });
      const b = await engine.sample(c, [], { shots: 256, seed: 42 });
      const d = await engine.sample(c, [], { shots: 256, seed: 43 });
      expect(b.memory).toEqual(a.memory);
      expect(d.memory).not.toEqual(a.memory);
    });

    it('lays clbits out as ShotMemory says: bit i%8 of byte i>>3', async () => {
      const mem = await engine.sample(circuit(2, [g('x', [1]), m(1, 9), m(0, 2)], 10), [], { shots: 3, seed: 0 });
      expect(mem.bytesPerShot).toBe(2);
      expect([...mem.memory]).toEqual([0, 2, 0, 2, 0, 2]);
    });

    it('lets the last measurement into a clbit win, and returns empty records without clbits', async () => {
      const last = await engine.sample(circuit(2, [g('x', [0]), m(0, 0), m(1, 0)], 1), [], { shots: 4, seed: 0 });
      expect([...last.memory]).toEqual([0, 0, 0, 0]);
      const none = await engine.sample(circuit(2, [g('h', [0])]), [], { shots: 5, seed: 0 });
      expect(none).toMatchObject({ shots: 5, numClbits: 0, bytesPerShot: 0 });
      expect(none.memory.length).toBe(0);
    });

    it('rejects bad shots, seeds and noise with OPTION_INVALID', async () => {
      const c = circuit(1, [m(0, 0)], 1);
      for (const options of [
        { shots: 0, seed: 0 },
        { shots: 1.5, seed: 0 },
        { shots: 1, seed: Number.POSITIVE_INFINITY },
        { shots: 1, seed: 0, noise: { readout: { p01: 2, p10: 0 } } },
        { shots: 1, seed: 0, noise: { depolarizing: { p1: -0.1, p2: 0 } } },
      ]) {
        await expect(engine.sample(c, [], options)).rejects.toMatchObject({ code: 'OPTION_INVALID' });
      }
    });

    it('refuses a 40-qubit circuit with CIRCUIT_TOO_LARGE', async () => {
      await expect(engine.sample(circuit(40, [g('h', [0]), m(0, 0)], 1), [], { shots: 1, seed: 0 })).rejects.toMatchObject({ code: 'CIRCUIT_TOO_LARGE' });
      const limited = make({ memoryLimitBytes: 1 << 16 });
      await expect(limited.sample(circuit(14, [g('h', [0]), m(0, 0)], 1), [], { shots: 1, seed: 0 })).rejects.toMatchObject({ code: 'CIRCUIT_TOO_LARGE' });
    });
  });

  describe('dynamic circuits', () => {
    it('active reset: measure, flip on 1, the second measurement is always 0', async () => {
      const c = circuit(1, [g('h', [0]), m(0, 0), { kind: 'if', condition: { clbits: [0], value: 1 }, then: [g('x', [0])], else: [] }, m(0, 1)], 2);
      const got = counts(await engine.sample(c, [], { shots: 2000, seed: 21 }));
      expect([...got.keys()].sort()).toEqual([0, 1]);
      expect(within(got.get(1)!, 2000, 0.5)).toBe(true);
    });

    it('reset sends |1> and |+> to |0>', async () => {
      const c = circuit(2, [g('x', [0]), g('h', [1]), { kind: 'reset', qubit: 0 }, { kind: 'reset', qubit: 1 }, ...measureAll(2)], 2);
      expect(counts(await engine.sample(c, [], { shots: 300, seed: 2 }))).toEqual(new Map([[0, 300]]));
    });

    it('teleports ry(θ)|0> with conditional corrections', async () => {
      const theta = 2.1;
      const c = circuit(3, [
        g('ry', [0], theta), g('h', [1]), g('cx', [1, 2]), g('cx', [0, 1]), g('h', [0]), m(0, 0), m(1, 1),
        { kind: 'if', condition: { clbits: [1], value: 1 }, then: [g('x', [2])], else: [] },
        { kind: 'if', condition: { clbits: [0], value: 1 }, then: [g('z', [2])], else: [] },
        m(2, 2),
      ], 3);
      const mem = await engine.sample(c, [], { shots: 10000, seed: 17 });
      let ones = 0;
      for (let s = 0; s < mem.shots; s++) ones += (mem.memory[s]! >> 2) & 1;
      expect(within(ones, 10000, Math.sin(theta / 2) ** 2)).toBe(true);
    });
  });

  describe('noise', () => {
    it('readout error flips 0→1 at p01 and 1→0 at p10', async () => {
      const noise = { readout: { p01: 0.1, p10: 0.25 } };
      const zero = counts(await engine.sample(circuit(1, [m(0, 0)], 1), [], { shots: 10000, seed: 1, noise }));
      const one = counts(await engine.sample(circuit(1, [g('x', [0]), m(0, 0)], 1), [], { shots: 10000, seed: 2, noise }));
      expect(within(zero.get(1)!, 10000, 0.1)).toBe(true);
      expect(within(one.get(0)!, 10000, 0.25)).toBe(true);
    });

    it('depolarizing shrinks <Z> as (1 - 4p/3)^k after k single-qubit gates', async () => {
      const p = 0.05;
      const k = 6;
      const ops = Array.from({ length: k }, () => g('id', [0]));
      const [ev] = await engine.expectationValues(circuit(1, ops), [], [obs(['Z', 1])], { noise: { depolarizing: { p1: p, p2: 0 } }, seed: 5, trajectories: 4000 });
      const want = (1 - (4 * p) / 3) ** k;
      // Each trajectory's <Z> is ±1: the mean of 4000 has σ ≤ 1/√4000.
      expect(Math.abs(ev! - want)).toBeLessThan(5 / Math.sqrt(4000));
    });

    it('amplitude damping decays |1> as (1 - γ)^m', async () => {
      const gamma = 0.1;
      const ops = [g('x', [0]), g('id', [0]), g('id', [0])];
      const mem = await engine.sample(circuit(1, [...ops, m(0, 0)], 1), [], { shots: 10000, seed: 12, noise: { amplitudeDamping: { gamma } } });
      const ones = counts(mem).get(1) ?? 0;
      expect(within(ones, 10000, (1 - gamma) ** 3)).toBe(true);
    });
  });

  describe('expectation values', () => {
    const bell = circuit(2, [g('h', [0]), g('cx', [0, 1])]);

    it('Bell: <ZZ> = <XX> = 1, <YY> = -1, <ZI> = 0, and a weighted sum', async () => {
      const values = await engine.expectationValues(bell, [], [obs(['ZZ', 1]), obs(['XX', 1]), obs(['YY', 1]), obs(['ZI', 1]), obs(['XX', 0.5], ['YY', 0.5])]);
      [1, 1, -1, 0, 0].forEach((want, i) => expect(Math.abs(values[i]! - want)).toBeLessThan(tol));
    });

    it('reads labels little-endian and ignores final measurements', async () => {
      const c = circuit(3, [g('x', [0]), ...measureAll(3)], 3);
      const [a, b] = await engine.expectationValues(c, [], [obs(['IIZ', 1]), obs(['ZII', 1])]);
      expect(Math.abs(a! + 1)).toBeLessThan(tol);
      expect(Math.abs(b! - 1)).toBeLessThan(tol);
    });

    it('applies readout error as a readout-noisy measurement would average', async () => {
      const [z] = await engine.expectationValues(circuit(1, []), [], [obs(['Z', 1])], { noise: { readout: { p01: 0.1, p10: 0.2 } } });
      expect(Math.abs(z! - 0.8)).toBeLessThan(tol);
    });

    it('rejects dynamic circuits with CIRCUIT_UNSUPPORTED and bad labels with OBSERVABLE_INVALID', async () => {
      const dyn = circuit(2, [g('h', [0]), m(0, 0), g('x', [0])], 1);
      await expect(engine.expectationValues(dyn, [], [obs(['ZZ', 1])])).rejects.toMatchObject({ code: 'CIRCUIT_UNSUPPORTED' });
      await expect(engine.expectationValues(bell, [], [obs(['ZZZ', 1])])).rejects.toMatchObject({ code: 'OBSERVABLE_INVALID' });
      await expect(engine.expectationValues(bell, [], [obs(['ZQ', 1])])).rejects.toMatchObject({ code: 'OBSERVABLE_INVALID' });
    });
  });
});
