import { describe, expect, it } from 'vitest';
import { builtinRegistry, resolvePipeline, runPipeline } from '../../../../src/pipeline/index.js';
import { extrapolate, extrapolateWithFallback } from '../../../../src/pipeline/math/extrapolate.js';
import { achievedFactor, foldCircuit, type FoldMethod } from '../../../../src/pipeline/math/fold.js';
import { createPrng } from '../../../../src/sim/prng.js';
import { densityExpectation } from '../density.js';
import { batchOf, circuit, estimatorPub, gate, ghzOps, request, trajectoryExecute } from '../helpers.js';
import { distanceUpToPhase, unitaryColumns } from '../unitary.js';

const ghz3 = circuit(3, ghzOps(3));

describe('unitary folding', () => {
  it.each<FoldMethod>(['global', 'random', 'two_qubit'])('%s folding keeps the unitary (fractional factors too)', (method) => {
    const c = circuit(3, [...ghzOps(3), gate('rz', [2], 0.7), gate('u', [1], 0.1, 0.2, 0.3), gate('iswap', [0, 2]), gate('sx', [0])]);
    const rng = createPrng(4);
    for (const lambda of [1, 1.5, 3, 4.2, 5]) {
      const folded = foldCircuit(c, lambda, method, rng);
      expect(distanceUpToPhase(unitaryColumns(folded), unitaryColumns(c))).toBeLessThan(1e-12);
    }
  });

  it.each<FoldMethod>(['global', 'random', 'two_qubit'])('%s folding reaches the requested factor in gate count', (method) => {
    const c = circuit(4, [...ghzOps(4), gate('rz', [2], 0.7), gate('cz', [1, 3]), gate('sx', [0])]);
    for (const lambda of [1, 3, 5, 7]) expect(achievedFactor(c, foldCircuit(c, lambda, method, createPrng(2)), method)).toBeCloseTo(lambda, 12);
    // Fractional factors land on the nearest achievable count.
    const counted = method === 'two_qubit' ? 4 : 7;
    expect(Math.abs(achievedFactor(c, foldCircuit(c, 2, method, createPrng(2)), method) - 2)).toBeLessThanOrEqual(1 / counted + 1e-12);
  });

  // Under Pauli (depolarizing) noise and Clifford gates every gate copy contributes its own factor to
  // a stabilizer's expectation, so folding by λ raises the noisy value to the power λ: ln E(λ) = λ ln E(1).
  it.each<[FoldMethod, number, number]>([
    ['two_qubit', 0, 0.05],
    ['random', 0.02, 0.05],
    ['global', 0.02, 0.05],
  ])('%s folding multiplies the depolarizing exponent by λ (p1=%f, p2=%f)', (method, p1, p2) => {
    for (const label of ['XXX', 'IZZ']) {
      const base = densityExpectation(ghz3, label, p1, p2);
      expect(base).toBeLessThan(0.99);
      for (const lambda of [3, 5]) {
        const folded = foldCircuit(ghz3, lambda, method, createPrng(1));
        expect(Math.log(densityExpectation(folded, label, p1, p2))).toBeCloseTo(lambda * Math.log(base), 12);
      }
    }
  });

  it('refuses circuits with mid-circuit measurements', () => {
    const c = circuit(1, [gate('x', [0]), { kind: 'measure', qubit: 0, clbit: 0 }, gate('x', [0])], 1);
    expect(() => foldCircuit(c, 3, 'global', createPrng(1))).toThrow(/after a measurement/);
  });
});

