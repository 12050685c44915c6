/**
 * What every backend's runner does with a task the same way: parse its V2 params, prepare its PUBs
 * for a check before anything runs, and run it through the project's one primitive path
 * (src/primitives/execute.ts) on the backend's executor.
 */
import type { Batch } from '../pipeline/types.js';
import { executeEstimator, executeSampler, type Executor } from '../primitives/execute.js';
import { parseEstimatorParams, parseSamplerParams, type EstimatorParams, type SamplerParams } from '../primitives/payload.js';
import { prepareEstimatorPubs, prepareSamplerPubs } from '../primitives/prepare.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import { nativeUnsupported, programOf } from '../programs/kinds.js';
import { parseQasm } from '../qasm/index.js';
import type { GatewayBackend, TaskRequest } from './types.js';

export type TaskParams = SamplerParams | EstimatorParams;

/** A gate-circuit task's params; a vendor-native task is refused here, naming the types that run it. */
export function parseTask(request: TaskRequest, backend: Pick<GatewayBackend, 'name' | 'type'>): TaskParams {
  if (request.programId === 'native') throw nativeUnsupported(backend, programOf(request.params));
  const payload = { program_id: request.programId, parameters: request.params };
  return request.programId === 'sampler' ? parseSamplerParams(payload) : parseEstimatorParams(payload);
}

/** The user's PUBs as they arrive, prepared for a check before the pipeline: most refusals need no pipeline at all. */
export function preparedBatch(params: TaskParams, request: TaskRequest): Batch {
  const overrides = { shots: request.options.shots, precision: request.options.precision };
  return params.kind === 'sampler'
    ? { sampler: prepareSamplerPubs(params, parseQasm, overrides), estimator: [] }
    : { sampler: [], estimator: prepareEstimatorPubs(params, parseQasm, overrides) };
}

/** Runs the task with the request's overrides (`qrun --shots/--precision/--seed/--mitigation`). */
export function runTask(params: TaskParams, executor: Executor, request: TaskRequest, onProgress?: (done: number, total: number) => void): Promise<PrimitiveOutcome> {
  const options = {
    seed: request.options.seed,
    shots: request.options.shots,
    precision: request.options.precision,
    mitigation: request.options.mitigation,
    onProgress,
  };
  return params.kind === 'sampler' ? executeSampler(params, executor, options) : executeEstimator(params, executor, options);
}
