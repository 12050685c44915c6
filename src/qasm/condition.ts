/**
 * Conditions of if, while and switch as a small tree of tests on classical bits, and its assembly
 * into the IR's one conditional (`if (bits == value)`). `a && b`, `a || b`, `!a` and `a ^ b` become
 * nested ifs that share their branches, so the IR and every engine keep a single kind of branch.
 */
import type { IfOp, LoopLimit, Op } from '../circuit/ir.js';

export type Test =
  | { readonly kind: 'const'; readonly value: boolean }
  /** The integer formed by `clbits` (clbits[i] is bit i) equals `value`. */
  | { readonly kind: 'bits'; readonly clbits: readonly number[]; readonly value: number }
  | { readonly kind: 'not'; readonly arg: Test }
  | { readonly kind: 'and' | 'or' | 'xor'; readonly left: Test; readonly right: Test };

export const TRUE: Test = { kind: 'const', value: true };
export const FALSE: Test = { kind: 'const', value: false };

export function not(arg: Test): Test {
  if (arg.kind === 'const') return arg.value ? FALSE : TRUE;
  if (arg.kind === 'not') return arg.arg;
  // A single bit has two values, so testing for the other one is the negation.
  if (arg.kind === 'bits' && arg.clbits.length === 1) return { kind: 'bits', clbits: arg.clbits, value: 1 - arg.value };
  return { kind: 'not', arg };
}

export function combine(kind: 'and' | 'or' | 'xor', left: Test, right: Test): Test {
  if (left.kind === 'const' && right.kind === 'const') {
    const l = left.value;
    const r = right.value;
    return { kind: 'const', value: kind === 'and' ? l && r : kind === 'or' ? l || r : l !== r };
  }
  return { kind, left, right };
}

/** The ops that run `then` where `test` holds and `otherwise` where it does not. */
export function assemble(test: Test, then: readonly Op[], otherwise: readonly Op[]): Op[] {
  switch (test.kind) {
    case 'const':
      return [...(test.value ? then : otherwise)];
    case 'bits': {
      const op: IfOp = { kind: 'if', condition: { clbits: test.clbits, value: test.value }, then, else: otherwise };
      return [op];
    }
    case 'not':
      return assemble(test.arg, otherwise, then);
    case 'and':
      return assemble(test.left, assemble(test.right, then, otherwise), otherwise);
    case 'or':
      return assemble(test.left, then, assemble(test.right, then, otherwise));
    case 'xor':
      return assemble(test.left, assemble(test.right, otherwise, then), assemble(test.right, then, otherwise));
  }
}

/**
 * Ops that fail the shot with QASM_LOOP_LIMIT where `test` holds (a while loop still running). The
 * marker itself tests no bits, so it always matches where it is reached.
 */
export function limitReached(test: Test, limit: LoopLimit): Op[] {
  const marker: IfOp = { kind: 'if', condition: { clbits: [], value: 0 }, then: [], else: [], loopLimit: limit };
  return assemble(test, [marker], []);
}
