/**
 * The syntax tree between parsing and lowering. It keeps every position so semantic errors (found only
 * once names are resolved) can still point at the exact spot.
 */
import type { DurationUnit } from './lexer.js';
import type { Pos } from './source.js';

/** Arithmetic, the only operators a gate parameter may keep symbolically. */
export type ArithOp = '+' | '-' | '*' | '/' | '**';
/** Operators only classical values (loop variables, constants, bits) can use. */
export type ClassicalOp = '%' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||' | '&' | '|' | '^' | '<<' | '>>';

export type ExprNode =
  | { readonly kind: 'num'; readonly value: number; readonly pos: Pos }
  | { readonly kind: 'ident'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'neg'; readonly arg: ExprNode; readonly pos: Pos }
  /** `!x` (logical) and `~x` (bitwise). */
  | { readonly kind: 'not'; readonly op: '!' | '~'; readonly arg: ExprNode; readonly pos: Pos }
  | { readonly kind: 'bin'; readonly op: ArithOp | ClassicalOp; readonly left: ExprNode; readonly right: ExprNode; readonly pos: Pos }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly ExprNode[]; readonly pos: Pos }
  /** `c[0]`, `q[i]` inside an expression: a bit of a register (or an element of an alias). */
  | { readonly kind: 'index'; readonly name: string; readonly index: IndexNode; readonly pos: Pos };

/** `q[2]`, `q[i + 1]`, `q[0:3]` (inclusive, as in OpenQASM 3), `q[0:2:6]`, `q[{0, 3}]`. */
export type IndexNode =
  | { readonly kind: 'single'; readonly index: ExprNode; readonly pos: Pos }
  | { readonly kind: 'range'; readonly start: ExprNode; readonly step: ExprNode | null; readonly end: ExprNode; readonly pos: Pos }
  | { readonly kind: 'set'; readonly items: readonly ExprNode[]; readonly pos: Pos };

export type OperandNode =
  | { readonly kind: 'physical'; readonly index: number; readonly pos: Pos }
  | { readonly kind: 'ref'; readonly name: string; readonly index: IndexNode | null; readonly pos: Pos };

export type ModifierNode =
  | { readonly kind: 'inv'; readonly pos: Pos }
  | { readonly kind: 'pow'; readonly exponent: ExprNode; readonly pos: Pos }
  | { readonly kind: 'ctrl' | 'negctrl'; readonly count: ExprNode | null; readonly pos: Pos };

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

/** What a `for` loop runs over: `[start:step:end]` (inclusive), `{1, 4, 2}`, or a bit register. */
export type LoopSetNode =
  | { readonly kind: 'range'; readonly start: ExprNode; readonly step: ExprNode | null; readonly end: ExprNode; readonly pos: Pos }
  | { readonly kind: 'set'; readonly items: readonly ExprNode[]; readonly pos: Pos }
  | { readonly kind: 'expr'; readonly value: ExprNode; readonly pos: Pos };

/** Classical types a declaration may name; only their role as values matters here, not their width. */
export type ClassicalType = 'int' | 'uint' | 'float' | 'angle' | 'bool';

export interface SwitchCaseNode {
  /** Empty for `default`. */
  readonly values: readonly ExprNode[];
  readonly body: readonly StatementNode[];
  readonly pos: Pos;
}

export type StatementNode =
  | { readonly kind: 'include'; readonly path: string; readonly pos: Pos }
  | { readonly kind: 'input'; readonly name: string; readonly pos: Pos }
  /** `#pragma ...` / `pragma ...`: kept with its text, ignored by lowering. */
  | { readonly kind: 'pragma'; readonly text: string; readonly pos: Pos }
  | { readonly kind: 'qubits'; readonly name: string; readonly size: ExprNode | null; readonly pos: Pos }
  | { readonly kind: 'bits'; readonly name: string; readonly size: ExprNode | null; readonly measure: OperandNode | null; readonly pos: Pos }
  /** `int n;`, `const int n = 3;`, `float[64] x = pi / 2;` */
  | {
      readonly kind: 'classical';
      readonly type: ClassicalType;
      readonly constant: boolean;
      readonly name: string;
      readonly init: ExprNode | null;
      readonly pos: Pos;
    }
  /** `x = expr;`, `x += expr;` on a classical variable. */
  | { readonly kind: 'assign'; readonly name: string; readonly op: string; readonly value: ExprNode; readonly pos: Pos }
  /** `let name = q[0:2] ++ r;` */
  | { readonly kind: 'alias'; readonly name: string; readonly parts: readonly OperandNode[]; readonly pos: Pos }
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
      readonly condition: ExprNode;
      readonly then: readonly StatementNode[];
      readonly else: readonly StatementNode[];
      readonly pos: Pos;
    }
  | {
      readonly kind: 'for';
      readonly type: ClassicalType | null;
      readonly variable: string;
      readonly set: LoopSetNode;
      readonly body: readonly StatementNode[];
      readonly pos: Pos;
    }
  | { readonly kind: 'while'; readonly condition: ExprNode; readonly body: readonly StatementNode[]; readonly pos: Pos }
  | { readonly kind: 'switch'; readonly target: ExprNode; readonly cases: readonly SwitchCaseNode[]; readonly pos: Pos }
  | { readonly kind: 'break' | 'continue'; readonly pos: Pos }
  /** `{ ... }`: a block of statements with its own scope. */
  | { readonly kind: 'block'; readonly body: readonly StatementNode[]; readonly pos: Pos };

export interface ProgramNode {
  readonly version: 2 | 3;
  readonly statements: readonly StatementNode[];
}
