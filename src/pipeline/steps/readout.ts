/**
 * Readout (measurement) error mitigation with per-qubit confusion matrices (math/confusion.ts).
 *
 * `pre` adds two calibration circuits per distinct qubit layout (all |0⟩, all |1⟩, every qubit
 * measured) to the batch, so calibration runs in the same backend call as the work.
 *
 * - Sampler: samples stay as measured (a mitigated distribution is a quasi-probability, not shots);
 *   each PUB's metadata gets `readout_mitigation.quasi_dists`, one per element, over all measured
 *   clbits — by the full tensored inverse up to `max_full_qubits` measured bits, above that on the
 *   observed bitstrings only.
 * - Estimator: each PUB is measured instead of computed: its Pauli terms are grouped into
 *   measurement bases (math/measure-basis.ts), run as sampler circuits, and every ⟨P⟩ is the
 *   mitigated parity of the counts. On the simulator this is also what makes readout noise visible to
 *   an Estimator at all: its exact path measures nothing.
 */
import { z } from 'zod';
import { QrunError } from '../../errors.js';
import type { Circuit, Op } from '../../circuit/ir.js';
import { broadcastSourceIndex, nest, size } from '../../primitives/shape.js';
import { contextKey } from '../context.js';
import { bitstring, elementCounts, MAX_COUNT_BITS } from '../counts.js';
import { confusionFromCalibration, mitigateFull, mitigatedParity, mitigateSubspace, type Confusion } from '../math/confusion.js';
import { groupLabels, measuredCircuit, support } from '../math/measure-basis.js';
import { defineStep } from '../step.js';
import type { EstimatorPub, EstimatorPubResult, SamplerPub, SamplerPubResult } from '../types.js';

const readoutOptionsSchema = z
  .object({
    /** Shots of each calibration circuit. */
    calibration_shots: z.number().int().min(16).max(1_000_000).default(4096),
    /** `full`: tensored inverse on all 2ⁿ outcomes; `subspace`: observed bitstrings only; `auto`: full up to max_full_qubits. */
    method: z.enum(['auto', 'full', 'subspace']).default('auto'),
    /** Widest measurement (in bits) that `auto` mitigates on the full space. */
    max_full_qubits: z.number().int().min(1).max(20).default(12),
    /** Subspace method: outcomes farther apart than this Hamming distance are not coupled. */
    distance: z.number().int().min(1).max(MAX_COUNT_BITS).default(3),
  })
  .strict();

export type ReadoutOptions = z.output<typeof readoutOptionsSchema>;

/** Shared: per-qubit confusion per layout, for later steps and site plugins. */
const READOUT_CONFUSION = contextKey<Record<string, Confusion[]>>('readout.confusion');

interface EstimatorPlan {
  readonly pub: EstimatorPub;
  /** Sampler position of each basis group, and which group measures each label. */
  readonly groups: number[];
  readonly groupOf: Map<string, number>;
}

interface Plan {
  /** The request's own sampler PUBs, which come first in the batch this step sends on. */
  readonly samplerPubs: readonly SamplerPub[];
  /** Circuit of every sampler position of that batch, to read its results back. */
  readonly circuits: readonly Circuit[];
  /** Calibration layout key → [position of the all-0 run, position of the all-1 run]. */
  readonly calibrations: Map<string, [number, number]>;
  readonly estimator: EstimatorPlan[];
}
const planKey = contextKey<Plan>('readout.plan');

const layoutOf = (c: Circuit): string => JSON.stringify([c.numQubits, c.physicalQubits]);

function calibrationCircuit(template: Circuit, ones: boolean): Circuit {
  const ops: Op[] = [];
  for (let q = 0; q < template.numQubits; q++) if (ones) ops.push({ kind: 'gate', name: 'x', qubits: [q], params: [] });
  for (let q = 0; q < template.numQubits; q++) ops.push({ kind: 'measure', qubit: q, clbit: q });
  return {
    numQubits: template.numQubits,
    numClbits: template.numQubits,
    clbitRegisters: [{ name: 'cal', size: template.numQubits, offset: 0 }],
    parameters: [],
    physicalQubits: template.physicalQubits,
    ops,
  };
}

