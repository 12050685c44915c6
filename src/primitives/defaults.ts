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

/** Shots that reach a target precision: ceil(1/precision²), forgiving float noise (0.01 → 10000, not 10001). */
export function shotsForPrecision(precision: number): number {
  return Math.max(1, Math.ceil(1 / (precision * precision) - 1e-9));
}

export function samplerShots(pubShots: number | undefined, override: number | undefined, paramsShots: number | undefined, options: SamplerOptions): number {
  return pubShots ?? override ?? paramsShots ?? options.default_shots ?? DEFAULT_SHOTS;
}

export interface PrecisionChoice {
  readonly precision: number;
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
