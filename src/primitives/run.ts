/**
 * One entry point for running a primitive, shared by `qrun sample|estimate` and the library's
 * Sampler/Estimator: params in, result model out. The one fork of the path is here: inside a QPU job
 * the job's gateway is the backend (it runs the pipeline on its side); elsewhere the PUBs execute in
 * this process on the built-in simulator (src/primitives/execute.ts).
 */
import { QrunError } from '../errors.js';
import type { EstimatorParams, SamplerParams } from './payload.js';
import type { ParseCircuit } from './prepare.js';
import type { EstimatorOutcome, SamplerOutcome } from './result-model.js';
import { MAX_SEED } from './seeds.js';
import { selectBackend, type Env, type SelectedBackend } from './select-backend.js';
import { runEstimatorOnGateway, runSamplerOnGateway } from '../backends/job-gateway/run.js';
import { simExecutor } from '../backends/sim/execute.js';
import { executeEstimator, executeSampler } from './execute.js';

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
  return executeSampler(params, simExecutor(backend), options);
}

export async function runEstimator(params: EstimatorParams, options: RunOptions = {}): Promise<EstimatorOutcome> {
  checkRunOptions(options);
  const backend = options.selected ?? selectBackend(options.env ?? {}, options.backend);
  if (backend.kind === 'gateway') return runEstimatorOnGateway(params, backend, options);
  return executeEstimator(params, simExecutor(backend), options);
}
