import { describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { estimatorToPlain } from '../../../src/primitives/encode-plain.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { EstimatorPubResult, SamplerPubResult } from '../../../src/primitives/results.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { BELL_STATE, RY_CX } from './helpers.js';

async function estimate(pubs: unknown[], extra: Record<string, unknown> = {}) {
  return runEstimator(parseEstimatorParams({ pubs, version: 2, ...extra }), { seed: 3 });
}

async function failure(work: () => Promise<unknown>): Promise<QrunError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof QrunError) return error;
    throw error;
  }
  throw new Error('expected a QrunError');
}

describe('estimator on the built-in simulator', () => {
  it('Bell: ⟨ZZ⟩ = ⟨XX⟩ = 1, ⟨YY⟩ = −1, ⟨ZI⟩ = 0, with shot-noise stds', async () => {
    const outcome = await estimate([[BELL_STATE, ['ZZ', 'XX', 'YY', 'ZI', { ZZ: 0.5, ZI: 0.5, II: 2 }]]]);
    const pub = outcome.pubs[0]!;
    expect(pub.shape).toEqual([5]);
    const [zz, xx, yy, zi, sum] = pub.evs;
    expect(zz).toBeCloseTo(1, 12);
    expect(xx).toBeCloseTo(1, 12);
    expect(yy).toBeCloseTo(-1, 12);
    expect(zi).toBeCloseTo(0, 12);
    expect(sum).toBeCloseTo(2.5, 12);
    // Default precision 1/64 → 4096 shots; std = Σ|c|·√(1−⟨P⟩²)/√shots.
    expect(pub.metadata).toMatchObject({ shots: 4096, target_precision: 1 / 64 });
    expect(pub.stds[0]).toBeCloseTo(0, 6);
    expect(pub.stds[3]).toBeCloseTo(1 / 64, 12);
    expect(pub.stds[4]).toBeCloseTo(0.5 / 64, 12);
    expect(pub.ensembleStandardError).toEqual(pub.stds);
  });

  it('turns precision into shots = ceil(1/precision²), PUB precision first', async () => {
    const outcome = await estimate([[BELL_STATE, 'ZI'], [BELL_STATE, 'ZI', null, 0.1]], { precision: 0.01 });
    expect(outcome.pubs.map((p) => p.metadata['shots'])).toEqual([10000, 100]);
    expect(outcome.pubs[1]?.stds[0]).toBeCloseTo(0.1, 12);
    const fromOptions = await estimate([[BELL_STATE, 'ZI']], { options: { default_shots: 400 } });
    expect(fromOptions.pubs[0]?.metadata).toMatchObject({ shots: 400, target_precision: 0.05 });
  });

  it.each([
    // [observables, parameter values (1 parameter), expected PUB shape]
    [['ZZ', 'XX', 'ZI', 'IZ', 'XI'], [0.3], [5]],
    ['ZZ', [[0.1], [0.2], [0.3]], [3]],
    [[['ZZ'], ['XX'], ['ZI'], ['IZ']], [[[0], [0.5], [1], [1.5], [2], [2.5]]], [4, 6]],
    [[['ZZ', 'XX', 'ZI'], ['IZ', 'XI', 'YY']], [[0.1], [0.2], [0.3]], [2, 3]],
    [[[['ZZ']]], [0.1], [1, 1, 1]],
  ])('broadcasts observables %j against parameter values %j', async (observables, values, shape) => {
    const outcome = await estimate([[RY_CX, observables, values]]);
    expect(outcome.pubs[0]?.shape).toEqual(shape);
    expect(outcome.pubs[0]?.evs).toHaveLength(shape.reduce((a, b) => a * b, 1));
  });

  it('evaluates each element with its own observable and parameter row', async () => {
    // (3,1) observables × (4,) thetas: ⟨ZI⟩ = cos θ, ⟨XX⟩ = sin θ, ⟨ZZ⟩ = 1 on ry(θ)·cx.
    const thetas = [0, 0.5, 1, 2];
    const outcome = await estimate([[RY_CX, [['IZ'], ['XX'], ['ZZ']], thetas.map((t) => [t])]]);
    const pub = new EstimatorPubResult(outcome.pubs[0]!);
    expect(pub.shape).toEqual([3, 4]);
    thetas.forEach((t, j) => {
      expect(pub.ev([0, j])).toBeCloseTo(Math.cos(t), 10);
      expect(pub.ev([1, j])).toBeCloseTo(Math.sin(t), 10);
      expect(pub.ev([2, j])).toBeCloseTo(1, 10);
    });
  });

  it('refuses shapes that do not broadcast, naming the PUB and both shapes', async () => {
    const error = await failure(() => estimate([[RY_CX, 'ZZ', [0.1]], [RY_CX, ['ZZ', 'XX', 'ZI', 'IZ', 'XI'], [[0.1], [0.2], [0.3]]]]));
    expect(error.code).toBe('BROADCAST_MISMATCH');
    expect(error.message).toMatch(/^pubs\[1\] observables: shape \(5,\) does not broadcast with the parameter values' shape \(3,\)/);
    expect(error.details).toMatchObject({ pub: 1, field: 'observables' });
  });

  it('refuses an observable of the wrong width, naming the PUB', async () => {
    const error = await failure(() => estimate([[BELL_STATE, 'ZZZ']]));
    expect(error.code).toBe('OBSERVABLE_INVALID');
    expect(error.message).toMatch(/^pubs\[0\] observables: observable has 3 qubits but the circuit has 2/);
  });

  it('reads device-wide observables of a physical-qubit circuit', async () => {
    const qasm = `OPENQASM 3.0;\ninclude "stdgates.inc";\nh $1;\ncx $1, $4;\n`;
    const outcome = await estimate([[qasm, ['IZIIZI', 'IXIIXI', 'XIIIII', 'ZIIIII']]]);
    const evs = outcome.pubs[0]!.evs;
    expect(evs[0]).toBeCloseTo(1, 12);
    expect(evs[1]).toBeCloseTo(1, 12);
    expect(evs[2]).toBe(0);
    expect(evs[3]).toBe(1);
  });

  it('agrees with the sampler within 4σ', async () => {
    const theta = 1.1;
    const shots = 4096;
    const exact = await estimate([[RY_CX, 'IZ', [theta], 1 / Math.sqrt(shots)]]);
    const measured = RY_CX.replace('qubit[2] q;', 'bit[2] c;\nqubit[2] q;') + 'c = measure q;\n';
    const sampled = await runSampler(parseSamplerParams({ pubs: [[measured, [theta], shots]], version: 2 }), { seed: 11 });
    const bits = new SamplerPubResult(sampled.pubs[0]!).getBitstrings('c');
    const mean = bits.reduce((s, b) => s + (b[1] === '0' ? 1 : -1), 0) / shots;
    const ev = exact.pubs[0]!.evs[0]!;
    const std = exact.pubs[0]!.stds[0]!;
    expect(ev).toBeCloseTo(Math.cos(theta), 10);
    expect(std).toBeCloseTo(Math.sin(theta) / 64, 10);
    expect(Math.abs(mean - ev)).toBeLessThanOrEqual(4 * std);
  });

  it('nests evs and stds along the PUB shape in plain JSON', async () => {
    const plain = estimatorToPlain(await estimate([[RY_CX, [['ZZ'], ['XX']], [[0], [Math.PI / 2], [Math.PI]]]]));
    const evs = plain.results[0]?.data.evs as number[][];
    expect(evs).toHaveLength(2);
    expect(evs[0]).toHaveLength(3);
    expect(typeof estimatorToPlain(await estimate([[BELL_STATE, 'ZZ']])).results[0]?.data.evs).toBe('number');
  });

  it('records resilience_level and the mitigation pipeline it selected (none at level 0)', async () => {
    const none = await estimate([[BELL_STATE, 'ZZ']], { resilience_level: 0 });
    expect(none.metadata).toMatchObject({ resilience_level: 0, mitigation: 'none' });
    const outcome = await estimate([[BELL_STATE, 'ZZ']], { resilience_level: 1 });
    expect(outcome.metadata).toMatchObject({ resilience_level: 1, pipeline: [{ name: 'readout' }, { name: 'twirling' }] });
    expect(outcome.pubs[0]?.evs[0]).toBeCloseTo(1, 1);
  });

  it('refuses a circuit with measurements, final or not, instead of ignoring them', async () => {
    const measured = `${BELL_STATE}bit[2] c;\nc = measure q;\n`;
    const error = await failure(() => estimate([[BELL_STATE, 'ZZ'], [measured, 'XX']]));
    expect(error.code).toBe('CIRCUIT_UNSUPPORTED');
    expect(error.message).toMatch(/^pubs\[1\] circuit: measures qubits/);
    expect(error.hint).toMatch(/remove_final_measurements/);
  });

  it('refuses a reset or a branch on measured bits naming the PUB, before any engine runs', async () => {
    const reset = await failure(() => estimate([[BELL_STATE, 'ZZ'], [BELL_STATE, 'XX'], [`${BELL_STATE}reset q[0];\n`, 'ZI']]));
    expect(reset.code).toBe('CIRCUIT_UNSUPPORTED');
    expect(reset.message).toMatch(/^pubs\[2\] circuit: resets a qubit; an estimator circuit must be unitary/);
    expect(reset.details).toMatchObject({ pub: 2, field: 'circuit', operation: 'reset' });
    const branch = await failure(() => estimate([[`${BELL_STATE}bit c;\nif (c) x q[0];\n`, 'ZZ']]));
    expect(branch.message).toMatch(/^pubs\[0\] circuit: branches on measured bits \(if, while or switch\)/);
    expect(branch.hint).toMatch(/Sampler/);
  });
});
