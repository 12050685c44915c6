/**
 * The syntax tree between parsing and lowering. It keeps every position so semantic errors (found only
 * once names are resolved) can still point at the exact spot.
 */
import type { DurationUnit } from './lexer.js';
import type { Pos } from './source.js';

export type ExprNode =
  | { readonly kind: 'num'; readonly value: number; readonly pos: Pos }
  | { readonly kind: 'ident'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'neg'; readonly arg: ExprNode; readonly pos: Pos }
  | { readonly kind: 'bin'; readonly op: '+' | '-' | '*' | '/' | '**'; readonly left: ExprNode; readonly right: ExprNode; readonly pos: Pos }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly ExprNode[]; readonly pos: Pos };

/** `q[2]`, `q[0:3]` (inclusive, as in OpenQASM 3), `q[0:2:6]`. */
export type IndexNode =
  | { readonly kind: 'single'; readonly index: number; readonly pos: Pos }
  | { readonly kind: 'range'; readonly start: number; readonly step: number; readonly end: number; readonly pos: Pos };

export type OperandNode =
  | { readonly kind: 'physical'; readonly index: number; readonly pos: Pos }
  | { readonly kind: 'ref'; readonly name: string; readonly index: IndexNode | null; readonly pos: Pos };

export type ModifierNode =
  | { readonly kind: 'inv'; readonly pos: Pos }
  | { readonly kind: 'pow'; readonly exponent: ExprNode; readonly pos: Pos }
  | { readonly kind: 'ctrl'; readonly count: number; readonly pos: Pos }
  | { readonly kind: 'negctrl'; readonly pos: Pos };

export interface GateCallNode {
  readonly kind: 'call';
  readonly modifiers: readonly ModifierNode[];
  readonly name: string;
  readonly args: readonly ExprNode[];
  readonly operands: readonly OperandNode[];
  readonly pos: Pos;
}

export interface BarrierNode {
  readonly kind: 'barrier';
  /** Empty means every qubit. */
  readonly operands: readonly OperandNode[];
  readonly pos: Pos;
}

/** `c == 3`, `c[0]`, `!c[0]`, `c[0] == 1`, `c != 0`. */
export interface ConditionNode {
  readonly target: OperandNode;
  /** null when the bit or register is tested for being non-zero. */
  readonly value: number | null;
  /** True for `!x` and `!=`. */
  readonly negated: boolean;
  readonly pos: Pos;
}

export type StatementNode =
  | { readonly kind: 'include'; readonly path: string; readonly pos: Pos }
  | { readonly kind: 'input'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'qubits'; readonly name: string; readonly size: number | null; readonly pos: Pos }
  | { readonly kind: 'bits'; readonly name: string; readonly size: number | null; readonly measure: OperandNode | null; readonly pos: Pos }
  | {
      readonly kind: 'gatedef';
      readonly name: string;
      readonly params: readonly { readonly name: string; readonly pos: Pos }[];
      readonly qubits: readonly { readonly name: string; readonly pos: Pos }[];
      readonly body: readonly (GateCallNode | BarrierNode)[];
      readonly pos: Pos;
    }
  | GateCallNode
  | BarrierNode
  | { readonly kind: 'measure'; readonly source: OperandNode; readonly target: OperandNode; readonly pos: Pos }
  | { readonly kind: 'reset'; readonly operands: readonly OperandNode[]; readonly pos: Pos }
  | {
      readonly kind: 'delay';
      readonly duration: { readonly value: number; readonly unit: DurationUnit };
      readonly operands: readonly OperandNode[];
      readonly pos: Pos;
    }
  | {
      readonly kind: 'if';
      readonly condition: ConditionNode;
      readonly then: readonly StatementNode[];
      readonly else: readonly StatementNode[];
      readonly pos: Pos;
    };

export interface ProgramNode {
  readonly version: 2 | 3;
  readonly statements: readonly StatementNode[];
}