describe('extrapolators', () => {
  const x = [1, 2, 3, 4];
  const sigma = [0.1, 0.1, 0.1, 0.1];
  it('are exact on data of their own form', () => {
    const line = x.map((v) => 0.8 - 0.1 * v);
    const cubic = x.map((v) => 0.5 + 0.2 * v - 0.05 * v * v + 0.01 * v ** 3);
    const expo = x.map((v) => 0.9 * Math.exp(-0.3 * v));
    const r = (name: Parameters<typeof extrapolate>[0], y: number[]): number => {
      const out = extrapolate(name, x, y, sigma);
      if (!out.ok) throw new Error(out.reason);
      return out.value;
    };
    expect(r('linear', line)).toBeCloseTo(0.8, 12);
    expect(r('polynomial_degree_2', line)).toBeCloseTo(0.8, 10);
    expect(r('polynomial_degree_3', cubic)).toBeCloseTo(0.5, 10);
    expect(r('richardson', cubic)).toBeCloseTo(0.5, 10);
    expect(r('exponential', expo)).toBeCloseTo(0.9, 12);
  });

  it('propagate standard errors as a weighted sum (linear through two points: √(4σ₁² + σ₂²))', () => {
    const out = extrapolate('linear', [1, 2], [0.5, 0.4], [0.01, 0.02]);
    expect(out.ok && out.std).toBeCloseTo(Math.sqrt(4 * 0.01 ** 2 + 0.02 ** 2), 12);
  });

  it('falls back when the exponential fit fails (values change sign) and reports why', () => {
    const y = [0.1, -0.05, -0.2];
    const r = extrapolateWithFallback(['exponential', 'linear'], [1, 3, 5], y, [0.01, 0.01, 0.01], 1);
    expect(r.used).toBe('linear');
    expect(r.skipped[0]).toMatchObject({ name: 'exponential' });
    expect(r.value).toBeCloseTo(0.1 + 0.075, 12);
  });

  it('refuses too few points for the degree', () => {
    expect(extrapolate('polynomial_degree_3', [1, 3, 5], [1, 1, 1], [0, 0, 0])).toMatchObject({ ok: false });
  });
});

describe('ZNE step', () => {
  it('brings ⟨ZZZZ⟩ of a noisy GHZ state at least 2× closer to the ideal than the raw estimate', async () => {
    // 4-qubit GHZ, ideal ⟨ZZZZ⟩ = 1. With p2 = 0.03 each CX multiplies it by (1 − 16p/15) ≈ 0.968, so
    // raw ≈ 0.91 (error ≈ 0.09). The noisy value is exactly A·B^λ (see the folding test), so the
    // exponential extrapolation is unbiased and only trajectory noise remains: 4000 trajectories give
    // σ ≈ 0.007–0.012 per factor and ≈ 0.012 after extrapolation, so a 2× bound (error < 0.045) holds
    // with a margin of more than 3σ; the seed is fixed, so the test is deterministic.
    const noise = { depolarizing: { p1: 0.002, p2: 0.03 } };
    const c = circuit(4, ghzOps(4));
    const pub = estimatorPub(c, ['ZZZZ', 'XXXX']);
    const execute = trajectoryExecute(17, noise, 4000);
    const raw = (await execute(batchOf({ estimator: [pub] }))).estimator[0]!;
    const steps = resolvePipeline([{ name: 'zne', options: { noise_factors: [1, 3, 5], extrapolator: ['exponential', 'linear'] } }], builtinRegistry(), 'estimator');
    const { results } = await runPipeline(steps, batchOf({ estimator: [pub] }), request('estimator', 17, noise), execute);
    const mitigated = results.estimator[0]!;
    for (let i = 0; i < 2; i++) {
      const rawError = Math.abs(1 - raw.evs[i]!);
      expect(rawError).toBeGreaterThan(0.05);
      expect(Math.abs(1 - mitigated.evs[i]!)).toBeLessThan(rawError / 2);
    }
    const zne = (mitigated.metadata.resilience as { zne: Record<string, unknown> }).zne;
    expect(zne.noise_factors).toEqual([1, 3, 5]);
    expect(zne.extrapolator).toEqual(['exponential', 'linear']);
    expect(zne.extrapolated_noise_factors).toEqual([0, 1, 3, 5]);
    // IBM's shapes: (*shape, num_noise_factors) and (*shape, num_extrapolators, num_evaluation_points).
    expect((zne.evs_noise_factors as number[][]).map((r) => r.length)).toEqual([3, 3]);
    expect((zne.evs_extrapolated as number[][][]).map((r) => [r.length, r[0]!.length])).toEqual([[2, 4], [2, 4]]);
    expect((zne.evs_noise_factors as number[][])[0]![0]).toBe(raw.evs[0]);
  });
});
