import { describe, expect, it } from 'vitest';
import { createPrng, createTsEngine, sampleIndex, sampleIndices } from '../../../src/sim/index.js';
import { binomialBound, circuit, counts, gate, measure, measureAll, reset, shotValue } from './helpers.js';

const engine = createTsEngine();

describe('sampling terminal measurements', () => {
  it('samples H⊗3 uniformly: each of 8 outcomes within 5σ of N/8', async () => {
    const shots = 80_000;
    const mem = await engine.sample(circuit(3, [gate('h', [0]), gate('h', [1]), gate('h', [2]), ...measureAll(3)], 3), [], {
      shots,
      seed: 11,
    });
    const c = counts(mem);
    expect(c.size).toBe(8);
    for (const v of c.values()) expect(Math.abs(v - shots / 8)).toBeLessThan(binomialBound(shots, 1 / 8));
  });

  it('samples a Bell state: only 00 and 11, each within 5σ of N/2', async () => {
    const shots = 10_000;
    const bell = circuit(2, [gate('h', [0]), gate('cx', [0, 1]), ...measureAll(2)], 2);
    const c = counts(await engine.sample(bell, [], { shots, seed: 1 }));
    expect([...c.keys()].sort()).toEqual([0, 3]);
    // σ = √(N·½·½) = 50, so 5σ = 250
    expect(Math.abs(c.get(3)! - shots / 2)).toBeLessThan(binomialBound(shots, 0.5));
  });

  it('samples a 5-qubit GHZ state: only all-0 and all-1', async () => {
    const shots = 4000;
    const ops = [gate('h', [0]), ...[1, 2, 3, 4].map((q) => gate('cx', [q - 1, q])), ...measureAll(5)];
    const c = counts(await engine.sample(circuit(5, ops, 5), [], { shots, seed: 5 }));
    expect([...c.keys()].sort((a, b) => a - b)).toEqual([0, 31]);
    expect(Math.abs(c.get(31)! - shots / 2)).toBeLessThan(binomialBound(shots, 0.5));
  });

  it('gives the same samples for the same seed and different ones for another seed', async () => {
    const c = circuit(4, [gate('h', [0]), gate('ry', [1], 1.1), gate('cx', [0, 2]), gate('rxx', [2, 3], 0.8), ...measureAll(4)], 4);
    const a = await engine.sample(c, [], { shots: 500, seed: 42 });
    const b = await engine.sample(c, [], { shots: 500, seed: 42 });
    const d = await engine.sample(c, [], { shots: 500, seed: 43 });
    expect(b.memory).toEqual(a.memory);
    expect(d.memory).not.toEqual(a.memory);
    // Per-shot mode (a reset makes the circuit dynamic) is reproducible too.
    const dyn = circuit(2, [gate('h', [0]), measure(0, 0), reset(0), gate('h', [0]), gate('cx', [0, 1]), ...measureAll(2)], 2);
    expect((await engine.sample(dyn, [], { shots: 300, seed: 9 })).memory).toEqual(
      (await engine.sample(dyn, [], { shots: 300, seed: 9 })).memory,
    );
  });

  it('handles 10^6 shots with the right frequencies', async () => {
    const shots = 1_000_000;
    const theta = 1.0;
    const p1 = Math.sin(theta / 2) ** 2;
    const c = circuit(12, [gate('ry', [0], theta), ...Array.from({ length: 11 }, (_, q) => gate('h', [q + 1])), measure(0, 0)], 1);
    const mem = await engine.sample(c, [], { shots, seed: 3 });
    let ones = 0;
    for (let s = 0; s < shots; s++) ones += mem.memory[s]! & 1;
    expect(Math.abs(ones - shots * p1)).toBeLessThan(binomialBound(shots, p1));
  });

  it('lays clbits out as ShotMemory says: bit i%8 of byte i>>3, registers by global index', async () => {
    const c = circuit(2, [gate('x', [1]), measure(1, 9), measure(0, 2)], 10);
    const mem = await engine.sample(c, [], { shots: 3, seed: 0 });
    expect(mem.bytesPerShot).toBe(2);
    expect(mem.numClbits).toBe(10);
    expect(Array.from(mem.memory)).toEqual([0, 2, 0, 2, 0, 2]);
    expect(shotValue(mem, 0)).toBe(1 << 9);
  });

  it('lets the last measurement into a clbit win', async () => {
    const c = circuit(2, [gate('x', [0]), measure(0, 0), measure(1, 0)], 1);
    const mem = await engine.sample(c, [], { shots: 4, seed: 0 });
    expect(Array.from(mem.memory)).toEqual([0, 0, 0, 0]);
  });

  it('returns empty records for a circuit without classical bits', async () => {
    const mem = await engine.sample(circuit(2, [gate('h', [0])]), [], { shots: 5, seed: 0 });
    expect(mem).toEqual({ shots: 5, numClbits: 0, bytesPerShot: 0, memory: new Uint8Array(0) });
  });

  it('rejects bad shots, seeds and noise probabilities with OPTION_INVALID', async () => {
    const c = circuit(1, [measure(0, 0)], 1);
    for (const options of [
      { shots: 0, seed: 0 },
      { shots: 1.5, seed: 0 },
      { shots: 10, seed: Number.NaN },
      { shots: 10, seed: 0, noise: { readout: { p01: 1.2, p10: 0 } } },
      { shots: 10, seed: 0, noise: { depolarizing: { p1: -0.1, p2: 0 } } },
    ]) {
      await expect(engine.sample(c, [], options)).rejects.toMatchObject({ code: 'OPTION_INVALID' });
    }
  });
});

describe('drawing basis states from cumulative probabilities', () => {
  const probs = [0, 0.5, 0, 0.125, 0.25, 0, 0.125, 0];
  const cum = Float64Array.from(probs.map((_, i) => probs.slice(0, i + 1).reduce((a, b) => a + b, 0)));

  it('sampleIndices matches the distribution, never draws a zero-probability state, and is unsorted', () => {
    const shots = 100_000;
    const out = sampleIndices(cum, shots, createPrng(77));
    const seen = new Array<number>(probs.length).fill(0);
    for (const i of out) seen[i]!++;
    probs.forEach((p, i) => {
      if (p === 0) expect(seen[i]).toBe(0);
      else expect(Math.abs(seen[i]! - shots * p)).toBeLessThan(binomialBound(shots, p));
    });
    // After the shuffle, consecutive shots are independent: P(out[s] = out[s+1]) = Σ p² = 0.34375.
    // Overlapping pairs are weakly dependent, so the binomial σ is only approximate: 6σ leaves room.
    let same = 0;
    for (let s = 0; s + 1 < shots; s++) if (out[s] === out[s + 1]) same++;
    const pSame = probs.reduce((a, p) => a + p * p, 0);
    expect(Math.abs(same - (shots - 1) * pSame)).toBeLessThan(binomialBound(shots - 1, pSame, 6));
  });

  it('sampleIndex (one draw, binary search) agrees with the same distribution', () => {
    const shots = 50_000;
    const rng = createPrng(78);
    const seen = new Array<number>(probs.length).fill(0);
    for (let s = 0; s < shots; s++) seen[sampleIndex(cum, rng)]!++;
    probs.forEach((p, i) => {
      if (p === 0) expect(seen[i]).toBe(0);
      else expect(Math.abs(seen[i]! - shots * p)).toBeLessThan(binomialBound(shots, p));
    });
  });
});
