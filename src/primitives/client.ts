/**
 * Sampler and Estimator for Node programs, shaped like Qiskit's SamplerV2/EstimatorV2:
 *
 *   const job = new Sampler().run([[qasm, null, 1000]]);
 *   const counts = (await job.result()).get(0).getCounts();
 *
 * Backend selection is the same as qrun's (src/primitives/select-backend.ts): the built-in simulator
 * outside a QPU job, the job's granted backends inside one.
 */
import { QrunError } from '../errors.js';
import { PrimitiveJob } from './job.js';
import { libraryEnv } from './library-env.js';
import type { NoiseOptions } from './options.js';
import { parseEstimatorParams, parseSamplerParams } from './payload.js';
import { estimatorResult, samplerResult, type EstimatorPubResult, type PrimitiveResult, type SamplerPubResult } from './results.js';
import { checkRunOptions, runEstimator, runSampler } from './run.js';
import type { Env } from './select-backend.js';

export type NestedNumbers = number | readonly NestedNumbers[];
/** null, a list (or nested lists) with one value per parameter on the last axis, or {name: value(s)}. */
export type ParameterValues = null | NestedNumbers | Readonly<Record<string, NestedNumbers>>;
/** A Pauli label ("XZI", qubit 0 rightmost), a {label: coefficient} sum, or nested lists of those. */
export type ObservablesLike = string | Readonly<Record<string, number>> | readonly ObservablesLike[];
/** An OpenQASM 3/2 string, or [circuit, parameter values?, shots?]. */
export type SamplerPubLike = string | readonly [circuit: string, parameterValues?: ParameterValues | undefined, shots?: number | null];
/** [circuit, observables, parameter values?, precision?]. */
export type EstimatorPubLike = readonly [circuit: string, observables: ObservablesLike, parameterValues?: ParameterValues | undefined, precision?: number | null];

export interface PrimitiveClientOptions {
  /** A granted backend (QRUN_BACKENDS); default: the first granted, or `sim` outside a job. */
  readonly backend?: string;
  /** Where to read QRUN_ENDPOINT/QRUN_BACKENDS/QRUN_NATIVE; default: process.env. */
  readonly env?: Env;
  /** Base seed for the simulator; default: random (reported in result metadata). */
  readonly seed?: number;
  /** Simulator noise (this project's extension of the V2 options). */
  readonly noise?: NoiseOptions;
}

export interface SamplerClientOptions extends PrimitiveClientOptions {
  /** Shots for PUBs that give none; default 1024. */
  readonly defaultShots?: number;
}

export interface EstimatorClientOptions extends PrimitiveClientOptions {
  /** Target precision for PUBs that give none; default 1/√4096. */
  readonly defaultPrecision?: number;
}

export interface SamplerRunOptions {
  readonly shots?: number;
  readonly seed?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EstimatorRunOptions {
  readonly precision?: number;
  readonly seed?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

function checkPubs(pubs: unknown): void {
  if (!Array.isArray(pubs)) throw new QrunError('PAYLOAD_INVALID', 'run() takes a list of PUBs');
}

export class Sampler {
  private readonly options: SamplerClientOptions;
  private readonly env: Env;

  constructor(options: SamplerClientOptions = {}) {
    this.options = options;
    this.env = options.env ?? libraryEnv();
    checkRunOptions({ shots: options.defaultShots, seed: options.seed });
  }

  /** Validates the PUBs now (throws QrunError), runs them in the background. */
  run(pubs: readonly SamplerPubLike[], options: SamplerRunOptions = {}): PrimitiveJob<PrimitiveResult<SamplerPubResult>> {
    checkPubs(pubs);
    const params = parseSamplerParams({
      pubs,
      version: 2,
      ...(options.shots === undefined ? {} : { shots: options.shots }),
      options: {
        ...(this.options.defaultShots === undefined ? {} : { default_shots: this.options.defaultShots }),
        ...(this.options.noise === undefined ? {} : { simulator: { noise: this.options.noise } }),
      },
    });
    const seed = options.seed ?? this.options.seed;
    checkRunOptions({ seed });
    return new PrimitiveJob(async () =>
      samplerResult(await runSampler(params, { env: this.env, backend: this.options.backend, seed, onProgress: options.onProgress })),
    );
  }
}

export class Estimator {
  private readonly options: EstimatorClientOptions;
  private readonly env: Env;

  constructor(options: EstimatorClientOptions = {}) {
    this.options = options;
    this.env = options.env ?? libraryEnv();
    checkRunOptions({ precision: options.defaultPrecision, seed: options.seed });
  }

  /** Validates the PUBs now (throws QrunError), runs them in the background. */
  run(pubs: readonly EstimatorPubLike[], options: EstimatorRunOptions = {}): PrimitiveJob<PrimitiveResult<EstimatorPubResult>> {
    checkPubs(pubs);
    const params = parseEstimatorParams({
      pubs,
      version: 2,
      ...(options.precision === undefined ? {} : { precision: options.precision }),
      options: {
        ...(this.options.defaultPrecision === undefined ? {} : { default_precision: this.options.defaultPrecision }),
        ...(this.options.noise === undefined ? {} : { simulator: { noise: this.options.noise } }),
      },
    });
    const seed = options.seed ?? this.options.seed;
    checkRunOptions({ seed });
    return new PrimitiveJob(async () =>
      estimatorResult(await runEstimator(params, { env: this.env, backend: this.options.backend, seed, onProgress: options.onProgress })),
    );
  }
}
