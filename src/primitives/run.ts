/**
 * One entry point for running a primitive, shared by `qrun sample|estimate` and the library's
 * Sampler/Estimator: params in, result model out, wherever the backend is.
 */
import { QrunError } from '../errors.js';
import { preparePipeline } from '../pipeline/index.js';
import { runEstimatorPipeline, runSamplerPipeline } from '../pipeline/primitives.js';
import { parseQasm } from '../qasm/index.js';
import type { EstimatorParams, SamplerParams } from './payload.js';
import { prepareEstimatorPubs, prepareSamplerPubs, type ParseCircuit } from './prepare.js';
import type { EstimatorOutcome, SamplerOutcome } from './result-model.js';
import { MAX_SEED, randomSeed } from './seeds.js';
import { selectBackend, type Env, type SelectedBackend } from './select-backend.js';
import { runEstimatorOnGateway, runSamplerOnGateway } from '../gateway/remote.js';
import { toNoiseModel } from './noise.js';
import { checkExactRun } from './exact.js';

export interface RunOptions {
  /** Environment to select the backend from (QRUN_ENDPOINT, QRUN_BACKENDS, QRUN_NATIVE). */
  readonly env?: Env;
  /** A granted backend name; default: the first granted, or `sim` outside a job. */
  readonly backend?: string | undefined;
  /** Shots for sampler PUBs that give none (overrides the params' `shots`). */
  readonly shots?: number | undefined;
  /** Precision for estimator PUBs that give none (overrides the params' `precision`). */
  readonly precision?: number | undefined;
  /** Base seed; overrides the options' seed_simulator/seed_estimator. Default: random, reported in metadata. */
  readonly seed?: number | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Resolved backend, when the caller already selected one (the CLI checks it before reading input). */
  readonly selected?: SelectedBackend;
  /** Circuit parser; default: the OpenQASM 3/2 front end. */
  readonly parse?: ParseCircuit;
  /** Mitigation steps by name (`--mitigation`); overrides the payload's pipeline and resilience options. */
  readonly mitigation?: readonly string[] | undefined;
}

export function checkRunOptions(options: RunOptions): void {
  const positiveInt = (v: number | undefined): boolean => v === undefined || (Number.isSafeInteger(v) && v > 0);
  if (!positiveInt(options.shots)) throw new QrunError('OPTION_INVALID', `shots must be a positive integer, got ${String(options.shots)}`);
  if (options.precision !== undefined && !(Number.isFinite(options.precision) && options.precision >= 0)) {
    throw new QrunError('OPTION_INVALID', `precision must be a number ≥ 0 (0: exact values), got ${String(options.precision)}`);
  }
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0 && options.seed <= MAX_SEED)) {
    throw new QrunError('OPTION_INVALID', `seed must be an integer from 0 to ${MAX_SEED}, got ${String(options.seed)}`);
  }
}

export async function runSampler(params: SamplerParams, options: RunOptions = {}): Promise<SamplerOutcome> {
  checkRunOptions(options);
  const backend = options.selected ?? selectBackend(options.env ?? {}, options.backend);
  if (backend.kind === 'gateway') return runSamplerOnGateway(params, backend, options);
  const steps = preparePipeline({ kind: 'sampler', options: params.options, mitigation: options.mitigation });
  const pubs = prepareSamplerPubs(params, options.parse ?? parseQasm, { shots: options.shots });
  const seed = options.seed ?? params.options.simulator?.seed_simulator ?? randomSeed();
  return runSamplerPipeline(steps, pubs, {
    engine: backend.engine,
    backendName: backend.name,
    metadata: backend.metadata,
    seed: seed % 2 ** 32,
    noise: toNoiseModel(params.options.simulator?.noise),
    onProgress: options.onProgress,
  });
}

export async function runEstimator(params: EstimatorParams, options: RunOptions = {}): Promise<EstimatorOutcome> {
  checkRunOptions(options);
  const backend = options.selected ?? selectBackend(options.env ?? {}, options.backend);
  if (backend.kind === 'gateway') return runEstimatorOnGateway(params, backend, options);
  const steps = preparePipeline({ kind: 'estimator', options: params.options, resilienceLevel: params.resilienceLevel, mitigation: options.mitigation });
  const pubs = prepareEstimatorPubs(params, options.parse ?? parseQasm, { precision: options.precision });
  checkExactRun(pubs, steps, params.options.simulator?.noise);
  const seed = options.seed ?? params.options.seed_estimator ?? params.options.simulator?.seed_simulator ?? randomSeed();
  const outcome = await runEstimatorPipeline(steps, pubs, {
    engine: backend.engine,
    backendName: backend.name,
    metadata: backend.metadata,
    seed: seed % 2 ** 32,
    noise: toNoiseModel(params.options.simulator?.noise),
    onProgress: options.onProgress,
  });
  if (params.resilienceLevel === undefined) return outcome;
  // Say what was asked; `pipeline` in the metadata lists what ran, and its absence means nothing did.
  return { ...outcome, metadata: { ...outcome.metadata, resilience_level: params.resilienceLevel, ...(steps.length === 0 ? { mitigation: 'none' } : {}) } };
}
