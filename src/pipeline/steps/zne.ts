/**
 * Zero-noise extrapolation for the Estimator: each PUB runs at several noise factors (unitary
 * folding, math/fold.ts) in the same batch, then every element's values are extrapolated to zero
 * noise (math/extrapolate.ts). Per-PUB metadata follows IBM's ZNE result fields, nested along the PUB
 * shape: evs_noise_factors / stds_noise_factors (*shape, num_noise_factors) and evs_extrapolated /
 * stds_extrapolated (*shape, num_extrapolators, num_evaluation_points).
 */
import { z } from 'zod';
import { broadcastSourceIndex, nest, size } from '../../primitives/shape.js';
import { contextKey } from '../context.js';
import { EXTRAPOLATORS, extrapolate, extrapolateWithFallback, minimumPoints, type Extrapolator } from '../math/extrapolate.js';
import { achievedFactor, foldCircuit } from '../math/fold.js';
import { defineStep } from '../step.js';
import type { EstimatorPub, EstimatorPubResult } from '../types.js';

const zneOptionsSchema = z
  .object({
    /** Noise amplification factors, each ≥ 1; 1 is the unfolded circuit. */
    noise_factors: z.array(z.number().min(1)).min(2).default([1, 3, 5]),
    /** Extrapolator(s) to try in order; the first that fits within the observable's range is used. */
    extrapolator: z
      .union([z.enum(EXTRAPOLATORS), z.array(z.enum(EXTRAPOLATORS)).min(1)])
      .default(['exponential', 'linear'])
      .transform((v): Extrapolator[] => (Array.isArray(v) ? v : [v])),
    /** Noise factors at which every extrapolator is also evaluated (metadata only); default 0 and noise_factors. */
    extrapolated_noise_factors: z.array(z.number().min(0)).optional(),
    /** What to fold: two-qubit gates (IBM's gate_folding), randomly chosen gates, or the whole circuit. */
    amplifier: z.enum(['two_qubit', 'random', 'global']).default('two_qubit'),
  })
  .strict()
  .superRefine((o, ctx) => {
    const distinct = new Set(o.noise_factors).size;
    for (const name of o.extrapolator) {
      if (distinct < minimumPoints(name)) {
        ctx.addIssue({ code: 'custom', path: ['noise_factors'], message: `${name} needs at least ${minimumPoints(name)} distinct noise factors, got ${distinct}` });
      }
    }
  });

export type ZneOptions = z.output<typeof zneOptionsSchema>;

/** What pre leaves for post: the number of PUBs it expanded and each element's physical bound. */
const plan = contextKey<{ pubs: number; bounds: number[][]; achieved: number[][] }>('zne.plan');
/** Shared, so later steps and site plugins can see what ZNE asked for. */
const ZNE_FACTORS = contextKey<readonly number[]>('zne.noise_factors');

/** |⟨O⟩| ≤ Σ|cᵢ| for O = Σ cᵢ Pᵢ: the range an extrapolated value must stay in. */
function bounds(pub: EstimatorPub): number[] {
  return Array.from({ length: size(pub.shape) }, (_, e) => {
    const o = pub.observables[broadcastSourceIndex(e, pub.shape, pub.observableShape)];
    return (o?.terms ?? []).reduce((s, t) => s + Math.abs(t.coeff), 0);
  });
}

