/**
 * Builders and executors for the pipeline tests: small circuits, PUBs, and an execute function on the
 * TypeScript engine. `trajectoryExecute` averages noisy expectation values over many trajectories so
 * the statistical tests have a known, small spread.
 */
import type { Circuit, Op } from '../../../src/circuit/ir.js';
import type { Batch, EstimatorPub, Execute, RequestInfo, SamplerPub } from '../../../src/pipeline/index.js';
import { localExecute } from '../../../src/backends/sim/execute.js';
import type { NoiseModel } from '../../../src/sim/api.js';
import { createTsEngine } from '../../../src/sim/index.js';
import { circuit, gate, measureAll } from '../sim/helpers.js';

export { circuit, gate, measureAll };

/** GHZ on n qubits: H then a CX chain. */
export function ghzOps(n: number): Op[] {
  const ops: Op[] = [gate('h', [0])];
  for (let q = 1; q < n; q++) ops.push(gate('cx', [q - 1, q]));
  return ops;
}

export function estimatorPub(c: Circuit, labels: readonly (string | Record<string, number>)[], shots = 4096, index = 0): EstimatorPub {
  const observables = labels.map((l) => ({ terms: typeof l === 'string' ? [{ label: l, coeff: 1 }] : Object.entries(l).map(([label, coeff]) => ({ label, coeff })) }));
  return {
    index,
    circuit: c,
    bindings: { shape: [], rows: [[]] },
    observableShape: [labels.length],
    observables,
    shape: [labels.length],
    precision: 1 / Math.sqrt(shots),
    shots,
  };
}

export function samplerPub(c: Circuit, shots = 1024, index = 0): SamplerPub {
  return { index, circuit: c, bindings: { shape: [], rows: [[]] }, shape: [], shots };
}

export const batchOf = (b: Partial<Batch>): Batch => ({ sampler: b.sampler ?? [], estimator: b.estimator ?? [] });

export function request(kind: 'sampler' | 'estimator', seed = 7, noise?: NoiseModel): RequestInfo {
  return { kind, backend: 'sim', metadata: { num_qubits: 20 }, seed, noise };
}

export function simExecute(seed: number, noise?: NoiseModel): Execute {
  return localExecute({ engine: createTsEngine(), backendName: 'sim', metadata: { num_qubits: 20 }, seed, noise });
}

/** Estimator PUBs evaluated as trajectory averages (the shot count is ignored), sampler PUBs as usual. */
export function trajectoryExecute(seed: number, noise: NoiseModel, trajectories: number): Execute {
  const engine = createTsEngine();
  const sampler = simExecute(seed, noise);
  return async (batch) => {
    const base = await sampler({ sampler: batch.sampler, estimator: [] });
    const estimator = await Promise.all(
      batch.estimator.map(async (pub, i) => {
        const evs = await engine.expectationValues(pub.circuit, pub.bindings.rows[0] ?? [], pub.observables, { noise, seed: seed + 101 * i, trajectories });
        const stds = evs.map((v) => Math.sqrt(Math.max(0, 1 - v * v) / trajectories));
        return { shape: pub.shape, evs, stds, ensembleStandardError: stds, metadata: { shots: trajectories } };
      }),
    );
    return { ...base, estimator };
  };
}
