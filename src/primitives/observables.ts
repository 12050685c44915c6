/**
 * Estimator observables: a Pauli label ("XZI"), a dict of labels to real coefficients (one observable
 * that is their sum), or nested lists of those (an array of observables with a shape). Labels are
 * little-endian: the rightmost character acts on qubit 0. Qiskit's own encodings (a SparsePauliOp,
 * `[label, coeff]` pairs) are rewritten into dicts first (qiskit-observables.ts).
 */
import type { Circuit } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { PauliSum } from '../sim/api.js';
import { isEnvelope } from './envelopes.js';
import { normalizeQiskitObservables } from './qiskit-observables.js';
import { describe, flattenNested, type Shape } from './shape.js';

interface PauliTerm {
  readonly label: string;
  readonly coeff: number;
}

/** One observable as written: every label has the same length (the width it was written for). */
export interface Observable {
  readonly width: number;
  readonly terms: readonly PauliTerm[];
}

export interface ObservableArray {
  readonly shape: Shape;
  /** C-order. */
  readonly items: readonly Observable[];
}

const LABEL = /^[IXYZ]+$/;
/** Imaginary parts below this are rounding noise from Python's complex arithmetic, not intent. */
const IMAGINARY_TOLERANCE = 1e-12;

function invalid(message: string, hint?: string): QrunError {
  return new QrunError('OBSERVABLE_INVALID', message, hint === undefined ? {} : { hint });
}

function checkLabel(label: string): void {
  if (!LABEL.test(label)) {
    throw invalid(`label ${JSON.stringify(label)} is not a Pauli string`, 'Labels use only I, X, Y and Z, one character per qubit, qubit 0 rightmost.');
  }
}

function coefficient(label: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // RuntimeEncoder writes Python complex numbers as {"__type__": "complex", "__value__": [re, im]}.
  if (isEnvelope(value, 'complex') && Array.isArray(value.__value__)) {
    const [re, im] = value.__value__ as unknown[];
    if (typeof re === 'number' && typeof im === 'number' && Number.isFinite(re)) {
      if (Math.abs(im) <= IMAGINARY_TOLERANCE) return re;
      throw invalid(`coefficient of ${JSON.stringify(label)} is complex (${re}${im < 0 ? '-' : '+'}${Math.abs(im)}j); an observable must be Hermitian`);
    }
  }
  throw invalid(`coefficient of ${JSON.stringify(label)} is ${describe(value)}, expected a finite number`);
}

function isObservableLeaf(value: unknown): value is string | Record<string, unknown> {
  return typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

function parseOne(leaf: string | Record<string, unknown>): Observable {
  if (typeof leaf === 'string') {
    checkLabel(leaf);
    return { width: leaf.length, terms: [{ label: leaf, coeff: 1 }] };
  }
  const entries = Object.entries(leaf);
  if (entries.length === 0) throw invalid('an observable dict has no terms');
  const terms = entries.map(([label, value]) => {
    checkLabel(label);
    return { label, coeff: coefficient(label, value) };
  });
  const width = terms[0]?.label.length ?? 0;
  const odd = terms.find((t) => t.label.length !== width);
  if (odd !== undefined) throw invalid(`labels ${JSON.stringify(terms[0]?.label)} and ${JSON.stringify(odd.label)} of one observable have different lengths`);
  return { width, terms };
}

/** Parses the observables field of an estimator PUB (envelopes already decoded). */
export function parseObservables(raw: unknown): ObservableArray {
  const parsed = flattenNested(normalizeQiskitObservables(raw), isObservableLeaf, 'a Pauli label or a {label: coefficient} dict');
  if (!parsed.ok) throw invalid(parsed.reason);
  return { shape: parsed.shape, items: parsed.flat.map(parseOne) };
}

/**
 * Rewrites an observable onto the circuit's compact qubits for the engine. Its labels may be as wide
 * as the circuit (compact qubits), or — for a circuit on physical qubits $k — as wide as the device,
 * which is what Qiskit's `apply_layout` produces. Device qubits the circuit never touches stay in
 * |0⟩, so a term with X or Y there has expectation 0 (dropped) and I or Z there contribute 1.
 */
export function toEnginePauliSum(observable: Observable, circuit: Circuit): PauliSum {
  const n = circuit.numQubits;
  if (observable.width === n) return { terms: observable.terms };
  const physical = circuit.physicalQubits;
  const deviceWidth = physical === null ? -1 : Math.max(-1, ...physical) + 1;
  if (physical === null || observable.width < deviceWidth) {
    throw invalid(
      `observable has ${observable.width} qubit${observable.width === 1 ? '' : 's'} but the circuit has ${n}` +
        (physical === null ? '' : ` (on physical qubits ${physical.join(', ')})`),
      'Write one label character per circuit qubit, qubit 0 rightmost.',
    );
  }
  const compactOf = new Map(physical.map((p, i) => [p, i]));
  const terms: PauliTerm[] = [];
  for (const term of observable.terms) {
    const chars = new Array<string>(n).fill('I');
    let vanishes = false;
    for (let p = 0; p < observable.width; p++) {
      const c = term.label[observable.width - 1 - p] ?? 'I';
      const q = compactOf.get(p);
      if (q !== undefined) chars[n - 1 - q] = c;
      else if (c === 'X' || c === 'Y') vanishes = true;
    }
    if (!vanishes) terms.push({ label: chars.join(''), coeff: term.coeff });
  }
  return { terms };
}
