/**
 * Light-cone reduction of an expectation value: only the gates in the backward light cone of the
 * observables' support are simulated, on the cone's qubits alone.
 *
 * Why it is exact: ⟨ψ|U†PU|ψ⟩ with U = U_m…U_1. Walking back from P, a gate whose qubits are disjoint
 * from the support of the Heisenberg-evolved observable commutes with it and cancels against its
 * adjoint; a gate that touches the support widens it by its qubits. What remains acts only on the
 * cone's qubits, and qubits outside it stay in |0⟩ as a tensor factor that P (identity there) does
 * not see. Gates that are not unitaries (measure, reset, conditionals, noise) end the argument, so a
 * program holding any is left as it is.
 *
 * The cone's qubits keep their relative order in the smaller register (qubit cone[j] becomes j), so
 * the gates' matrices, which follow the order of each gate's qubit list, need no change.
 */
import type { Instr } from './instr.js';

export interface LightCone {
  /** Qubits of the reduced register; at least 1 (an identity observable still needs a state). */
  readonly numQubits: number;
  /** The kept gates, on the reduced register's qubits, in the original order. */
  readonly instrs: readonly Instr[];
  /** Each observable label rewritten for the reduced register (last character = its qubit 0). */
  readonly labels: readonly string[];
  /** Original qubit of each reduced qubit, ascending. */
  readonly qubits: readonly number[];
}

type Unitary = Extract<Instr, { op: 'unitary' }>;
const isUnitary = (ins: Instr): ins is Unitary => ins.op === 'unitary';

/** Qubits a little-endian Pauli label (last character = qubit 0) acts on with X, Y or Z. */
function supportOf(label: string): number[] {
  const n = label.length;
  const out: number[] = [];
  for (let q = 0; q < n; q++) if (label[n - 1 - q] !== 'I') out.push(q);
  return out;
}

/**
 * Reduces a unitary program to the light cone of the labels' union support. `labels` must already be
 * validated for `numQubits` (prepareObservables). A program with any non-unitary instruction, or
 * whose cone is every qubit and every gate, comes back unchanged.
 */
export function reduceToLightCone(instrs: readonly Instr[], numQubits: number, labels: readonly string[]): LightCone {
  const unchanged: LightCone = { numQubits, instrs, labels, qubits: Array.from({ length: numQubits }, (_, q) => q) };
  if (!instrs.every(isUnitary)) return unchanged;
  const gates = instrs; // every one a unitary, as just checked
  const inCone = new Uint8Array(numQubits);
  for (const label of labels) for (const q of supportOf(label)) inCone[q] = 1;
  const keep = new Uint8Array(instrs.length);
  for (let i = gates.length - 1; i >= 0; i--) {
    const touched = gates[i]!.qubits;
    if (!touched.some((q) => inCone[q] === 1)) continue;
    keep[i] = 1;
    for (const q of touched) inCone[q] = 1;
  }
  const qubits: number[] = [];
  for (let q = 0; q < numQubits; q++) if (inCone[q] === 1) qubits.push(q);
  if (qubits.length === numQubits && keep.every((k) => k === 1)) return unchanged;
  if (qubits.length === 0) {
    // Only identities: ⟨I⟩ = 1 on any state; one idle qubit keeps every engine's path the same.
    return { numQubits: 1, instrs: [], labels: labels.map(() => 'I'), qubits: [] };
  }
  const index = new Int32Array(numQubits).fill(-1);
  qubits.forEach((q, j) => {
    index[q] = j;
  });
  const kept: Instr[] = [];
  gates.forEach((gate, i) => {
    if (keep[i] === 1) kept.push({ ...gate, qubits: gate.qubits.map((q) => index[q]!) });
  });
  const n = labels.length === 0 ? 0 : labels[0]!.length;
  const remapLabel = (label: string): string => {
    let out = '';
    for (let j = qubits.length - 1; j >= 0; j--) out += label[n - 1 - qubits[j]!];
    return out;
  };
  return { numQubits: qubits.length, instrs: kept, labels: labels.map(remapLabel), qubits };
}
