/**
 * Pauli twirling (math/twirl.ts) with IBM's options: each PUB becomes `num_randomizations` randomized
 * copies of `shots_per_randomization` shots each, run in the same batch; `post` joins them back.
 *
 * - Sampler: the copies' shots are concatenated (measurement flips undone), so a PUB returns
 *   num_randomizations × shots_per_randomization shots, as IBM's service does.
 * - Estimator: gate twirls keep the observable; a measurement twirl (X on random qubits at the end)
 *   flips the sign of every term with Y or Z there, so each copy still estimates the same value. The
 *   value is the mean over copies; `ensemble_standard_error` is the spread between copies.
 */
import { z } from 'zod';
import type { Circuit, Op } from '../../circuit/ir.js';
import { size } from '../../primitives/shape.js';
import type { PauliSum } from '../../sim/api.js';
import type { Prng } from '../../sim/prng.js';
import { contextKey } from '../context.js';
import { flipShots } from '../counts.js';
import { pauliAt } from '../math/measure-basis.js';
import { TWIRLABLE_GATES, twirlGates, twirlMeasurements } from '../math/twirl.js';
import { defineStep } from '../step.js';
import type { EstimatorPub, EstimatorPubResult, SamplerPub, SamplerPubResult } from '../types.js';

const auto = z.union([z.number().int().min(1), z.literal('auto')]);

const twirlingOptionsSchema = z
  .object({
    /** Twirl two-qubit Clifford gates (those listed in `gates`). */
    enable_gates: z.boolean().default(true),
    /** Twirl measurements (random X before each, undone in the recorded bits). */
    enable_measure: z.boolean().default(true),
    /** Randomized copies per PUB; `auto`: 32, or fewer when the PUB has fewer shots. */
    num_randomizations: auto.default('auto'),
    /** Shots of each copy; `auto`: the PUB's shots divided over the copies, rounded up. */
    shots_per_randomization: auto.default('auto'),
    /** Which two-qubit gates to twirl. */
    gates: z.array(z.enum(TWIRLABLE_GATES)).min(1).default([...TWIRLABLE_GATES]),
  })
  .strict();

export type TwirlingOptions = z.output<typeof twirlingOptionsSchema>;

const DEFAULT_RANDOMIZATIONS = 32;

/** IBM's rule: with both given, total shots are their product; with one, the other covers the PUB's shots. */
export function randomizationPlan(shots: number, o: Pick<TwirlingOptions, 'num_randomizations' | 'shots_per_randomization'>): { n: number; per: number } {
  if (o.num_randomizations !== 'auto' && o.shots_per_randomization !== 'auto') return { n: o.num_randomizations, per: o.shots_per_randomization };
  if (o.shots_per_randomization !== 'auto') return { n: Math.max(1, Math.ceil(shots / o.shots_per_randomization)), per: o.shots_per_randomization };
  const n = o.num_randomizations === 'auto' ? Math.max(1, Math.min(DEFAULT_RANDOMIZATIONS, shots)) : o.num_randomizations;
  return { n, per: Math.max(1, Math.ceil(shots / n)) };
}

interface Plan {
  readonly sampler: { pub: SamplerPub; n: number; per: number; flips: number[] }[];
  readonly estimator: { pub: EstimatorPub; n: number; per: number }[];
}
const planKey = contextKey<Plan>('twirling.plan');
/** Shared: randomizations per PUB, for later steps and site plugins. */
const TWIRL_RANDOMIZATIONS = contextKey<{ sampler: number[]; estimator: number[] }>('twirling.randomizations');

function randomize(circuit: Circuit, o: TwirlingOptions, rng: Prng, measure: boolean): { circuit: Circuit; flip: number } {
  const gated = o.enable_gates ? twirlGates(circuit, o.gates, rng) : circuit;
  // Conditionals read clbits, which a measurement twirl would flip: leave such circuits' measurements alone.
  if (!measure || circuit.ops.some((op) => op.kind === 'if')) return { circuit: gated, flip: 0 };
  return twirlMeasurements(gated, rng);
}

/** X on every qubit in `mask` at the end, and the observables' signs adjusted to match. */
function flipEstimator(pub: EstimatorPub, rng: Prng): { circuit: Circuit; observables: PauliSum[] } {
  const flipped: number[] = [];
  for (let q = 0; q < pub.circuit.numQubits; q++) if (rng.nextDouble() < 0.5) flipped.push(q);
  const ops: Op[] = [...pub.circuit.ops.filter((o) => o.kind !== 'measure'), ...flipped.map((q): Op => ({ kind: 'gate', name: 'x', qubits: [q], params: [] }))];
  const observables = pub.observables.map((o) => ({
    terms: o.terms.map((t) => {
      const odd = flipped.filter((q) => pauliAt(t.label, q) === 'Y' || pauliAt(t.label, q) === 'Z').length % 2 === 1;
      return { label: t.label, coeff: odd ? -t.coeff : t.coeff };
    }),
  }));
  return { circuit: { ...pub.circuit, ops }, observables };
}

