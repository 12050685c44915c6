/**
 * Shot branching (src/sim/branching.ts, native/sim/branching.cc) gives the distributions the
 * per-shot path gives: for each dynamic circuit, a two-sample chi-square test at fixed seeds between
 * the default run and `branching: false` (every shot simulated on its own), on every engine. Plus
 * what a user would notice otherwise: the paths simulated, the memory's shot order, and the
 * fallback to one path at a time when no state copy fits.
 */
import { describe, expect, it } from 'vitest';
import type { Circuit } from '../../../src/circuit/ir.js';
import type { NoiseModel } from '../../../src/sim/api.js';
import { circuit, counts, gate, ifEq, measure, reset, shotValue } from '../sim/helpers.js';
import { ENGINES } from './engines.js';

const SHOTS = 20_000;

/** Teleports ry(2.1)|0⟩ from q0 to q2 with conditional x and z corrections. */
const teleport = circuit(3, [
  gate('ry', [0], 2.1),
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

/** Repeat until success: up to three tries of an ancilla-heralded rotation, each after a failed one. */
const attempt = (round: number) => [reset(1), gate('h', [1]), gate('cry', [1, 0], 0.9), gate('h', [1]), measure(1, round)];
const repeatUntilSuccess = circuit(2, [
  gate('h', [0]),
  ...attempt(0),
  ifEq([0], 1, attempt(1)),
  ifEq([1], 1, attempt(2)),
  measure(0, 3),
], 4);

/** Active reset of an entangled pair: measure, flip on 1, measure again; the partner is reset blind. */
const activeReset = circuit(3, [
  gate('h', [0]),
  gate('cx', [0, 1]),
  gate('ry', [2], 0.8),
  measure(0, 0),
  ifEq([0], 1, [gate('x', [0])]),
  measure(0, 1),
  gate('cx', [1, 2]),
  reset(1),
  gate('h', [1]),
  measure(1, 2),
  measure(2, 3),
], 4);

/** bwt-like: ancillas computed into, used as controls and reset, around a small entangled core. */
const bwtLike = circuit(6, [
  gate('h', [0]),
  gate('h', [1]),
  gate('x', [4]),
  gate('ccx', [4, 0, 2]),
  gate('x', [4]),
  gate('ccx', [4, 1, 3]),
  reset(4),
  reset(5),
  gate('x', [5]),
  gate('ccx', [5, 2, 3]),
  gate('t', [3]),
  gate('h', [3]),
  reset(5),
  gate('cx', [3, 5]),
  reset(5), // entangled with q3: a real fork
  gate('cx', [0, 1]),
  reset(4),
  measure(2, 4),
  gate('h', [2]),
  ...[0, 1, 2, 3].map((q) => measure(q, q)),
], 5);

const CASES: ReadonlyArray<[string, Circuit, NoiseModel | undefined]> = [
  ['teleportation', teleport, undefined],
  ['repeat until success', repeatUntilSuccess, undefined],
  ['active reset', activeReset, undefined],
  ['bwt-like ancilla resets', bwtLike, undefined],
  ['active reset with readout error', activeReset, { readout: { p01: 0.05, p10: 0.1 } }],
  ['teleportation with readout error', teleport, { readout: { p01: 0.1, p10: 0.03 } }],
];

/** Two-sample chi-square of equal-size samples, with its degrees of freedom. */
function chiSquare(a: Map<number, number>, b: Map<number, number>): { statistic: number; df: number } {
  let statistic = 0;
  let df = -1;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? 0;
    const y = b.get(key) ?? 0;
    statistic += (x - y) ** 2 / (x + y);
    df++;
  }
  return { statistic, df: Math.max(1, df) };
}

/** Far in the tail (about 1e-6 for these df), so fixed seeds never trip it by chance. */
const chiSquareLimit = (df: number): number => df + 7 * Math.sqrt(2 * df) + 10;

describe.each(ENGINES)('shot branching on $label', (engineCase) => {
  const engine = engineCase.make();

  it.each(CASES)('%s: the distribution of the per-shot path', async (_label, c, noise) => {
    const options = { shots: SHOTS, ...(noise === undefined ? {} : { noise }) };
    const branched = await engine.sample(c, [], { ...options, seed: 7 });
    const perShot = await engine.sample(c, [], { ...options, seed: 8, branching: false });
    const { statistic, df } = chiSquare(counts(branched), counts(perShot));
    expect(statistic).toBeLessThan(chiSquareLimit(df));
    expect(branched.branches).toBeLessThan(SHOTS / 50);
    expect(perShot.branches).toBeUndefined();
  });

  it('teleports: the corrected qubit is ry(2.1)|0⟩ whatever the Bell bits say', async () => {
    const mem = await engine.sample(teleport, [], { shots: SHOTS, seed: 3 });
    const p1 = Math.sin(2.1 / 2) ** 2;
    let ones = 0;
    for (let s = 0; s < SHOTS; s++) ones += (shotValue(mem, s) >> 2) & 1;
    expect(Math.abs(ones - SHOTS * p1)).toBeLessThan(5 * Math.sqrt(SHOTS * p1 * (1 - p1)));
    // Four Bell outcomes: four paths, the rest is drawn from their final states.
    expect(mem.branches).toBe(4);
  });

  it('simulates a circuit whose resets are all decided once, and its shots look independent', async () => {
    // An ancilla flipped, used as a control (computing into q3 and back) and flipped back: q2's
    // resets are decided before the run, q3's find its |1⟩ half exactly empty.
    const ops = [gate('h', [0]), gate('h', [1])];
    for (let r = 0; r < 200; r++) ops.push(gate('x', [2]), gate('ccx', [2, 0, 3]), gate('ccx', [2, 0, 3]), gate('x', [2]), reset(2), reset(3));
    const c = circuit(4, [...ops, measure(0, 0), measure(1, 1)], 2);
    const mem = await engine.sample(c, [], { shots: 4000, seed: 5 });
    expect(mem.branches).toBe(1);
    const got = counts(mem);
    for (const v of [0, 1, 2, 3]) expect(Math.abs((got.get(v) ?? 0) - 1000)).toBeLessThan(5 * Math.sqrt(750));
    // Shots of one branch are shuffled into the memory: consecutive shots differ about 3/4 of the time.
    let changes = 0;
    for (let s = 1; s < mem.shots; s++) if (shotValue(mem, s) !== shotValue(mem, s - 1)) changes++;
    expect(changes).toBeGreaterThan(0.7 * mem.shots);
  });

  it('runs one path at a time when no state copy fits, with the same distribution', async () => {
    // Room for exactly two 3-qubit states (the branch and one work copy): no fork fits.
    const bytesPerAmplitude = engineCase.label.includes('complex64') ? 8 : 16;
    const tight = engineCase.make({ memoryLimitBytes: 2 * bytesPerAmplitude * 2 ** 3 });
    const mem = await tight.sample(activeReset, [], { shots: 4000, seed: 11 });
    expect(mem.branches).toBeGreaterThan(4000);
    const reference = await engine.sample(activeReset, [], { shots: 4000, seed: 12, branching: false });
    const { statistic, df } = chiSquare(counts(mem), counts(reference));
    expect(statistic).toBeLessThan(chiSquareLimit(df));
  });

  it('fails a shot stuck in a loop with QASM_LOOP_LIMIT, as the per-shot path does', async () => {
    const stuck = circuit(1, [gate('x', [0]), measure(0, 0), { kind: 'if', condition: { clbits: [0], value: 1 }, then: [], else: [], loopLimit: { iterations: 3, line: 4, column: 1 } }], 1);
    await expect(engine.sample(stuck, [], { shots: 10, seed: 0 })).rejects.toMatchObject({ code: 'QASM_LOOP_LIMIT' });
  });
});
