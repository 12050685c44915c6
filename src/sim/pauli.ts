/**
 * Exact Pauli expectation values on a statevector.
 *
 * A Pauli string P is stored as bit masks: x (qubits with X or Y), z (qubits with Z or Y) and the
 * number of Ys. With Y = i·X·Z, P|i⟩ = i^{nY} · (−1)^{popcount(i & z)} · |i ⊕ x⟩, so
 * ⟨ψ|P|ψ⟩ = i^{nY} · Σ_i (−1)^{popcount(i & z)} · conj(ψ[i ⊕ x]) · ψ[i]: one pass, no copy of the state.
 *
 * Terms that share the x mask share the products conj(ψ[i ⊕ x])·ψ[i], so they are evaluated in the
 * same pass; in particular all Z/I-only terms (x = 0) share one pass over the probabilities |ψ[i]|².
 */
import { QrunError } from '../errors.js';
import type { PauliSum } from './api.js';

export interface PauliTerm {
  readonly label: string;
  readonly x: number;
  readonly z: number;
  readonly ys: number;
}

/** Parses a little-endian label (last character = qubit 0) for an n-qubit circuit. */
export function parsePauli(label: string, n: number): PauliTerm {
  if (label.length !== n) {
    throw new QrunError('OBSERVABLE_INVALID', `Pauli label "${label}" has ${label.length} characters; the circuit has ${n} qubits`, {
      hint: 'Labels have one character per qubit, qubit 0 rightmost.',
    });
  }
  let x = 0;
  let z = 0;
  let ys = 0;
  for (let q = 0; q < n; q++) {
    const ch = label[n - 1 - q];
    const bit = 1 << q;
    switch (ch) {
      case 'I':
        break;
      case 'X':
        x |= bit;
        break;
      case 'Z':
        z |= bit;
        break;
      case 'Y':
        x |= bit;
        z |= bit;
        ys++;
        break;
      default:
        throw new QrunError('OBSERVABLE_INVALID', `Pauli label "${label}" has an invalid character "${ch}"`, {
          hint: 'Use only I, X, Y and Z.',
        });
    }
  }
  return { label, x, z, ys };
}

function parity(v: number): number {
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}

/** Exact ⟨P⟩ for each term, in the order given; terms with the same x mask share one pass. */
export function pauliExpectations(state: Float64Array, n: number, terms: readonly PauliTerm[]): Float64Array {
  const values = new Float64Array(terms.length);
  const groups = new Map<number, number[]>();
  terms.forEach((t, idx) => {
    const g = groups.get(t.x);
    if (g === undefined) groups.set(t.x, [idx]);
    else g.push(idx);
  });
  const size = 1 << n;
  for (const [x, members] of groups) {
    const m = members.length;
    const zs = Int32Array.from(members, (idx) => terms[idx]!.z);
    const accRe = new Float64Array(m);
    const accIm = new Float64Array(m);
    for (let i = 0; i < size; i++) {
      const a = i << 1;
      const b = (i ^ x) << 1;
      const ar = state[a]!;
      const ai = state[a + 1]!;
      const br = state[b]!;
      const bi = state[b + 1]!;
      // conj(ψ[i ⊕ x]) · ψ[i]
      const pr = br * ar + bi * ai;
      const pi = br * ai - bi * ar;
      for (let t = 0; t < m; t++) {
        if (parity(i & zs[t]!) === 0) {
          accRe[t] = accRe[t]! + pr;
          accIm[t] = accIm[t]! + pi;
        } else {
          accRe[t] = accRe[t]! - pr;
          accIm[t] = accIm[t]! - pi;
        }
      }
    }
    members.forEach((idx, t) => {
      // Re(i^{nY} · acc)
      const re = accRe[t]!;
      const im = accIm[t]!;
      const k = terms[idx]!.ys & 3;
      values[idx] = k === 0 ? re : k === 1 ? -im : k === 2 ? -re : im;
    });
  }
  return values;
}

/** Every observable's Pauli terms parsed once, with each distinct label evaluated only once. */
export interface ObservableSet {
  readonly terms: readonly PauliTerm[];
  /** For observable o: [term index, coefficient] pairs. */
  readonly uses: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
}

export function prepareObservables(observables: readonly PauliSum[], n: number): ObservableSet {
  const index = new Map<string, number>();
  const terms: PauliTerm[] = [];
  const uses = observables.map((obs, o) =>
    obs.terms.map(({ label, coeff }): readonly [number, number] => {
      if (typeof coeff !== 'number' || !Number.isFinite(coeff)) {
        throw new QrunError('OBSERVABLE_INVALID', `observable ${o}: term ${label} has a non-finite coefficient`);
      }
      let idx = index.get(label);
      if (idx === undefined) {
        idx = terms.length;
        terms.push(parsePauli(label, n));
        index.set(label, idx);
      }
      return [idx, coeff];
    }),
  );
  return { terms, uses };
}

/** Combines per-term values into each observable's value. */
export function combine(set: ObservableSet, termValues: Float64Array): number[] {
  return set.uses.map((use) => use.reduce((acc, [idx, coeff]) => acc + coeff * termValues[idx]!, 0));
}

/** Exact expectation value of each observable on a statevector of n qubits. */
export function expectationFromState(state: Float64Array, n: number, observables: readonly PauliSum[]): number[] {
  const set = prepareObservables(observables, n);
  return combine(set, pauliExpectations(state, n, set.terms));
}
