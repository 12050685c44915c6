/**
 * Parameter expressions, with OpenQASM 3 precedence: `**` binds tighter than unary minus (so
 * `-x**2` is `-(x**2)`) and is right-associative. OpenQASM 2 writes the power as `^`.
 */
import type { ExprNode } from './ast.js';
import type { Cursor } from './cursor.js';
import type { Pos } from './source.js';

/**
 * Deepest expression tree accepted. Long `a + b + c + ...` chains build deep trees without any
 * parentheses, so nesting alone does not bound the recursion of later passes.
 */
const MAX_EXPR_DEPTH = 500;

const depths = new WeakMap<ExprNode, number>();

function withDepth(cur: Cursor, node: ExprNode, children: readonly ExprNode[], pos: Pos): ExprNode {
  const depth = 1 + Math.max(0, ...children.map((c) => depths.get(c) ?? 1));
  if (depth > MAX_EXPR_DEPTH) {
    throw cur.error('QASM_UNSUPPORTED', `expressions deeper than ${MAX_EXPR_DEPTH} levels are not supported`, pos);
  }
  depths.set(node, depth);
  return node;
}

function bin(cur: Cursor, op: '+' | '-' | '*' | '/' | '**', left: ExprNode, right: ExprNode, pos: Pos): ExprNode {
  return withDepth(cur, { kind: 'bin', op, left, right, pos }, [left, right], pos);
}

export function parseExpr(cur: Cursor): ExprNode {
  return cur.nested(cur.peek().pos, () => parseAdditive(cur));
}

function parseAdditive(cur: Cursor): ExprNode {
  let left = parseMultiplicative(cur);
  while (cur.isPunct('+') || cur.isPunct('-')) {
    const tok = cur.next();
    const right = parseMultiplicative(cur);
    left = bin(cur, tok.text === '+' ? '+' : '-', left, right, tok.pos);
  }
  return left;
}

function parseMultiplicative(cur: Cursor): ExprNode {
  let left = parseUnary(cur);
  while (cur.isPunct('*') || cur.isPunct('/')) {
    const tok = cur.next();
    const right = parseUnary(cur);
    left = bin(cur, tok.text === '*' ? '*' : '/', left, right, tok.pos);
  }
  return left;
}

function parseUnary(cur: Cursor): ExprNode {
  const tok = cur.peek();
  if (tok.kind === 'punct' && (tok.text === '-' || tok.text === '+')) {
    cur.next();
    const arg = cur.nested(tok.pos, () => parseUnary(cur));
    return tok.text === '-' ? withDepth(cur, { kind: 'neg', arg, pos: tok.pos }, [arg], tok.pos) : arg;
  }
  return parsePower(cur);
}

function parsePower(cur: Cursor): ExprNode {
  const base = parseAtom(cur);
  const tok = cur.peek();
  const isPow = tok.kind === 'punct' && (tok.text === '**' || (tok.text === '^' && cur.version === 2));
  if (!isPow) return base;
  cur.next();
  const exponent = cur.nested(tok.pos, () => parseUnary(cur));
  return bin(cur, '**', base, exponent, tok.pos);
}

function parseAtom(cur: Cursor): ExprNode {
  const tok = cur.peek();
  switch (tok.kind) {
    case 'int':
    case 'float':
      cur.next();
      return { kind: 'num', value: tok.value, pos: tok.pos };
    case 'duration':
      throw cur.error('QASM_UNSUPPORTED', `a duration (${tok.text}) is only allowed inside delay[...]`, tok.pos);
    case 'ident': {
      cur.next();
      if (!cur.isPunct('(')) return { kind: 'ident', name: tok.text, pos: tok.pos };
      cur.next();
      const args: ExprNode[] = [];
      if (!cur.isPunct(')')) {
        do args.push(parseExpr(cur));
        while (cur.acceptPunct(','));
      }
      cur.expectPunct(')', `to close the arguments of ${tok.text}(...)`);
      return withDepth(cur, { kind: 'call', fn: tok.text, args, pos: tok.pos }, args, tok.pos);
    }
    case 'punct':
      if (tok.text === '(') {
        cur.next();
        const inner = parseExpr(cur);
        cur.expectPunct(')', 'to close the parenthesis');
        return inner;
      }
      return cur.fail('an expression (a number, a parameter name, pi, or a function call)');
    default:
      return cur.fail('an expression (a number, a parameter name, pi, or a function call)');
  }
}
