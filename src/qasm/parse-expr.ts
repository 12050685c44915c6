/**
 * Expressions, with OpenQASM 3 precedence (lowest first): `||`, `&&`, `|`, `^`, `&`, `== !=`,
 * `< <= > >=`, `<< >>`, `+ -`, `* / %`, unary `- ! ~`, `**`. `**` binds tighter than unary minus
 * (so `-x**2` is `-(x**2)`) and is right-associative. OpenQASM 2 writes the power as `^`.
 * One grammar serves gate parameters and classical conditions; lowering decides what each may use.
 */
import type { ArithOp, ClassicalOp, ExprNode, IndexNode } from './ast.js';
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

function bin(cur: Cursor, op: ArithOp | ClassicalOp, left: ExprNode, right: ExprNode, pos: Pos): ExprNode {
  return withDepth(cur, { kind: 'bin', op, left, right, pos }, [left, right], pos);
}

/** Binary levels from the loosest; each level's operators are left-associative. */
const LEVELS: readonly (readonly (ArithOp | ClassicalOp)[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

export function parseExpr(cur: Cursor): ExprNode {
  return cur.nested(cur.peek().pos, () => parseLevel(cur, 0));
}

function parseLevel(cur: Cursor, level: number): ExprNode {
  const ops = LEVELS[level];
  if (ops === undefined) return parseUnary(cur);
  let left = parseLevel(cur, level + 1);
  for (;;) {
    const tok = cur.peek();
    // In OpenQASM 2, `^` is the power (parsePower reads it), never xor.
    const op = tok.kind === 'punct' && !(tok.text === '^' && cur.version === 2) ? ops.find((o) => o === tok.text) : undefined;
    if (op === undefined) return left;
    cur.next();
    const right = parseLevel(cur, level + 1);
    left = bin(cur, op, left, right, tok.pos);
  }
}

function parseUnary(cur: Cursor): ExprNode {
  const tok = cur.peek();
  if (tok.kind === 'punct' && (tok.text === '-' || tok.text === '+' || tok.text === '!' || tok.text === '~')) {
    cur.next();
    const arg = cur.nested(tok.pos, () => parseUnary(cur));
    if (tok.text === '+') return arg;
    const node: ExprNode = tok.text === '-' ? { kind: 'neg', arg, pos: tok.pos } : { kind: 'not', op: tok.text === '!' ? '!' : '~', arg, pos: tok.pos };
    return withDepth(cur, node, [arg], tok.pos);
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
      if (cur.isPunct('[')) {
        const index = parseIndex(cur);
        return withDepth(cur, { kind: 'index', name: tok.text, index, pos: tok.pos }, indexChildren(index), tok.pos);
      }
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

function indexChildren(index: IndexNode): ExprNode[] {
  switch (index.kind) {
    case 'single':
      return [index.index];
    case 'range':
      return [index.start, index.end, ...(index.step === null ? [] : [index.step])];
    case 'set':
      return [...index.items];
  }
}

/** `[i]`, `[a:b]`, `[a:step:b]` or `[{i, j, ...}]`, the cursor on the `[`. */
export function parseIndex(cur: Cursor): IndexNode {
  const open = cur.expectPunct('[', 'to open the index');
  let index: IndexNode;
  if (cur.isPunct('{')) {
    index = { kind: 'set', items: parseSetItems(cur), pos: open.pos };
  } else {
    const first = parseExpr(cur);
    if (cur.acceptPunct(':')) {
      const second = parseExpr(cur);
      index = cur.acceptPunct(':')
        ? { kind: 'range', start: first, step: second, end: parseExpr(cur), pos: open.pos }
        : { kind: 'range', start: first, step: null, end: second, pos: open.pos };
    } else {
      index = { kind: 'single', index: first, pos: first.pos };
    }
  }
  cur.expectPunct(']', 'to close the index');
  return index;
}

/** `{a, b, ...}`, the cursor on the `{`. */
export function parseSetItems(cur: Cursor): ExprNode[] {
  cur.expectPunct('{', 'to open the set');
  const items: ExprNode[] = [];
  if (!cur.isPunct('}')) {
    do items.push(parseExpr(cur));
    while (cur.acceptPunct(','));
  }
  cur.expectPunct('}', 'to close the set');
  return items;
}
