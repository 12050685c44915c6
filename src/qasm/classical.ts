/**
 * Classical values known while lowering: loop variables, constants, and variables assigned from
 * them. They are evaluated here to plain numbers (truth values are 0 and 1), so a `for` loop unrolls
 * into gates with literal angles and indices. Names are resolved by the caller, which knows scopes.
 */
import type { ExprNode } from './ast.js';
import { CONSTANTS } from './expr.js';
import type { Pos } from './source.js';

/** Resolves a name or an indexed name to its value, or throws the caller's error. */
export interface StaticLookup {
  name(name: string, pos: Pos): number;
  index(node: Extract<ExprNode, { kind: 'index' }>): number;
  /** Builds the caller's error for something a classical value cannot hold. */
  fail(message: string, pos: Pos): Error;
}

const MATH: Readonly<Record<string, (x: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  exp: Math.exp,
  ln: Math.log,
  sqrt: Math.sqrt,
  floor: Math.floor,
  ceiling: Math.ceil,
  abs: Math.abs,
};

export function evalStatic(node: ExprNode, lookup: StaticLookup): number {
  const ev = (n: ExprNode): number => evalStatic(n, lookup);
  switch (node.kind) {
    case 'num':
      return node.value;
    case 'ident': {
      if (node.name === 'true') return 1;
      if (node.name === 'false') return 0;
      const constant = CONSTANTS[node.name];
      return constant ?? lookup.name(node.name, node.pos);
    }
    case 'index':
      return lookup.index(node);
    case 'neg':
      return -ev(node.arg);
    case 'not':
      return node.op === '!' ? (ev(node.arg) === 0 ? 1 : 0) : ~integer(ev(node.arg), node.arg.pos, lookup);
    case 'call': {
      const fn = MATH[node.fn];
      const [arg] = node.args;
      if (fn === undefined) throw lookup.fail(`unknown function '${node.fn}'; expected one of ${Object.keys(MATH).join(', ')}`, node.pos);
      if (arg === undefined || node.args.length !== 1) throw lookup.fail(`${node.fn} takes 1 argument, got ${node.args.length}`, node.pos);
      return fn(ev(arg));
    }
    case 'bin': {
      // Short-circuit as the language does: `false && x` never evaluates x.
      if (node.op === '&&') return ev(node.left) !== 0 && ev(node.right) !== 0 ? 1 : 0;
      if (node.op === '||') return ev(node.left) !== 0 || ev(node.right) !== 0 ? 1 : 0;
      const l = ev(node.left);
      const r = ev(node.right);
      const int = (x: number, at: ExprNode): number => integer(x, at.pos, lookup);
      switch (node.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return l / r;
        case '**':
          return l ** r;
        case '%':
          return l % r;
        case '==':
          return l === r ? 1 : 0;
        case '!=':
          return l !== r ? 1 : 0;
        case '<':
          return l < r ? 1 : 0;
        case '>':
          return l > r ? 1 : 0;
        case '<=':
          return l <= r ? 1 : 0;
        case '>=':
          return l >= r ? 1 : 0;
        case '&':
          return int(l, node.left) & int(r, node.right);
        case '|':
          return int(l, node.left) | int(r, node.right);
        case '^':
          return int(l, node.left) ^ int(r, node.right);
        case '<<':
          return int(l, node.left) << int(r, node.right);
        case '>>':
          return int(l, node.left) >> int(r, node.right);
      }
    }
  }
}

function integer(x: number, pos: Pos, lookup: StaticLookup): number {
  if (!Number.isSafeInteger(x)) throw lookup.fail(`bitwise operators need integers, got ${x}`, pos);
  return x;
}
