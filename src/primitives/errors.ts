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

export interface PrimitiveRefusal {
  readonly backend: { readonly name: string; readonly type: string };
  /** What the task asked for: `sampler`, `estimator`. */
  readonly primitive: string;
  /** What the backend runs instead, as it reads after "runs": `only the Sampler`. */
  readonly runs: string;
  /** The vendor's reason, in the user's terms. */
  readonly why: string;
  /** What to do instead: the error's hint. */
  readonly instead: string;
  readonly details?: Record<string, unknown>;
}

/**
 * The one PRIMITIVE_UNSUPPORTED refusal, for a backend that cannot run this primitive at all (an
 * Estimator on a device that only samples, any gate circuit on an analog device): raised before
 * anything is sent, naming the backend, its type, what it does run and why.
 */
export function primitiveUnsupported(refusal: PrimitiveRefusal): QrunError {
  const { backend, primitive } = refusal;
  return new QrunError('PRIMITIVE_UNSUPPORTED', `backend ${backend.name} (type ${backend.type}) runs ${refusal.runs}: ${refusal.why}`, {
    hint: refusal.instead,
    details: { backend: backend.name, type: backend.type, primitive, ...refusal.details },
  });
}
