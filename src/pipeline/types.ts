/**
 * The pipeline's data model. A request is a batch of PUBs; `pre` hooks rewrite the batch, the
 * backend executes it in one call, `post` hooks rewrite the outcome. The shapes are structurally the
 * primitives layer's prepared PUBs and outcomes (src/primitives/prepare.ts, result-model.ts), declared
 * here so that the pipeline depends on no backend and the gateway can reuse it as it is.
 */
import type { BackendMetadata } from '../backends/metadata.js';
import type { Circuit } from '../circuit/ir.js';
import type { NoiseModel, PauliSum } from '../sim/api.js';

type Shape = readonly number[];
export type PrimitiveKind = 'sampler' | 'estimator';

interface Bindings {
  /** The parameter shape: the values' shape without the last (per-parameter) axis. */
  readonly shape: Shape;
  /** size(shape) rows, one value per circuit parameter, in circuit order. */
  readonly rows: readonly (readonly number[])[];
}

export interface SamplerPub {
  /** Position in the request the user sent; steps that add PUBs give them indices past the last one. */
  readonly index: number;
  readonly circuit: Circuit;
  readonly bindings: Bindings;
  readonly shape: Shape;
  readonly shots: number;
}

export interface EstimatorPub {
  readonly index: number;
  readonly circuit: Circuit;
  readonly bindings: Bindings;
  readonly observableShape: Shape;
  /** C-order over observableShape, on the circuit's compact qubits. */
  readonly observables: readonly PauliSum[];
  /** Broadcast of observableShape and bindings.shape. */
  readonly shape: Shape;
  readonly precision: number;
  readonly shots: number;
}

// The pipeline works on the primitives' own result model: one definition, no copies to drift.
import type { EstimatorPubOutcome, SamplerPubOutcome } from '../primitives/result-model.js';

export type SamplerPubResult = SamplerPubOutcome;
export type EstimatorPubResult = EstimatorPubOutcome;

/**
 * What the backend runs in one call. A sampler request may carry estimator PUBs and the reverse:
 * readout mitigation, for one, adds sampled calibration circuits to an estimator request.
 */
export interface Batch {
  readonly sampler: readonly SamplerPub[];
  readonly estimator: readonly EstimatorPub[];
}

/** Results in the batch's order: results.sampler[i] belongs to batch.sampler[i]. */
export interface Results {
  readonly sampler: readonly SamplerPubResult[];
  readonly estimator: readonly EstimatorPubResult[];
  readonly metadata: Record<string, unknown>;
}

/** The backend seen from the pipeline: one batched execution. */
export type Execute = (batch: Batch) => Promise<Results>;

/** Facts about the request that steps may read; fixed for the request's lifetime. */
export interface RequestInfo {
  readonly kind: PrimitiveKind;
  readonly backend: string;
  readonly metadata: BackendMetadata;
  /** Base seed of the run; steps derive their own randomness from it so a run can be repeated. */
  readonly seed: number;
  /** The simulator's noise model, when the backend is the simulator and one is set. */
  readonly noise?: NoiseModel | undefined;
}
