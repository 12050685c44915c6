/**
 * Defaults and precedence for shots and precision (PRIMITIVES.md). Precedence, first that is set:
 * the PUB's own value, the command-line/`run()` override, the params' top-level value, the options'
 * default, the built-in default.
 */
import type { EstimatorOptions, SamplerOptions } from './options.js';

/** Local samplers default to 1024 shots (IBM's service uses 4096). */
export const DEFAULT_SHOTS = 1024;
/** 1/√4096: the estimator's default target precision (standard error). */
export const DEFAULT_PRECISION = 1 / Math.sqrt(4096);

import { QrunError } from '../errors.js';

/**
 * The most shots a precision may ask for per PUB element: 10⁷, so precision ≥ 1/√10⁷ ≈ 3.2e-4.
 * A smaller precision would ask a device for more than a day of shots, or the simulator's sampling
 * mitigation for as many samples; precision 0 (exact values) is what such a user wants on the simulator.
 */
const MAX_ESTIMATOR_SHOTS = 10_000_000;

/** The smallest precision shotsForPrecision accepts besides 0. */
const MIN_PRECISION = 1 / Math.sqrt(MAX_ESTIMATOR_SHOTS);

/**
 * Shots that reach a target precision: ceil(1/precision²), forgiving float noise (0.01 → 10000, not
 * 10001). Precision 0 asks for exact values and needs no shots. Throws OPTION_INVALID past
 * MAX_ESTIMATOR_SHOTS instead of asking for 10¹⁸ shots.
 */
export function shotsForPrecision(precision: number): number {
  if (precision === 0) return 0;
  const shots = Math.max(1, Math.ceil(1 / (precision * precision) - 1e-9));
  if (shots > MAX_ESTIMATOR_SHOTS) {
    throw new QrunError('OPTION_INVALID', `precision ${precision} would need ${shots.toExponential(2)} shots per element; the most is ${MAX_ESTIMATOR_SHOTS.toExponential(0)} (precision ≥ ${MIN_PRECISION.toPrecision(3)})`, {
      hint: 'Use precision 0 for exact expectation values on the noiseless simulator, or a precision of at least 3.2e-4.',
      details: { precision, shots, max_shots: MAX_ESTIMATOR_SHOTS },
    });
  }
  return shots;
}

export function samplerShots(pubShots: number | undefined, override: number | undefined, paramsShots: number | undefined, options: SamplerOptions): number {
  return pubShots ?? override ?? paramsShots ?? options.default_shots ?? DEFAULT_SHOTS;
}

export interface PrecisionChoice {
  /** 0: exact expectation values (the noiseless simulator only), as Qiskit's StatevectorEstimator. */
  readonly precision: number;
  /** 0 when precision is 0. */
  readonly shots: number;
}

export function estimatorPrecision(
  pubPrecision: number | undefined,
  override: number | undefined,
  paramsPrecision: number | undefined,
  options: EstimatorOptions,
): PrecisionChoice {
  const explicit = pubPrecision ?? override ?? paramsPrecision;
  if (explicit !== undefined) return { precision: explicit, shots: shotsForPrecision(explicit) };
  // IBM: "default_shots, if set, overrides default_precision".
  if (options.default_shots !== undefined && options.default_shots > 0) {
    return { precision: 1 / Math.sqrt(options.default_shots), shots: options.default_shots };
  }
  const precision = options.default_precision ?? DEFAULT_PRECISION;
  return { precision, shots: shotsForPrecision(precision) };
}
