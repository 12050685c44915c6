/**
 * Mitigation runs several circuits per user PUB (twirled copies, folded circuits, measurement bases).
 * Each must draw its own random stream: copies that share one repeat the same shots, so their errors
 * do not average out and the reported standard errors are too small. The tests below check the
 * distributions a user sees; every bound states its false-failure rate (with fixed seeds the outcome
 * is deterministic anyway).
 */
import { describe, expect, it } from 'vitest';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { SamplerPubResult } from '../../../src/primitives/results.js';
import { binomialHalfTail, chiSquareLower, chiSquareUpper } from '../../helpers/statistics.js';
import { BELL, BELL_STATE, RY_CX } from './helpers.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + 17 * i);

describe.each([
  ['ts', '0'],
  ['native', '1'],
])('randomized copies draw independent streams (%s engine)', (_label, native) => {
  const env = { QRUN_NATIVE: native };

  it('a gate-twirled Bell sampler at 64 shots (32 copies) gives binomially spread counts of 00 and 11', async () => {
    const params = parseSamplerParams({ pubs: [[BELL, null, 64]], version: 2, options: { twirling: { enable_gates: true, enable_measure: false, num_randomizations: 32 } } });
    // Each run's count of 00 is Binomial(64, 1/2): Σ(k − 32)²/16 over the runs is ~χ²(runs). Copies
    // that share a stream give all-or-nothing runs (far above) or the same split every time (below).
    // Each bound fails a correct engine with probability 1e-6; so does the per-run binomial bound.
    const a = binomialHalfTail(64, 1e-6 / SEEDS.length);
    let statistic = 0;
    for (const seed of SEEDS) {
      const outcome = await runSampler(params, { seed, env });
      const counts = new SamplerPubResult(outcome.pubs[0]!).getCounts('meas');
      expect(Object.keys(counts).sort()).toEqual(['00', '11']);
      const k = counts['00'] ?? 0;
      expect(k).toBeGreaterThan(a);
      expect(k).toBeLessThan(64 - a);
      statistic += (k - 32) ** 2 / 16;
    }
    expect(statistic).toBeGreaterThan(chiSquareLower(SEEDS.length, 1e-6));
    expect(statistic).toBeLessThan(chiSquareUpper(SEEDS.length, 1e-6));
  });

  it('resilience_level 1: values scatter as the reported stds say', async () => {
    // ⟨Z₀⟩ = cos 1.2 after ry(1.2). Off ⟨Z⟩ = 0 the measurement twirls' flips cannot hide copies
    // that share a stream (at ⟨Z⟩ = 0 a flipped copy's shared draws are exactly the complement).
    const params = parseEstimatorParams({ pubs: [[RY_CX, 'IZ', [1.2]]], version: 2, resilience_level: 1, precision: 1 / 32 });
    // Σ((ev − cos 1.2)/std)² over the runs is ~χ²(runs) when the stds are right. Bounds at 1e-6 each.
    let statistic = 0;
    for (const seed of SEEDS) {
      const outcome = await runEstimator(params, { seed, env });
      const pub = outcome.pubs[0]!;
      expect(pub.stds[0]).toBeGreaterThan(0);
      statistic += ((pub.evs[0]! - Math.cos(1.2)) / pub.stds[0]!) ** 2;
    }
    expect(statistic).toBeLessThan(chiSquareUpper(SEEDS.length, 1e-6));
    expect(statistic).toBeGreaterThan(chiSquareLower(SEEDS.length, 1e-6));
  });

  it('resilience_level 2: the values at noise factors 1, 3 and 5 are independent estimates', async () => {
    // Without measurement twirls the folded circuits have one output distribution; only independent
    // streams tell their samples apart.
    const params = parseEstimatorParams({ pubs: [[BELL_STATE, 'ZI']], version: 2, resilience_level: 2, precision: 1 / 32, options: { twirling: { enable_measure: false } } });
    // Differences of two independent estimates of 0, scaled by their stds, are ~N(0, 1): their
    // squares summed over runs and pairs (1–3 and 3–5) are ~χ²(2·runs) if each pair is independent.
    // Identical points give 0, far under the lower bound; correlated copies overshoot the upper one.
    let statistic = 0;
    for (const seed of SEEDS) {
      const outcome = await runEstimator(params, { seed, env });
      const zne = (outcome.pubs[0]!.metadata['resilience'] as { zne: { evs_noise_factors: number[]; stds_noise_factors: number[] } }).zne;
      const y = zne.evs_noise_factors;
      const s = zne.stds_noise_factors;
      for (const [i, j] of [[0, 1], [1, 2]] as const) statistic += (y[i]! - y[j]!) ** 2 / (s[i]! ** 2 + s[j]! ** 2);
    }
    // The pairs share factor 3's point, so the terms are not independent; the bounds are loose enough
    // for that (the variance of the sum grows by at most 1.5×, which the 1e-6 bounds absorb many times).
    expect(statistic).toBeGreaterThan(chiSquareLower(2 * SEEDS.length, 1e-6));
    expect(statistic).toBeLessThan(chiSquareUpper(2 * SEEDS.length, 1e-6));
  });
});
