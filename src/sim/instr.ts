/**
 * The simulator's program as data: bound gates (the input of fusion) and the instructions the kernels
 * run. Kept apart from program.ts (which builds them) and fusion.ts (which rewrites them), so neither
 * imports the other's types back.
 */
import type { LoopLimit } from '../circuit/ir.js';
import type { Structured } from './gates.js';
import type { Matrix } from './matrix.js';

/** A gate with its numeric matrix; the input of fusion. */
interface BoundGate {
  readonly kind: 'gate';
  readonly name: string;
  readonly qubits: readonly number[];
  readonly matrix: Matrix;
}

export type BoundOp =
  | BoundGate
  | { readonly kind: 'measure'; readonly qubit: number; readonly clbit: number }
  | { readonly kind: 'reset'; readonly qubit: number }
  /** A measurement whose outcome is known before the run (compact.ts): the bit is set, no state is read. */
  | { readonly kind: 'set'; readonly clbit: number; readonly bit: 0 | 1 }
  | {
      readonly kind: 'if';
      readonly clbits: readonly number[];
      readonly value: number;
      readonly then: readonly BoundOp[];
      readonly else: readonly BoundOp[];
    }
  /** A while loop still running after its last allowed iteration: the shot fails. */
  | { readonly kind: 'limit'; readonly limit: LoopLimit };

export type Instr =
  | { readonly op: 'unitary'; readonly qubits: readonly number[]; readonly structured: Structured }
  | { readonly op: 'measure'; readonly qubit: number; readonly clbit: number }
  | { readonly op: 'reset'; readonly qubit: number }
  | { readonly op: 'set'; readonly clbit: number; readonly bit: 0 | 1 }
  | {
      readonly op: 'if';
      readonly clbits: readonly number[];
      readonly value: number;
      readonly then: readonly Instr[];
      readonly else: readonly Instr[];
    }
  | { readonly op: 'limit'; readonly limit: LoopLimit }
  /** Pauli error on all `qubits` jointly with total probability p (see noise.ts for the convention). */
  | { readonly op: 'depolarize'; readonly qubits: readonly number[]; readonly p: number }
  | { readonly op: 'damp'; readonly qubit: number; readonly gamma: number };
