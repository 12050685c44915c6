/**
 * The built-in simulator's execution: prepared PUBs run in this process on a statevector engine
 * (outside a QPU job, with QRUN_ENDPOINT `local:`, and in the gateway for `sim` backends). As the
 * primitives' Executor it runs a whole batch in one call.
 */
import type { BackendMetadata } from '../metadata.js';
import { checkCircuitFits } from '../../circuit/fit.js';
import type { Circuit } from '../../circuit/ir.js';
import type { Execute } from '../../pipeline/types.js';
import type { Executor } from '../../primitives/execute.js';
import type { Engine, NoiseModel } from '../../sim/api.js';
import { bytesPerShot, copyRegister } from '../../primitives/bits.js';
import type { PreparedEstimatorPub, PreparedSamplerPub } from '../../primitives/prepare.js';
import type { EstimatorOutcome, EstimatorPubOutcome, RegisterSamples, SamplerOutcome, SamplerPubOutcome } from '../../primitives/result-model.js';
import { checkExactRun, isExact } from '../../primitives/exact.js';
import { copyNumbers, copySeed } from '../../primitives/seeds.js';
import { broadcastSourceIndex, size } from '../../primitives/shape.js';

export interface LocalRunContext {
  readonly engine: Engine;
  readonly backendName: string;
  readonly metadata: BackendMetadata;
  readonly seed: number;
  readonly noise: NoiseModel | undefined;
  /** Called after each PUB element with how many of `total` elements are done. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * The simulator holds only the qubits a circuit uses (physical qubits are compacted), so it is
 * checked on the compact circuit: `$120` alone fits a 5-qubit simulator.
 */
function checkFits(circuit: Circuit, ctx: LocalRunContext, shots: number, experiments: number, pub: number): void {
  checkCircuitFits({ ...circuit, physicalQubits: null }, ctx.metadata, { shots, experiments, pub }, ctx.backendName);
}

function runMetadata(ctx: LocalRunContext): Record<string, unknown> {
  return { version: 2, backend: ctx.backendName, engine: ctx.engine.name, seed: ctx.seed };
}

async function runSamplerLocal(pubs: readonly PreparedSamplerPub[], ctx: LocalRunContext): Promise<SamplerOutcome> {
  const total = pubs.reduce((n, pub) => n + size(pub.shape), 0);
  for (const pub of pubs) checkFits(pub.circuit, ctx, pub.shots, total, pub.index);
  let done = 0;
  const copies = copyNumbers(pubs);
  const outcomes: SamplerPubOutcome[] = [];
  for (const [position, pub] of pubs.entries()) {
    const copy = copies[position] ?? 0;
    const elements = size(pub.shape);
    const registers = pub.circuit.clbitRegisters.map(
      (r): RegisterSamples => ({
        name: r.name,
        numBits: r.size,
        shape: pub.shape,
        shots: pub.shots,
        bytes: new Uint8Array(elements * pub.shots * bytesPerShot(r.size)),
      }),
    );
    for (let e = 0; e < elements; e++) {
      const memory = await ctx.engine.sample(pub.circuit, pub.bindings.rows[e] ?? [], {
        shots: pub.shots,
        seed: copySeed(ctx.seed, pub.index, copy, e),
        ...(ctx.noise === undefined ? {} : { noise: ctx.noise }),
      });
      pub.circuit.clbitRegisters.forEach((register, r) => {
        const target = registers[r];
        if (target !== undefined) copyRegister(memory, register, target.bytes, e * pub.shots);
      });
      ctx.onProgress?.(++done, total);
    }
    outcomes.push({ shape: pub.shape, shots: pub.shots, registers, metadata: { shots: pub.shots, circuit_metadata: {} } });
  }
  return { kind: 'sampler', pubs: outcomes, metadata: runMetadata(ctx) };
}

const IDENTITY = /^I*$/;

/**
 * Exact ⟨P⟩ for each distinct Pauli label an element needs, per parameter row (one engine call per
 * row, all its labels at once), then each observable is Σ cᵢ⟨Pᵢ⟩ with the shot-noise standard error
 * Σ|cᵢ|·√(1−⟨Pᵢ⟩²)/√shots that `shots` measurements of each term would have.
 */
async function runEstimatorLocal(pubs: readonly PreparedEstimatorPub[], ctx: LocalRunContext): Promise<EstimatorOutcome> {
  const total = pubs.reduce((n, pub) => n + size(pub.shape), 0);
  for (const pub of pubs) checkFits(pub.circuit, ctx, pub.shots, total, pub.index);
  let done = 0;
  const copies = copyNumbers(pubs);
  const outcomes: EstimatorPubOutcome[] = [];
  for (const [position, pub] of pubs.entries()) {
    const copy = copies[position] ?? 0;
    const exact = isExact(pub);
    // Trajectory averages are not exact; run.ts refuses this earlier, this guards other callers.
    if (exact && ctx.noise !== undefined) checkExactRun([pub], [], ctx.noise);
    const elements = size(pub.shape);
    // Which observables each parameter row is combined with.
    const byRow = new Map<number, { element: number; observable: number }[]>();
    for (let e = 0; e < elements; e++) {
      const row = broadcastSourceIndex(e, pub.shape, pub.bindings.shape);
      const observable = broadcastSourceIndex(e, pub.shape, pub.observableShape);
      const list = byRow.get(row) ?? [];
      list.push({ element: e, observable });
      byRow.set(row, list);
    }
    const evs = new Array<number>(elements).fill(0);
    const stds = new Array<number>(elements).fill(0);
    for (const [row, items] of byRow) {
      const labels = [
        ...new Set(items.flatMap(({ observable }) => (pub.observables[observable]?.terms ?? []).map((t) => t.label)).filter((l) => !IDENTITY.test(l))),
      ];
      const values =
        labels.length === 0
          ? []
          : await ctx.engine.expectationValues(
              pub.circuit,
              pub.bindings.rows[row] ?? [],
              labels.map((label) => ({ terms: [{ label, coeff: 1 }] })),
              { seed: copySeed(ctx.seed, pub.index, copy, row), ...(ctx.noise === undefined ? {} : { noise: ctx.noise }) },
            );
      const valueOf = new Map(labels.map((label, i) => [label, values[i] ?? 0]));
      for (const { element, observable } of items) {
        let ev = 0;
        let spread = 0;
        for (const term of pub.observables[observable]?.terms ?? []) {
          const p = IDENTITY.test(term.label) ? 1 : (valueOf.get(term.label) ?? 0);
          ev += term.coeff * p;
          spread += Math.abs(term.coeff) * Math.sqrt(Math.max(0, 1 - p * p));
        }
        evs[element] = ev;
        stds[element] = exact ? 0 : spread / Math.sqrt(pub.shots);
        ctx.onProgress?.(++done, total);
      }
    }
    outcomes.push({
      shape: pub.shape,
      evs,
      stds,
      // No twirling: every shot sees the same circuit, so the ensemble error is the shot-noise error.
      ensembleStandardError: [...stds],
      metadata: {
        ...(exact ? {} : { shots: pub.shots }),
        target_precision: pub.precision,
        circuit_metadata: {},
        simulator: { evs: ctx.noise === undefined ? 'exact' : 'trajectory-average', stds: exact ? 'exact' : 'shot-noise' },
      },
    });
  }
  return { kind: 'estimator', pubs: outcomes, metadata: runMetadata(ctx) };
}

/** The simulator as the pipeline's execute: the whole batch in one call. */
export function localExecute(ctx: LocalRunContext): Execute {
  return async (batch) => {
    const sampler = batch.sampler.length === 0 ? undefined : await runSamplerLocal(batch.sampler, ctx);
    const estimator = batch.estimator.length === 0 ? undefined : await runEstimatorLocal(batch.estimator, ctx);
    return {
      sampler: sampler?.pubs ?? [],
      estimator: estimator?.pubs ?? [],
      metadata: { ...(sampler?.metadata ?? {}), ...(estimator?.metadata ?? {}) },
    };
  };
}

export interface SimTarget {
  readonly name: string;
  readonly metadata: BackendMetadata;
  readonly engine: Engine;
}

/** The built-in simulator as an Executor for src/primitives/execute.ts. */
export function simExecutor(target: SimTarget): Executor {
  return {
    name: target.name,
    metadata: target.metadata,
    execute: (request, onProgress) =>
      localExecute({ engine: target.engine, backendName: target.name, metadata: target.metadata, seed: request.seed, noise: request.noise, onProgress }),
  };
}
