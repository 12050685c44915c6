import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/sim/program.js';
import { circuit, gate, ifEq, measure, reset } from './helpers.js';

const ops = (instrs: readonly { op: string }[]): string[] => instrs.map((i) => i.op);

describe('known-qubit tracking and compaction (shot branching only)', () => {
  it('decides ancilla gates and resets, and runs the rest on the qubits ever unknown at once', () => {
    // q2..q5 are ancillas in known states throughout; only q0 and q1 are ever in superposition.
    const c = circuit(6, [
      gate('h', [0]),
      gate('x', [2]),
      gate('ccx', [2, 0, 1]), // q2 = 1: a cx from q0 to q1
      gate('ccx', [3, 0, 4]), // q3 = 0: nothing
      gate('x', [2]),
      reset(2),
      reset(3),
      gate('x', [5]),
      measure(5, 2),
      measure(0, 0),
      measure(1, 1),
    ], 3);
    const program = compile(c, [], { compact: true, fuse: false });
    expect(program.numQubits).toBe(2);
    expect(ops(program.instrs)).toEqual(['unitary', 'unitary', 'set', 'measure', 'measure']);
    expect(program.instrs[2]).toEqual({ op: 'set', clbit: 2, bit: 1 });
  });

  it('gives a qubit touched in an if body a slot before the if, prepared in its known value', () => {
    const c = circuit(3, [gate('h', [0]), measure(0, 0), gate('x', [2]), ifEq([0], 1, [gate('x', [2])]), measure(2, 1)], 2);
    const program = compile(c, [], { compact: true, fuse: false });
    expect(program.numQubits).toBe(2);
    expect(ops(program.instrs)).toEqual(['unitary', 'measure', 'unitary', 'if', 'measure']);
  });

  it('frees the slot of a reset qubit for the next one', () => {
    const c = circuit(3, [gate('h', [0]), measure(0, 0), reset(0), gate('h', [1]), measure(1, 1), reset(1), gate('h', [2]), measure(2, 2)], 3);
    expect(compile(c, [], { compact: true }).numQubits).toBe(1);
  });

  it('leaves gate-noise programs alone', () => {
    const c = circuit(3, [gate('x', [2]), reset(2), measure(2, 0)], 1);
    const program = compile(c, [], { compact: true, noise: { depolarizing: { p1: 0.1, p2: 0 } } });
    expect(program.numQubits).toBe(3);
    expect(ops(program.instrs)).toContain('reset');
  });
});