function learn(zeros: SamplerPubResult, ones: SamplerPubResult, circuit: Circuit): Confusion[] {
  const n = circuit.numQubits;
  const readOne = new Array<number>(n).fill(0);
  const readZero = new Array<number>(n).fill(0);
  for (const [value, count] of elementCounts(zeros, circuit, 0)) for (let q = 0; q < n; q++) if ((value >> q) & 1) readOne[q]! += count;
  for (const [value, count] of elementCounts(ones, circuit, 0)) for (let q = 0; q < n; q++) if (!((value >> q) & 1)) readZero[q]! += count;
  return confusionFromCalibration(readOne, readZero, zeros.shots);
}

/** clbit → the qubit its last top-level measurement reads. */
function measuredQubits(circuit: Circuit): Map<number, number> {
  const map = new Map<number, number>();
  for (const o of circuit.ops) if (o.kind === 'measure') map.set(o.clbit, o.qubit);
  return map;
}

function mitigateSamplerPub(pub: SamplerPub, result: SamplerPubResult, confusion: readonly Confusion[], options: ReadoutOptions): SamplerPubResult {
  const measured = measuredQubits(pub.circuit);
  const clbits = [...measured.keys()].sort((a, b) => a - b);
  if (pub.circuit.numClbits > MAX_COUNT_BITS) {
    throw new QrunError('CIRCUIT_UNSUPPORTED', `readout mitigation handles at most ${MAX_COUNT_BITS} classical bits; PUB ${pub.index} has ${pub.circuit.numClbits}`, {
      hint: `Measure at most ${MAX_COUNT_BITS} bits in this PUB, or run it without the readout step (--mitigation none).`,
    });
  }
  // Confusion indexed by compact position k of clbits[k].
  const local = clbits.map((c) => confusion[measured.get(c)!] ?? { p01: 0, p10: 0 });
  const full = options.method === 'full' || (options.method === 'auto' && clbits.length <= options.max_full_qubits);
  const dists = Array.from({ length: size(pub.shape) }, (_, e) => {
    const compact = new Map<number, number>();
    for (const [value, count] of elementCounts(result, pub.circuit, e)) {
      let k = 0;
      clbits.forEach((c, i) => {
        if ((value >> c) & 1) k |= 1 << i;
      });
      compact.set(k, (compact.get(k) ?? 0) + count);
    }
    let quasi: Map<number, number>;
    if (full) {
      const p = new Float64Array(1 << clbits.length);
      for (const [k, count] of compact) p[k] = count / result.shots;
      const q = mitigateFull(p, local);
      quasi = new Map();
      q.forEach((v, k) => {
        if (Math.abs(v) > 1e-12) quasi.set(k, v);
      });
    } else {
      quasi = mitigateSubspace(compact, local, options.distance);
    }
    const out: Record<string, number> = {};
    for (const [k, v] of quasi) {
      let value = 0;
      clbits.forEach((c, i) => {
        if ((k >> i) & 1) value |= 1 << c;
      });
      out[bitstring(value, pub.circuit.numClbits)] = v;
    }
    return out;
  });
  return {
    ...result,
    metadata: {
      ...result.metadata,
      readout_mitigation: { method: full ? 'full' : 'subspace', quasi_dists: nest(dists, pub.shape) },
    },
  };
}

