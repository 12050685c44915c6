/**
 * Observables as Python code hands them to RuntimeEncoder, rewritten into this project's dict form
 * ({label: coefficient}) before parsing:
 *
 * - a SparsePauliOp itself: `{"__type__": "settings", "__class__": "SparsePauliOp", "__value__":
 *   {"data": <PauliList settings: {"data": [labels]}>, "coeffs": complex128 ndarray}}`, labels maybe
 *   with a phase prefix (`-iXZ`);
 * - `SparsePauliOp.to_list()`: `[[label, coeff], ...]` pairs, coefficients complex.
 *
 * Repeated labels are summed, as SparsePauliOp.simplify() would. Coefficients stay complex
 * envelopes when their imaginary part is not zero, so the parser refuses them as non-Hermitian.
 */
import { isEnvelope } from './envelopes.js';

type Complex = readonly [number, number];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asComplex(value: unknown): Complex | undefined {
  if (typeof value === 'number') return [value, 0];
  if (isEnvelope(value, 'complex') && Array.isArray(value.__value__)) {
    const [re, im] = value.__value__ as unknown[];
    if (typeof re === 'number' && typeof im === 'number') return [re, im];
  }
  return undefined;
}

const PHASED = /^(-?)(i?)([IXYZ]+)$/;

/** Splits a PauliList label's phase prefix off: `-iXZ` → XZ with factor −i. */
function phased(label: string): { label: string; factor: Complex } {
  const match = PHASED.exec(label);
  if (match === null) return { label, factor: [1, 0] };
  const sign = match[1] === '-' ? -1 : 1;
  return { label: match[3] ?? label, factor: match[2] === 'i' ? [0, sign] : [sign, 0] };
}

/** Sums terms per label; the result is a dict leaf the observable parser reads. */
function toDict(terms: readonly { label: string; coeff: Complex }[]): Record<string, unknown> {
  const sums = new Map<string, [number, number]>();
  for (const { label, coeff } of terms) {
    const sum = sums.get(label) ?? [0, 0];
    sum[0] += coeff[0];
    sum[1] += coeff[1];
    sums.set(label, sum);
  }
  return Object.fromEntries([...sums].map(([label, [re, im]]) => [label, im === 0 ? re : { __type__: 'complex', __value__: [re, im] }]));
}

function fromSparsePauliOp(settings: Record<string, unknown>): Record<string, unknown> | undefined {
  const paulis = settings['data'];
  const labels = isEnvelope(paulis, 'settings') && isRecord(paulis.__value__) ? paulis.__value__['data'] : paulis;
  const coeffs = settings['coeffs'];
  if (!Array.isArray(labels) || !Array.isArray(coeffs) || labels.length !== coeffs.length) return undefined;
  const terms: { label: string; coeff: Complex }[] = [];
  for (const [i, raw] of labels.entries()) {
    const c = asComplex(coeffs[i]);
    if (typeof raw !== 'string' || c === undefined) return undefined;
    const { label, factor } = phased(raw);
    terms.push({ label, coeff: [c[0] * factor[0] - c[1] * factor[1], c[0] * factor[1] + c[1] * factor[0]] });
  }
  return toDict(terms);
}

function isPairList(value: readonly unknown[]): boolean {
  return value.length > 0 && value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] !== 'string' && asComplex(p[1]) !== undefined);
}

/** Rewrites Qiskit's observable encodings anywhere in an observables field (envelopes otherwise decoded). */
export function normalizeQiskitObservables(value: unknown): unknown {
  if (isEnvelope(value, 'settings') && (value as Record<string, unknown>)['__class__'] === 'SparsePauliOp' && isRecord(value.__value__)) {
    return fromSparsePauliOp(value.__value__) ?? value;
  }
  if (Array.isArray(value)) {
    if (isPairList(value)) return toDict(value.map((p) => ({ label: (p as [string, unknown])[0], coeff: asComplex((p as [string, unknown])[1])! })));
    return value.map(normalizeQiskitObservables);
  }
  return value;
}
