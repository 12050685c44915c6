/**
 * qiskit-ibm-runtime's RuntimeEncoder wraps rich values as `{"__type__": T, "__value__": V}`. A payload
 * written by Python may carry them anywhere an array can appear; this turns the ones that mean plain
 * data back into plain JSON before the schemas look at it, so the rest of the code sees one form.
 */
import { QrunError } from '../errors.js';
import { decodeNdarrayValue, toNested } from './numpy.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isEnvelope(value: unknown, type?: string): value is { __type__: string; __value__: unknown } {
  return isRecord(value) && typeof value['__type__'] === 'string' && (type === undefined || value['__type__'] === type) && '__value__' in value;
}

/** Deepest nesting of arrays and objects a payload may have. */
export const MAX_DEPTH = 64;

/** Where in the payload a value sits: object keys and list indices from the top. */
export type PayloadPath = readonly (string | number)[];

/**
 * Replaces `ndarray` (npy or list form), `ObservablesArray` and `BindingsArray` envelopes by plain
 * JSON, recursively. Others (`complex`, `QuantumCircuit`) are left for the field that knows them.
 * A BindingsArray becomes the by-name dict form; its keys are already JSON lists of names.
 * A value that cannot be decoded throws with `details.path`, so the caller can name the PUB.
 */
export function decodeEnvelopes(value: unknown, path: PayloadPath = [], depth = 0): unknown {
  // Nothing in a V2 payload nests this deep; a hostile one must not exhaust the stack.
  if (depth > MAX_DEPTH) {
    throw new QrunError('PAYLOAD_INVALID', `the payload nests arrays or objects more than ${MAX_DEPTH} levels deep`, {
      hint: 'Parameter values and observables nest one level per axis of their shape; check how the payload was written.',
      details: { path: path.slice(0, 8) },
    });
  }
  const next = (inner: unknown, at: PayloadPath = path): unknown => decodeEnvelopes(inner, at, depth + 1);
  if (Array.isArray(value)) return value.map((item, i) => next(item, [...path, i]));
  if (!isRecord(value)) return value;
  if (isEnvelope(value, 'ndarray')) {
    const inner = value.__value__;
    if (typeof inner === 'string') return located(path, () => toNested(decodeNdarrayValue(inner)));
    return next(inner);
  }
  if (isEnvelope(value, 'ObservablesArray')) return next(value.__value__);
  if (isEnvelope(value, 'BindingsArray')) {
    const inner = value.__value__;
    if (!isRecord(inner) || !isRecord(inner['data'])) {
      throw new QrunError('PAYLOAD_INVALID', 'a BindingsArray has no "data" object', { details: { path } });
    }
    return next(inner['data']);
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = next(inner, [...path, key]);
  return out;
}

function located<T>(path: PayloadPath, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof QrunError) {
      throw new QrunError(error.code, error.message, { ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error, details: { ...error.details, path } });
    }
    throw error;
  }
}
