import { describe, expect, it } from 'vitest';
import { builtinRegistry, resolvePipeline, runPipeline } from '../../../../src/pipeline/index.js';
import { mitigateFull, mitigatedParity, mitigateSubspace, type Confusion } from '../../../../src/pipeline/math/confusion.js';
import { batchOf, circuit, estimatorPub, ghzOps, measureAll, request, samplerPub, simExecute } from '../helpers.js';

const confusions: Confusion[] = [
  { p01: 0.02, p10: 0.08 },
  { p01: 0.05, p10: 0.03 },
  { p01: 0.1, p10: 0.01 },
];

/** A p for a known ideal distribution: each qubit's bit flips with its own confusion, exactly. */
function noisy(ideal: Float64Array): Float64Array {
  const out = new Float64Array(ideal.length);
  ideal.forEach((pIdeal, s) => {
    for (let r = 0; r < ideal.length; r++) {
      let pr = pIdeal;
      confusions.forEach((c, q) => {
        const prepared = (s >> q) & 1;
        const read = (r >> q) & 1;
        pr *= prepared === 0 ? (read === 0 ? 1 - c.p01 : c.p01) : read === 0 ? c.p10 : 1 - c.p10;
      });
      out[r] = out[r]! + pr;
    }
  });
  return out;
}

describe('readout mitigation math', () => {
  const ideal = Float64Array.from([0.4, 0, 0.1, 0, 0, 0.2, 0, 0.3]);

  it('recovers the ideal distribution exactly from a known confusion matrix', () => {
    const recovered = mitigateFull(noisy(ideal), confusions);
    recovered.forEach((v, i) => expect(v).toBeCloseTo(ideal[i]!, 12));
  });

  it('corrects parities from counts exactly: ⟨z_S, A⁻¹p⟩ with no distribution built', () => {
    const p = noisy(ideal);
    // Counts proportional to p (a large total keeps them exact in floating point).
    const counts = new Map([...p].map((v, i) => [i, v * 1e9] as [number, number]));
    for (const supportSet of [[0], [1, 2], [0, 1, 2]]) {
      const exact = [...ideal].reduce((s, v, i) => s + v * (supportSet.filter((q) => (i >> q) & 1).length % 2 ? -1 : 1), 0);
      expect(mitigatedParity(counts, supportSet, confusions).value).toBeCloseTo(exact, 9);
    }
  });

  it('on the observed bitstrings only, agrees with the full inverse when everything is observed', () => {
    const p = noisy(ideal);
    const counts = new Map([...p].map((v, i) => [i, v * 1e6] as [number, number]));
    const sub = mitigateSubspace(counts, confusions, 3);
    const full = mitigateFull(p, confusions);
    full.forEach((v, i) => expect(sub.get(i) ?? 0).toBeCloseTo(v, 8));
  });
});

describe('readout step', () => {
  const noise = { readout: { p01: 0.03, p10: 0.08 } };

  it('brings ⟨Z0Z1Z2Z3⟩ of a 5-qubit GHZ state at least 2× closer to the ideal than the raw estimate', async () => {
    // Ideal 1. With readout error each shot's parity is right only when an even number of the four
    // bits flip: raw = ½[(1−2p01)⁴ + (1−2p10)⁴] ≈ 0.64 (error ≈ 0.36). The mitigated estimate is
    // unbiased up to calibration error (4096 shots per calibration: p known to ±0.004, which moves the
    // result by ≲ 0.03) plus shot noise (8192 shots, per-shot weights ≤ 1.5: σ ≲ 0.012). A 2× bound
    // (error < 0.18) therefore holds with a very wide margin; the seed is fixed.
    const pub = estimatorPub(circuit(5, ghzOps(5)), ['IZZZZ', { IIIZZ: 0.5, ZZIII: 0.5 }], 8192);
    const execute = simExecute(23, noise);
    const raw = (await execute(batchOf({ estimator: [pub] }))).estimator[0]!;
    const steps = resolvePipeline([{ name: 'readout' }], builtinRegistry(), 'estimator');
    const run = await runPipeline(steps, batchOf({ estimator: [pub] }), request('estimator', 23, noise), execute);
    const mitigated = run.results.estimator[0]!;
    for (let i = 0; i < 2; i++) {
      const rawError = Math.abs(1 - raw.evs[i]!);
      expect(rawError).toBeGreaterThan(0.1);
      expect(Math.abs(1 - mitigated.evs[i]!)).toBeLessThan(rawError / 2);
    }
    // The estimator was measured: one basis group (all Z) plus two calibration circuits.
    expect(run.executed.estimator).toHaveLength(0);
    expect(run.executed.sampler).toHaveLength(3);
  });

  it('gives sampler PUBs mitigated quasi-distributions in metadata and leaves the samples as measured', async () => {
    const c = circuit(3, [...ghzOps(3), ...measureAll(3)], 3);
    const steps = resolvePipeline([{ name: 'readout', options: { calibration_shots: 8192 } }], builtinRegistry(), 'sampler');
    const run = await runPipeline(steps, batchOf({ sampler: [samplerPub(c, 8192)] }), request('sampler', 5, noise), simExecute(5, noise));
    const pub = run.results.sampler[0]!;
    expect(pub.shots).toBe(8192);
    const meta = pub.metadata.readout_mitigation as { method: string; quasi_dists: Record<string, number> };
    expect(meta.method).toBe('full');
    const q = meta.quasi_dists;
    // Ideal: ½ on 000 and 111. Shot noise at 8192 shots plus calibration error: within 0.03.
    expect(q['000']).toBeCloseTo(0.5, 1);
    expect(q['111']).toBeCloseTo(0.5, 1);
    const rest = Object.entries(q).filter(([k]) => k !== '000' && k !== '111').reduce((s, [, v]) => s + Math.abs(v), 0);
    expect(rest).toBeLessThan(0.05);
    expect(Object.values(q).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('uses the observed-bitstring method for wide registers', async () => {
    const c = circuit(3, [...ghzOps(3), ...measureAll(3)], 3);
    const steps = resolvePipeline([{ name: 'readout', options: { method: 'subspace' } }], builtinRegistry(), 'sampler');
    const run = await runPipeline(steps, batchOf({ sampler: [samplerPub(c, 4096)] }), request('sampler', 5, noise), simExecute(5, noise));
    const meta = run.results.sampler[0]!.metadata.readout_mitigation as { method: string; quasi_dists: Record<string, number> };
    expect(meta.method).toBe('subspace');
    expect(meta.quasi_dists['000']! + meta.quasi_dists['111']!).toBeGreaterThan(0.93);
  });
});
