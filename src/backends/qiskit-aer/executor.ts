/**
 * Qiskit Aer as the pipeline's one batched `execute`: the prepared PUBs (after mitigation rewrote
 * them) are checked against the backend's target, printed as V2 params with OpenQASM 3 circuits,
 * run on the backend's worker (one request per primitive kind) and decoded back into the result model.
 */
import { checkCircuitFits } from '../../circuit/fit.js';
import { asQrunError, QrunError } from '../../errors.js';
import type { Batch, PrimitiveKind, Results } from '../../pipeline/types.js';
import { fromQiskit } from '../../primitives/decode-qiskit.js';
import type { Executor } from '../../primitives/execute.js';
import type { EstimatorPubOutcome, PrimitiveOutcome, SamplerPubOutcome } from '../../primitives/result-model.js';
import { size } from '../../primitives/shape.js';
import type { BackendMetadata } from '../metadata.js';
import { preparedToV2Params, withRegisterNames } from '../remote/index.js';
import type { AerSettings } from './schema.js';
import { workerConfig } from './settings.js';
import type { AerWorkerProcess } from './worker-process.js';

export interface AerTarget {
  readonly name: string;
  readonly metadata: BackendMetadata;
  readonly settings: AerSettings;
  readonly worker: AerWorkerProcess;
}

/**
 * Precision 0 asks for exact values. Aer gives them from a noiseless state, or from a density
 * matrix with noise; a noisy state vector averages sampled trajectories, which is no exact value.
 */
function refuseInexact(batch: Batch, target: Pick<AerTarget, 'name' | 'settings'>): void {
  if (target.settings.noise === undefined || target.settings.method === 'density_matrix') return;
  const pub = batch.estimator.find((p) => p.precision === 0);
  if (pub === undefined) return;
  throw new QrunError(
    'EXACT_UNSUPPORTED',
    `pubs[${pub.index}] precision: 0 asks for exact expectation values, which ${target.name} cannot give: its noise model is sampled by trajectories with the ${target.settings.method} method`,
    {
      hint: 'Give a precision > 0, or ask your admin for an Aer backend with the density_matrix method for exact noisy values.',
      details: { pub: pub.index, field: 'precision', backend: target.name, method: target.settings.method },
    },
  );
}

/** What is refused before the worker spends any time: circuits wider than the target, shots past its limit. */
export function checkAerBatch(batch: Batch, target: Pick<AerTarget, 'name' | 'metadata' | 'settings'>): void {
  const experiments = [...batch.sampler, ...batch.estimator].reduce((n, pub) => n + size(pub.shape), 0);
  // The worker runs the printed circuit as it is: its physical qubits are Aer's qubits.
  for (const pub of [...batch.sampler, ...batch.estimator]) checkCircuitFits(pub.circuit, target.metadata, { shots: pub.shots, experiments, pub: pub.index }, target.name);
  refuseInexact(batch, target);
}

function decode(raw: unknown, target: AerTarget, kind: PrimitiveKind, pubs: number): PrimitiveOutcome {
  let outcome: PrimitiveOutcome;
  try {
    outcome = fromQiskit(raw);
  } catch (error) {
    throw new QrunError('BACKEND_FAILED', `${target.name}: the Aer worker's result is not a Qiskit PrimitiveResult (${asQrunError(error).message})`, {
      hint: 'The worker and the gateway come from different installs of slurm-qpu, or the Python has a Qiskit this version cannot read; report it.',
      cause: error,
      details: { backend: target.name },
    });
  }
  if (outcome.pubs.length !== pubs || (outcome.pubs.length > 0 && outcome.kind !== kind)) {
    throw new QrunError('BACKEND_FAILED', `${target.name}: the Aer worker answered ${outcome.pubs.length} ${outcome.kind} PUB results for ${pubs} ${kind} PUBs`, {
      details: { backend: target.name },
    });
  }
  return outcome;
}

export function aerExecutor(target: AerTarget, signal: AbortSignal): Executor {
  const config = workerConfig(target.settings);

  async function run(batch: Batch, seed: number, onProgress?: (done: number, total: number) => void): Promise<Results> {
    checkAerBatch(batch, target);
    const kinds = (['sampler', 'estimator'] as const).filter((kind) => batch[kind].length > 0);
    const outcomes = new Map<PrimitiveKind, PrimitiveOutcome>();
    onProgress?.(0, kinds.length);
    for (const [done, kind] of kinds.entries()) {
      const pubs = batch[kind];
      const params = kind === 'sampler' ? preparedToV2Params(kind, batch.sampler) : preparedToV2Params(kind, batch.estimator);
      const answer = await target.worker.request({ kind, params, config, seed }, signal);
      outcomes.set(kind, decode(answer['result'], target, kind, pubs.length));
      onProgress?.(done + 1, kinds.length);
    }
    const sampler = outcomes.get('sampler');
    const estimator = outcomes.get('estimator');
    return {
      sampler: (sampler?.pubs ?? []).map((pub, i) => withRegisterNames(pub as SamplerPubOutcome, batch.sampler[i]?.circuit.clbitRegisters ?? [])),
      estimator: (estimator?.pubs ?? []) as readonly EstimatorPubOutcome[],
      metadata: {
        ...(estimator?.metadata ?? {}),
        ...(sampler?.metadata ?? {}),
        version: 2,
        backend: target.name,
        seed,
        simulator: { name: 'qiskit-aer', method: target.settings.method, device: target.settings.device, precision: target.settings.precision },
      },
    };
  }

  return {
    name: target.name,
    metadata: target.metadata,
    execute: (request, onProgress) => (batch) => run(batch, request.seed, onProgress),
  };
}
