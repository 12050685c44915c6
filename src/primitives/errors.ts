/**
 * Validation errors for primitive payloads. Every message starts with where the problem is — the PUB
 * index and the field — so a user with a hundred PUBs can find the one that is wrong.
 */
import { QrunError, type ErrorCode } from '../errors.js';

export type PubField = 'circuit' | 'parameter_values' | 'shots' | 'observables' | 'precision' | 'pub';

export function pubError(
  code: ErrorCode,
  pub: number,
  field: PubField,
  message: string,
  options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {},
): QrunError {
  return new QrunError(code, `pubs[${pub}] ${field}: ${message}`, {
    ...(options.hint === undefined ? {} : { hint: options.hint }),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
    details: { pub, field, ...options.details },
  });
}