function estimatorResult(plan: EstimatorPlan, sampler: readonly SamplerPubResult[], circuits: readonly Circuit[], confusion: readonly Confusion[]): EstimatorPubResult {
  const { pub } = plan;
  const elements = size(pub.shape);
  const cache = new Map<string, { value: number; std: number }>();
  const valueOf = (label: string, row: number): { value: number; std: number } => {
    const key = `${label}@${row}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const position = plan.groups[plan.groupOf.get(label)!]!;
    const counts = elementCounts(sampler[position]!, circuits[position]!, row);
    const r = mitigatedParity(counts, support(label), confusion);
    cache.set(key, r);
    return r;
  };
  const evs: number[] = [];
  const stds: number[] = [];
  for (let e = 0; e < elements; e++) {
    const row = broadcastSourceIndex(e, pub.shape, pub.bindings.shape);
    const observable = pub.observables[broadcastSourceIndex(e, pub.shape, pub.observableShape)];
    let ev = 0;
    let std = 0;
    for (const term of observable?.terms ?? []) {
      if (!/[XYZ]/.test(term.label)) {
        ev += term.coeff;
        continue;
      }
      const r = valueOf(term.label, row);
      ev += term.coeff * r.value;
      std += Math.abs(term.coeff) * r.std;
    }
    evs.push(ev);
    stds.push(std);
  }
  return {
    shape: pub.shape,
    evs,
    stds,
    ensembleStandardError: [...stds],
    metadata: {
      shots: pub.shots,
      target_precision: pub.precision,
      circuit_metadata: {},
      resilience: { measure_mitigation: { measured_bases: plan.groups.length } },
    },
  };
}

export const readoutStep = defineStep<ReadoutOptions>({
  name: 'readout',
  version: '1.0.0',
  description: 'Readout error mitigation: calibrate per-qubit confusion matrices and correct counts (Sampler) or expectation values (Estimator).',
  kinds: ['sampler', 'estimator'],
  options: readoutOptionsSchema,
  pre(batch, ctx, options) {
    const sampler: SamplerPub[] = [...batch.sampler];
    const calibrations = new Map<string, [number, number]>();
    const nextIndex = (): number => Math.max(-1, ...sampler.map((p) => p.index), ...batch.estimator.map((p) => p.index)) + 1;
    const calibrate = (circuit: Circuit): void => {
      const key = layoutOf(circuit);
      if (calibrations.has(key)) return;
      const bindings = { shape: [], rows: [[]] };
      calibrations.set(key, [sampler.length, sampler.length + 1]);
      for (const ones of [false, true]) {
        sampler.push({ index: nextIndex(), circuit: calibrationCircuit(circuit, ones), bindings, shape: [], shots: options.calibration_shots });
      }
    };
    for (const pub of batch.sampler) calibrate(pub.circuit);
    const estimator: EstimatorPlan[] = batch.estimator.map((pub) => {
      calibrate(pub.circuit);
      const labels = [...new Set(pub.observables.flatMap((o) => o.terms.map((t) => t.label)).filter((l) => /[XYZ]/.test(l)))];
      const groupOf = new Map<string, number>();
      const groups = groupLabels(labels, pub.circuit.numQubits).map((g, i) => {
        for (const label of g.labels) groupOf.set(label, i);
        sampler.push({ index: pub.index, circuit: measuredCircuit(pub.circuit, g.basis), bindings: pub.bindings, shape: pub.bindings.shape, shots: pub.shots });
        return sampler.length - 1;
      });
      return { pub, groups, groupOf };
    });
    ctx.own.set(planKey, { samplerPubs: batch.sampler, circuits: sampler.map((p) => p.circuit), calibrations, estimator });
    ctx.note('calibration_circuits', calibrations.size * 2);
    return { sampler, estimator: [] };
  },
  post(results, ctx, options) {
    const plan = ctx.own.get(planKey);
    if (plan === undefined) throw new Error('readout post ran without its pre');
    const { circuits } = plan;
    if (results.sampler.length !== circuits.length) throw new Error(`expected ${circuits.length} sampler results, got ${results.sampler.length}`);
    const confusionOf = new Map<string, Confusion[]>();
    for (const [key, [zero, one]] of plan.calibrations) {
      const circuit = circuits[zero];
      const z0 = results.sampler[zero];
      const z1 = results.sampler[one];
      if (circuit === undefined || z0 === undefined || z1 === undefined) throw new Error('calibration results are missing');
      confusionOf.set(key, learn(z0, z1, circuit));
    }
    ctx.shared.set(READOUT_CONFUSION, Object.fromEntries(confusionOf));
    ctx.note('confusion', [...confusionOf.values()]);
    const sampler = plan.samplerPubs.map((pub, i) => mitigateSamplerPub(pub, results.sampler[i]!, confusionOf.get(layoutOf(pub.circuit)) ?? [], options));
    const estimator = plan.estimator.map((p) => estimatorResult(p, results.sampler, circuits, confusionOf.get(layoutOf(p.pub.circuit)) ?? []));
    return { ...results, sampler, estimator };
  },
});
