/**
 * Turning expectation values into measurements, the way a QPU estimator works: Pauli labels are
 * grouped so that every label in a group agrees qubit by qubit (qubit-wise commuting), and each group
 * becomes one circuit that rotates every qubit into its group's basis and measures it
 * (X: H; Y: S† then H; Z and I: nothing). ⟨P⟩ is then the parity of the measured bits on P's support.
 */
import type { Circuit, Op } from '../../circuit/ir.js';

export interface BasisGroup {
  /** Per qubit (index q), the basis measured: 'X', 'Y' or 'Z' ('Z' also where every label has I). */
  readonly basis: readonly ('X' | 'Y' | 'Z')[];
  readonly labels: readonly string[];
}

/** Character of a little-endian label acting on qubit q. */
export function pauliAt(label: string, q: number): string {
  return label[label.length - 1 - q] ?? 'I';
}

/** Qubits where the label is not I. */
export function support(label: string): number[] {
  const out: number[] = [];
  for (let q = 0; q < label.length; q++) if (pauliAt(label, q) !== 'I') out.push(q);
  return out;
}

/** Greedy grouping in first-seen order: good enough for the handful of terms a PUB usually has. */
export function groupLabels(labels: readonly string[], numQubits: number): BasisGroup[] {
  const groups: { basis: string[]; labels: string[] }[] = [];
  for (const label of labels) {
    const fits = groups.find((g) => g.basis.every((b, q) => {
      const p = pauliAt(label, q);
      return p === 'I' || b === 'I' || b === p;
    }));
    const target = fits ?? { basis: new Array<string>(numQubits).fill('I'), labels: [] };
    if (fits === undefined) groups.push(target);
    for (let q = 0; q < numQubits; q++) {
      const p = pauliAt(label, q);
      if (p !== 'I') target.basis[q] = p;
    }
    target.labels.push(label);
  }
  return groups.map((g) => ({ basis: g.basis.map((b) => (b === 'X' || b === 'Y' ? b : 'Z')), labels: g.labels }));
}

/** The circuit (final measurements dropped), rotated into `basis` and measured: qubit q → clbit q. */
export function measuredCircuit(circuit: Circuit, basis: readonly ('X' | 'Y' | 'Z')[]): Circuit {
  const ops: Op[] = circuit.ops.filter((o) => o.kind !== 'measure');
  basis.forEach((b, q) => {
    if (b === 'Y') ops.push({ kind: 'gate', name: 'sdg', qubits: [q], params: [] });
    if (b !== 'Z') ops.push({ kind: 'gate', name: 'h', qubits: [q], params: [] });
  });
  for (let q = 0; q < circuit.numQubits; q++) ops.push({ kind: 'measure', qubit: q, clbit: q });
  return {
    ...circuit,
    numClbits: circuit.numQubits,
    clbitRegisters: [{ name: 'meas', size: circuit.numQubits, offset: 0 }],
    ops,
  };
}
