/**
 * The one path of a primitive call wherever the PUBs execute (this process, or the job's gateway on
 * its side): prepare the PUBs → the mitigation pipeline wraps one batched `execute` → the backend
 * executes → the result model. `qrun` outside a job, the library and the gateway's runners all come
 * through here; only the executor differs.
 */
import type { BackendMetadata } from '../backends/metadata.js';
import { preparePipeline, runPipeline } from '../pipeline/index.js';
import type { ResolvedStep } from '../pipeline/step.js';
import type { Batch, Execute, RequestInfo } from '../pipeline/types.js';
import { parseQasm } from '../qasm/index.js';
import { checkExactRun } from './exact.js';
import { toNoiseModel } from './noise.js';
import type { EstimatorParams, SamplerParams } from './payload.js';
import { prepareEstimatorPubs, prepareSamplerPubs, type ParseCircuit } from './prepare.js';
import type { EstimatorOutcome, SamplerOutcome } from './result-model.js';
import { randomSeed } from './seeds.js';

/** A backend that executes prepared PUBs: the built-in simulator, or (in the gateway) a vendor. */
export interface Executor {
  readonly name: string;
  readonly metadata: BackendMetadata;
  /** One batched execution for this request (the simulator reads its seed and noise model). */
  execute(request: RequestInfo, onProgress?: (done: number, total: number) => void): Execute;
}

export interface ExecuteOptions {
  /** Shots for sampler PUBs that give none (overrides the params' `shots`). */
  readonly shots?: number | undefined;
  /** Precision for estimator PUBs that give none (overrides the params' `precision`). */
  readonly precision?: number | undefined;
  /** Base seed; overrides the options' seeds. Default: random, reported in metadata. */
  readonly seed?: number | undefined;
  /** Mitigation steps by name (`--mitigation`); overrides the payload's pipeline and resilience options. */
  readonly mitigation?: readonly string[] | undefined;
  readonly parse?: ParseCircuit | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

async function execute(steps: readonly ResolvedStep[], batch: Batch, request: RequestInfo, executor: Executor, options: ExecuteOptions) {
  const run = executor.execute(request, options.onProgress);
  // No step selected: the PUBs go straight to the backend, and the metadata says nothing of a pipeline.
  if (steps.length === 0) return run(batch);
  return (await runPipeline(steps, batch, request, run)).results;
}

export async function executeSampler(params: SamplerParams, executor: Executor, options: ExecuteOptions = {}): Promise<SamplerOutcome> {
  const steps = preparePipeline({ kind: 'sampler', options: params.options, mitigation: options.mitigation });
  const pubs = prepareSamplerPubs(params, options.parse ?? parseQasm, { shots: options.shots });
  const seed = options.seed ?? params.options.simulator?.seed_simulator ?? randomSeed();
  const request: RequestInfo = { kind: 'sampler', backend: executor.name, metadata: executor.metadata, seed: seed % 2 ** 32, noise: toNoiseModel(params.options.simulator?.noise) };
  const results = await execute(steps, { sampler: pubs, estimator: [] }, request, executor, options);
  return { kind: 'sampler', pubs: results.sampler, metadata: results.metadata };
}

export async function executeEstimator(params: EstimatorParams, executor: Executor, options: ExecuteOptions = {}): Promise<EstimatorOutcome> {
  const steps = preparePipeline({ kind: 'estimator', options: params.options, resilienceLevel: params.resilienceLevel, mitigation: options.mitigation });
  const pubs = prepareEstimatorPubs(params, options.parse ?? parseQasm, { precision: options.precision });
  checkExactRun(pubs, steps, params.options.simulator?.noise);
  const seed = options.seed ?? params.options.seed_estimator ?? params.options.simulator?.seed_simulator ?? randomSeed();
  const request: RequestInfo = { kind: 'estimator', backend: executor.name, metadata: executor.metadata, seed: seed % 2 ** 32, noise: toNoiseModel(params.options.simulator?.noise) };
  const results = await execute(steps, { sampler: [], estimator: pubs }, request, executor, options);
  const outcome: EstimatorOutcome = { kind: 'estimator', pubs: results.estimator, metadata: results.metadata };
  if (params.resilienceLevel === undefined) return outcome;
  // Say what was asked; `pipeline` in the metadata lists what ran, and its absence means nothing did.
  return { ...outcome, metadata: { ...outcome.metadata, resilience_level: params.resilienceLevel, ...(steps.length === 0 ? { mitigation: 'none' } : {}) } };
}
