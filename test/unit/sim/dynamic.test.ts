import { describe, expect, it } from 'vitest';
import { createTsEngine } from '../../../src/sim/index.js';
import { binomialBound, circuit, counts, gate, ifEq, measure, reset } from './helpers.js';

const engine = createTsEngine();

describe('mid-circuit measurement, reset and conditionals (per-shot simulation)', () => {
  it('active reset: measure, flip on 1, and the second measurement is always 0', async () => {
    const shots = 4000;
    const c = circuit(1, [gate('h', [0]), measure(0, 0), ifEq([0], 1, [gate('x', [0])]), measure(0, 1)], 2);
    const got = counts(await engine.sample(c, [], { shots, seed: 21 }));
    // c1 (bit 1) always 0; c0 uniform
    expect([...got.keys()].sort()).toEqual([0, 1]);
    expect(Math.abs(got.get(1)! - shots / 2)).toBeLessThan(binomialBound(shots, 0.5));
  });

  it('reset sends |1⟩ and |+⟩ to |0⟩', async () => {
    const c = circuit(2, [gate('x', [0]), gate('h', [1]), reset(0), reset(1), measure(0, 0), measure(1, 1)], 2);
    expect(counts(await engine.sample(c, [], { shots: 500, seed: 2 }))).toEqual(new Map([[0, 500]]));
  });

  it('a mid-circuit measurement collapses the state: later outcomes agree with it', async () => {
    const shots = 2000;
    const c = circuit(2, [gate('h', [0]), measure(0, 0), gate('cx', [0, 1]), measure(1, 1)], 2);
    const got = counts(await engine.sample(c, [], { shots, seed: 8 }));
    expect([...got.keys()].sort()).toEqual([0, 3]);
    expect(Math.abs(got.get(3)! - shots / 2)).toBeLessThan(binomialBound(shots, 0.5));
  });

  it('teleports ry(θ)|0⟩ from q0 to q2 with conditional corrections', async () => {
    const shots = 20_000;
    const theta = 2.1;
    const p1 = Math.sin(theta / 2) ** 2;
    const c = circuit(3, [
      gate('ry', [0], theta),
      gate('h', [1]),
      gate('cx', [1, 2]),
      gate('cx', [0, 1]),
      gate('h', [0]),
      measure(0, 0),
      measure(1, 1),
      ifEq([1], 1, [gate('x', [2])]),
      ifEq([0], 1, [gate('z', [2])]),
      measure(2, 2),
    ], 3);
    const mem = await engine.sample(c, [], { shots, seed: 17 });
    let ones = 0;
    const corrections = [0, 0, 0, 0];
    for (let s = 0; s < shots; s++) {
      const v = mem.memory[s]!;
      ones += (v >> 2) & 1;
      corrections[v & 3]!++;
    }
    expect(Math.abs(ones - shots * p1)).toBeLessThan(binomialBound(shots, p1));
    // The two Bell-measurement bits are uniform whatever θ is.
    for (const k of corrections) expect(Math.abs(k - shots / 4)).toBeLessThan(binomialBound(shots, 0.25));
  });

  it('compares a multi-bit register value and takes the else branch otherwise', async () => {
    // c = 0b10 after the measurements; `if (c == 2)` sets q2, the else branch would set q3.
    const c = circuit(4, [
      gate('x', [1]),
      measure(0, 0),
      measure(1, 1),
      ifEq([0, 1], 2, [gate('x', [2])], [gate('x', [3])]),
      ifEq([0, 1], 1, [gate('x', [3])]),
      measure(2, 2),
      measure(3, 3),
    ], 4);
    expect(counts(await engine.sample(c, [], { shots: 50, seed: 0 }))).toEqual(new Map([[0b0110, 50]]));
  });
});
