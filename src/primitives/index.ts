/** The primitives' public face: the client library, the payload/result formats, the local runner. */
export { Estimator, Sampler } from './client.js';
export type {
  EstimatorClientOptions,
  EstimatorPubLike,
  EstimatorRunOptions,
  NestedNumbers,
  ObservablesLike,
  ParameterValues,
  PrimitiveClientOptions,
  SamplerClientOptions,
  SamplerPubLike,
  SamplerRunOptions,
} from './client.js';
export { PrimitiveJob, type JobStatus } from './job.js';
export { EstimatorPubResult, PrimitiveResult, SamplerPubResult } from './results.js';
export { BitArray, type Index } from './bit-array.js';
export { parseEstimatorParams, parseSamplerParams, type EstimatorParams, type PrimitiveKind, type SamplerParams } from './payload.js';
export { runEstimator, runSampler, type RunOptions } from './run.js';
export { toPlain, type PlainEstimatorResult, type PlainSamplerResult } from './encode-plain.js';
export { toQiskit, type QiskitEstimatorResult, type QiskitSamplerResult } from './encode-qiskit.js';
export { fromQiskit } from './decode-qiskit.js';
export type { EstimatorOutcome, PrimitiveOutcome, SamplerOutcome } from './result-model.js';
export { DEFAULT_PRECISION, DEFAULT_SHOTS, shotsForPrecision } from './defaults.js';
export { selectBackend, type SelectedBackend } from './select-backend.js';
export { getEngine } from './engine.js';
export { SIM_BACKEND, simMetadata } from '../backends/sim/metadata.js';
export { decodeNdarrayValue, encodeNdarray, readNpy, writeNpy, type Dtype, type NdArray } from './numpy.js';
