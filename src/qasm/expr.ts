/**
 * Building IR expressions. Sub-expressions without parameters are folded to numbers (`pi/2` becomes
 * 1.5707963267948966) so engines evaluate as little as possible, while anything that mentions an
 * `input` stays symbolic and one parse serves a whole parameter sweep.
 */
import { evalExpr, type Expr, type ExprFunction } from '../circuit/ir.js';

export const FUNCTIONS: ReadonlySet<string> = new Set<ExprFunction>(['sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'exp', 'ln', 'sqrt']);

export function isExprFunction(name: string): name is ExprFunction {
  return FUNCTIONS.has(name);
}

export const CONSTANTS: Readonly<Record<string, number>> = {
  pi: Math.PI,
  π: Math.PI,
  tau: 2 * Math.PI,
  τ: 2 * Math.PI,
  euler: Math.E,
  ℯ: Math.E,
};

export function isConstant(name: string): boolean {
  return Object.hasOwn(CONSTANTS, name);
}

const NO_BINDINGS: ReadonlyMap<string, number> = new Map();

/** Folds `expr` to a number when it has no parameters and the result is finite; returns it unchanged otherwise. */
function fold(expr: Expr): Expr {
  if (expr.kind === 'num' || expr.kind === 'param') return expr;
  const args = expr.kind === 'bin' ? [expr.left, expr.right] : [expr.arg];
  if (!args.every((a) => a.kind === 'num')) return expr;
  const value = evalExpr(expr, NO_BINDINGS);
  // Keep non-finite results as written: a number literal cannot print them back.
  return Number.isFinite(value) ? num(value) : expr;
}

export function num(value: number): Expr {
  return { kind: 'num', value };
}

export function param(name: string): Expr {
  return { kind: 'param', name };
}

export function neg(arg: Expr): Expr {
  return fold({ kind: 'neg', arg });
}

export function bin(op: '+' | '-' | '*' | '/' | '**', left: Expr, right: Expr): Expr {
  return fold({ kind: 'bin', op, left, right });
}

export function call(fn: ExprFunction, arg: Expr): Expr {
  return fold({ kind: 'call', fn, arg });
}

/** Folds every parameter-free sub-expression; what the parser produces for any printed expression. */
export function normalize(expr: Expr): Expr {
  switch (expr.kind) {
    case 'num':
    case 'param':
      return expr;
    case 'neg':
      return neg(normalize(expr.arg));
    case 'bin':
      return bin(expr.op, normalize(expr.left), normalize(expr.right));
    case 'call':
      return call(expr.fn, normalize(expr.arg));
  }
}

/** Replaces parameters by name (a gate's formal parameters by the caller's arguments). */
export function substitute(expr: Expr, values: ReadonlyMap<string, Expr>): Expr {
  switch (expr.kind) {
    case 'num':
      return expr;
    case 'param':
      return values.get(expr.name) ?? expr;
    case 'neg':
      return neg(substitute(expr.arg, values));
    case 'bin':
      return bin(expr.op, substitute(expr.left, values), substitute(expr.right, values));
    case 'call':
      return call(expr.fn, substitute(expr.arg, values));
  }
}

/**
 * Whether `expr` has more than `limit` nodes. Iterative and stopping early, because expressions built
 * by substituting through nested gate definitions share sub-trees and can be exponentially large as
 * trees while small in memory.
 */
export function exceedsSize(expr: Expr, limit: number): boolean {
  const stack: Expr[] = [expr];
  let count = 0;
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (++count > limit) return true;
    if (e.kind === 'bin') stack.push(e.left, e.right);
    else if (e.kind === 'neg' || e.kind === 'call') stack.push(e.arg);
  }
  return false;
}
