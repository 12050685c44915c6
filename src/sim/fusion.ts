/**
 * Gate fusion for noiseless runs. The kernels are limited by memory traffic, so a sweep with a 4x4
 * costs little more than one with a 2x2, and fewer sweeps is the main speed lever:
 *
 * - runs of single-qubit gates on a qubit are multiplied into one 2x2 (kept pending per qubit);
 * - a pending 2x2 is folded into the next 2-qubit gate on that qubit (G · (A ⊗ B)), even a diagonal
 *   or permutation one: one dense 4x4 sweep is cheaper than a 2x2 sweep plus a cheap sweep, since
 *   the kernels are bound by memory traffic. A 2-qubit diagonal/permutation gate with nothing
 *   pending stays cheap;
 * - otherwise (a 3-qubit gate, measure, reset, if, end of circuit) the pending 2x2 is folded into
 *   the last dense 2-qubit gate on that qubit ((A ⊗ I) · G) if that gate was the qubit's last
 *   operation — sound because everything in between acts on other qubits and commutes with it —
 *   or else emitted on its own, analysed into diagonal / permutation / dense so e.g. rz·t·s stays a
 *   cheap diagonal.
 *
 * Fusion never crosses a measure, reset or if on the same qubit; an `if` flushes every qubit.
 */
import { structureOf } from './gates.js';
import { embed1q, matmul, type Matrix } from './matrix.js';
import type { BoundOp, Instr } from './instr.js';

/** A dense 2-qubit instruction still open for folding; its matrix is replaced as gates fold in. */
interface OpenDense {
  readonly qubits: readonly number[];
  matrix: Matrix;
}

export function fuse(ops: readonly BoundOp[], numQubits: number): Instr[] {
  const out: (Instr | OpenDense)[] = [];
  const pending: (Matrix | null)[] = new Array<Matrix | null>(numQubits).fill(null);
  // The open dense 2-qubit op that was the last operation on each qubit, if any.
  const lastDense: (OpenDense | null)[] = new Array<OpenDense | null>(numQubits).fill(null);

  const flush = (q: number): void => {
    const u = pending[q];
    if (u === undefined || u === null) return;
    pending[q] = null;
    const target = lastDense[q];
    if (target !== undefined && target !== null) {
      target.matrix = matmul(embed1q(u, target.qubits.indexOf(q), target.qubits.length), target.matrix);
      return;
    }
    out.push({ op: 'unitary', qubits: [q], structured: structureOf(u) });
  };
  const touch = (qubits: readonly number[], dense: OpenDense | null): void => {
    for (const q of qubits) lastDense[q] = dense;
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'gate': {
        const k = op.qubits.length;
        if (k === 1) {
          const q = op.qubits[0]!;
          const prev = pending[q];
          pending[q] = prev === undefined || prev === null ? op.matrix : matmul(op.matrix, prev);
          break;
        }
        const structured = structureOf(op.matrix);
        const hasPending = op.qubits.some((q) => (pending[q] ?? null) !== null);
        if (k === 2 && (structured.kind === 'dense' || hasPending)) {
          let m = op.matrix;
          op.qubits.forEach((q, pos) => {
            const u = pending[q];
            if (u !== undefined && u !== null) {
              m = matmul(m, embed1q(u, pos, 2));
              pending[q] = null;
            }
          });
          const open: OpenDense = { qubits: op.qubits, matrix: m };
          out.push(open);
          touch(op.qubits, open);
        } else {
          for (const q of op.qubits) flush(q);
          out.push({ op: 'unitary', qubits: op.qubits, structured });
          touch(op.qubits, null);
        }
        break;
      }
      case 'measure':
        flush(op.qubit);
        out.push({ op: 'measure', qubit: op.qubit, clbit: op.clbit });
        touch([op.qubit], null);
        break;
      case 'reset':
        flush(op.qubit);
        out.push({ op: 'reset', qubit: op.qubit });
        touch([op.qubit], null);
        break;
      case 'set':
        out.push({ op: 'set', clbit: op.clbit, bit: op.bit });
        break;
      case 'if': {
        for (let q = 0; q < numQubits; q++) flush(q);
        out.push({
          op: 'if',
          clbits: op.clbits,
          value: op.value,
          then: fuse(op.then, numQubits),
          else: fuse(op.else, numQubits),
        });
        lastDense.fill(null);
        break;
      }
      case 'limit':
        for (let q = 0; q < numQubits; q++) flush(q);
        out.push({ op: 'limit', limit: op.limit });
        break;
    }
  }
  for (let q = 0; q < numQubits; q++) flush(q);

  return out.map((item) =>
    'op' in item ? item : { op: 'unitary', qubits: item.qubits, structured: structureOf(item.matrix) },
  );
}