function collapse(group: readonly EstimatorPubResult[], factors: readonly number[], bound: readonly number[], achieved: readonly number[], options: ZneOptions): EstimatorPubResult {
  const first = group[0]!;
  const elements = size(first.shape);
  const evaluation = options.extrapolated_noise_factors ?? [0, ...factors];
  const evs: number[] = [];
  const stds: number[] = [];
  const ese: number[] = [];
  const used: string[] = [];
  const evsAt: number[][] = [];
  const stdsAt: number[][] = [];
  const eseAt: number[][] = [];
  const evsExtrapolated: number[][][] = [];
  const stdsExtrapolated: number[][][] = [];
  for (let e = 0; e < elements; e++) {
    const y = group.map((r) => r.evs[e] ?? 0);
    const sigma = group.map((r) => r.stds[e] ?? 0);
    const ensemble = group.map((r) => r.ensembleStandardError[e] ?? 0);
    const best = extrapolateWithFallback(options.extrapolator, factors, y, sigma, bound[e] ?? 1);
    evs.push(best.value);
    stds.push(best.std);
    const viaEnsemble = best.used === 'none' ? undefined : extrapolate(best.used, factors, y, ensemble);
    ese.push(viaEnsemble?.ok === true ? viaEnsemble.std : best.std);
    used.push(best.used);
    evsAt.push(y);
    stdsAt.push(sigma);
    eseAt.push(ensemble);
    // Every extrapolator at every evaluation point: shift x so the point sits at zero.
    const perExtrapolator = options.extrapolator.map((name) =>
      evaluation.map((at) => extrapolate(name, factors.map((x) => x - at), y, sigma)),
    );
    evsExtrapolated.push(perExtrapolator.map((row) => row.map((r) => (r.ok ? r.value : Number.NaN))));
    stdsExtrapolated.push(perExtrapolator.map((row) => row.map((r) => (r.ok ? r.std : Number.NaN))));
  }
  const resilience = (first.metadata.resilience ?? {}) as Record<string, unknown>;
  return {
    shape: first.shape,
    evs,
    stds,
    ensembleStandardError: ese,
    metadata: {
      ...first.metadata,
      shots: group.reduce((s, r) => s + (typeof r.metadata.shots === 'number' ? r.metadata.shots : 0), 0),
      resilience: {
        ...resilience,
        zne: {
          amplifier: options.amplifier,
          noise_factors: factors,
          achieved_noise_factors: achieved,
          extrapolator: options.extrapolator,
          extrapolated_noise_factors: evaluation,
          extrapolator_used: nest(used, first.shape),
          evs_noise_factors: nest(evsAt, first.shape),
          stds_noise_factors: nest(stdsAt, first.shape),
          ensemble_stds_noise_factors: nest(eseAt, first.shape),
          evs_extrapolated: nest(evsExtrapolated, first.shape),
          stds_extrapolated: nest(stdsExtrapolated, first.shape),
        },
      },
    },
  };
}

export const zneStep = defineStep<ZneOptions>({
  name: 'zne',
  version: '1.0.0',
  description: 'Zero-noise extrapolation: run each PUB at amplified noise (unitary folding) and extrapolate to zero noise.',
  kinds: ['estimator'],
  options: zneOptionsSchema,
  pre(batch, ctx, options) {
    const factors = options.noise_factors;
    const achieved: number[][] = [];
    const estimator = batch.estimator.flatMap((pub, p) => {
      const rng = ctx.random(`pub${p}`);
      const folded = factors.map((lambda) => ({ ...pub, circuit: foldCircuit(pub.circuit, lambda, options.amplifier, rng) }));
      achieved.push(folded.map((f) => achievedFactor(pub.circuit, f.circuit, options.amplifier)));
      return folded;
    });
    ctx.own.set(plan, { pubs: batch.estimator.length, bounds: batch.estimator.map(bounds), achieved });
    ctx.shared.set(ZNE_FACTORS, factors);
    ctx.note('noise_factors', factors);
    ctx.note('amplifier', options.amplifier);
    return { ...batch, estimator };
  },
  post(results, ctx, options) {
    const p = ctx.own.get(plan);
    const k = options.noise_factors.length;
    if (p === undefined || results.estimator.length !== p.pubs * k) {
      throw new Error(`expected ${(p?.pubs ?? 0) * k} estimator results (${k} noise factors per PUB), got ${results.estimator.length}`);
    }
    const estimator = Array.from({ length: p.pubs }, (_, i) =>
      collapse(results.estimator.slice(i * k, (i + 1) * k), options.noise_factors, p.bounds[i] ?? [], p.achieved[i] ?? [], options),
    );
    return { ...results, estimator };
  },
});