function joinSampler(entry: Plan['sampler'][number], group: readonly SamplerPubResult[], o: TwirlingOptions): SamplerPubResult {
  const { pub, n, per, flips } = entry;
  const elements = size(pub.shape);
  const shots = n * per;
  const first = group[0]!;
  const result: SamplerPubResult = {
    shape: pub.shape,
    shots,
    registers: first.registers.map((reg, r) => {
      const width = Math.ceil(reg.numBits / 8);
      const bytes = new Uint8Array(elements * shots * width);
      for (let e = 0; e < elements; e++) {
        group.forEach((copy, k) => {
          const source = copy.registers[r]!.bytes.subarray(e * per * width, (e + 1) * per * width);
          bytes.set(source, (e * shots + k * per) * width);
        });
      }
      return { ...reg, shots, bytes };
    }),
    metadata: { ...first.metadata, shots, twirling: { num_randomizations: n, shots_per_randomization: per, enable_gates: o.enable_gates, enable_measure: o.enable_measure } },
  };
  for (let e = 0; e < elements; e++) flips.forEach((mask, k) => flipShots(result, pub.circuit, e, k * per, per, mask));
  return result;
}

function joinEstimator(entry: Plan['estimator'][number], group: readonly EstimatorPubResult[], o: TwirlingOptions): EstimatorPubResult {
  const { pub, n, per } = entry;
  const elements = size(pub.shape);
  const evs: number[] = [];
  const stds: number[] = [];
  const ese: number[] = [];
  for (let e = 0; e < elements; e++) {
    const values = group.map((r) => r.evs[e] ?? 0);
    const mean = values.reduce((a, b) => a + b, 0) / n;
    evs.push(mean);
    stds.push(Math.sqrt(group.reduce((s, r) => s + (r.stds[e] ?? 0) ** 2, 0)) / n);
    const spread = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) / n) : (stds[e] ?? 0);
    ese.push(spread);
  }
  const first = group[0]!;
  return {
    shape: first.shape,
    evs,
    stds,
    ensembleStandardError: ese,
    metadata: {
      ...first.metadata,
      shots: n * per,
      twirling: { num_randomizations: n, shots_per_randomization: per, enable_gates: o.enable_gates, enable_measure: o.enable_measure },
    },
  };
}

export const twirlingStep = defineStep<TwirlingOptions>({
  name: 'twirling',
  version: '1.0.0',
  description: 'Pauli twirling of cx/cz/ecr gates and of measurements over randomized copies of each PUB.',
  kinds: ['sampler', 'estimator'],
  options: twirlingOptionsSchema,
  pre(batch, ctx, options) {
    const plan: Plan = { sampler: [], estimator: [] };
    const sampler = batch.sampler.flatMap((pub, p) => {
      const rng = ctx.random(`sampler${p}`);
      const { n, per } = randomizationPlan(pub.shots, options);
      const copies = Array.from({ length: n }, () => randomize(pub.circuit, options, rng, options.enable_measure));
      plan.sampler.push({ pub, n, per, flips: copies.map((c) => c.flip) });
      return copies.map((c) => ({ ...pub, circuit: c.circuit, shots: per }));
    });
    const estimator = batch.estimator.flatMap((pub, p) => {
      const rng = ctx.random(`estimator${p}`);
      const { n, per } = randomizationPlan(pub.shots, options);
      plan.estimator.push({ pub, n, per });
      return Array.from({ length: n }, () => {
        const gated = options.enable_gates ? twirlGates(pub.circuit, options.gates, rng) : pub.circuit;
        const flipped = options.enable_measure ? flipEstimator({ ...pub, circuit: gated }, rng) : { circuit: gated, observables: pub.observables };
        return { ...pub, circuit: flipped.circuit, observables: flipped.observables, shots: per };
      });
    });
    ctx.own.set(planKey, plan);
    ctx.shared.set(TWIRL_RANDOMIZATIONS, { sampler: plan.sampler.map((s) => s.n), estimator: plan.estimator.map((s) => s.n) });
    return { sampler, estimator };
  },
  post(results, ctx, options) {
    const plan = ctx.own.get(planKey);
    if (plan === undefined) throw new Error('twirling post ran without its pre');
    let offset = 0;
    const sampler = plan.sampler.map((entry) => {
      const group = results.sampler.slice(offset, offset + entry.n);
      offset += entry.n;
      if (group.length !== entry.n) throw new Error(`expected ${entry.n} randomized sampler results, got ${group.length}`);
      return joinSampler(entry, group, options);
    });
    offset = 0;
    const estimator = plan.estimator.map((entry) => {
      const group = results.estimator.slice(offset, offset + entry.n);
      offset += entry.n;
      if (group.length !== entry.n) throw new Error(`expected ${entry.n} randomized estimator results, got ${group.length}`);
      return joinEstimator(entry, group, options);
    });
    return { ...results, sampler, estimator };
  },
});
