/**
 * Random circuits for the native engine's parity tests: every standard gate on random distinct
 * qubits (so both the in-vector "low" qubits and the vector-selecting "high" qubits of the kernels
 * are hit), optionally with mid-circuit measurements, resets and conditionals.
 */
import fc from 'fast-check';
import { STANDARD_GATES, type Circuit, type Op, type StandardGateName } from '../../../src/circuit/ir.js';

const GATE_NAMES = Object.keys(STANDARD_GATES) as StandardGateName[];
const num = (value: number) => ({ kind: 'num' as const, value });

export function circuitOf(numQubits: number, ops: Op[], numClbits = 0): Circuit {
  return {
    numQubits,
    numClbits,
    clbitRegisters: numClbits > 0 ? [{ name: 'c', size: numClbits, offset: 0 }] : [],
    parameters: [],
    physicalQubits: null,
    ops,
  };
}

export function gateOp(name: StandardGateName, qubits: number[], ...params: number[]): Op {
  return { kind: 'gate', name, qubits, params: params.map(num) };
}

export function arbitraryGate(n: number): fc.Arbitrary<Op> {
  const names = GATE_NAMES.filter((g) => STANDARD_GATES[g].qubits <= n);
  return fc
    .record({
      name: fc.constantFrom(...names),
      perm: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      params: fc.array(fc.double({ min: -2 * Math.PI, max: 2 * Math.PI, noNaN: true }), { minLength: 4, maxLength: 4 }),
    })
    .map(({ name, perm, params }) => gateOp(name, perm.slice(0, STANDARD_GATES[name].qubits), ...params.slice(0, STANDARD_GATES[name].params)));
}

/** A unitary circuit of minQubits..maxQubits qubits and up to maxGates gates. */
export function arbitraryUnitary(minQubits: number, maxQubits: number, maxGates: number): fc.Arbitrary<Circuit> {
  return fc
    .integer({ min: minQubits, max: maxQubits })
    .chain((n) => fc.array(arbitraryGate(n), { minLength: 0, maxLength: maxGates }).map((ops) => circuitOf(n, ops)));
}

/** A unitary circuit followed by measurements of some qubits into some clbits (terminal sampling). */
export function arbitraryMeasured(maxQubits: number, maxGates: number): fc.Arbitrary<Circuit> {
  return arbitraryUnitary(1, maxQubits, maxGates).chain((c) =>
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: c.numQubits - 1 }), fc.integer({ min: 0, max: c.numQubits })), {
        minLength: 1,
        maxLength: c.numQubits + 2,
      })
      .map((ms) => circuitOf(c.numQubits, [...c.ops, ...ms.map(([qubit, clbit]): Op => ({ kind: 'measure', qubit, clbit }))], c.numQubits + 1)),
  );
}

/** A dynamic circuit: gates interleaved with measurements, resets and conditionals on 1..maxQubits. */
export function arbitraryDynamic(maxQubits: number, maxOps: number): fc.Arbitrary<Circuit> {
  return fc.integer({ min: 1, max: maxQubits }).chain((n) => {
    const clbits = n;
    const measure = fc
      .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: clbits - 1 }))
      .map(([qubit, clbit]): Op => ({ kind: 'measure', qubit, clbit }));
    const reset = fc.integer({ min: 0, max: n - 1 }).map((qubit): Op => ({ kind: 'reset', qubit }));
    const cond = fc
      .tuple(
        fc.shuffledSubarray(
          Array.from({ length: clbits }, (_, i) => i),
          { minLength: 1, maxLength: Math.min(clbits, 3) },
        ),
        fc.nat(7),
        fc.array(arbitraryGate(n), { maxLength: 3 }),
        fc.array(arbitraryGate(n), { maxLength: 2 }),
      )
      .map(([bits, value, then, otherwise]): Op => ({
        kind: 'if',
        condition: { clbits: bits, value: value % 2 ** bits.length },
        then,
        else: otherwise,
      }));
    const op = fc.oneof({ arbitrary: arbitraryGate(n), weight: 6 }, { arbitrary: measure, weight: 2 }, { arbitrary: reset, weight: 1 }, { arbitrary: cond, weight: 1 });
    return fc.array(op, { minLength: 1, maxLength: maxOps }).map((ops) => {
      const final = Array.from({ length: n }, (_, q): Op => ({ kind: 'measure', qubit: q, clbit: q }));
      return circuitOf(n, [...ops, ...final], clbits);
    });
  });
}

export function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** A random Pauli label of n characters. */
export function arbitraryLabel(n: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom('I', 'X', 'Y', 'Z'), { minLength: n, maxLength: n }).map((cs) => cs.join(''));
}

export function countGates(ops: readonly Op[]): number {
  let k = 0;
  for (const op of ops) {
    if (op.kind === 'gate') k++;
    else if (op.kind === 'if') k += countGates(op.then) + countGates(op.else);
  }
  return k;
}
