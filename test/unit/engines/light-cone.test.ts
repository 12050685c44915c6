/**
 * Light-cone reduction (src/sim/light-cone.ts): every engine's expectation values, which simulate only
 * the observables' backward light cone, equal the values read off the whole final statevector, on
 * random circuits and observables — sparse ones (small cones), dense ones (the cone is everything),
 * identities (an empty cone) — with and without readout noise; and the reduction itself keeps exactly
 * the gates that can reach the observables and leaves programs with measurements alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/circuit/ir.js';
import type { PauliSum } from '../../../src/sim/api.js';
import { statevector } from '../../../src/sim/engine.js';
import { reduceToLightCone } from '../../../src/sim/light-cone.js';
import { combine, expectationFromState, prepareObservables } from '../../../src/sim/pauli.js';
import { compile } from '../../../src/sim/program.js';
import { readoutExpectations } from '../../../src/sim/readout.js';
import { arbitraryGate, circuitOf, gateOp } from '../native/arbitrary.js';
import { ENGINES } from './engines.js';

/** A label weighted towards I, so that most observables touch few qubits and their cones are small. */
function sparseLabel(n: number): fc.Arbitrary<string> {
  const ch = fc.oneof({ arbitrary: fc.constant('I'), weight: 5 }, { arbitrary: fc.constantFrom('X', 'Y', 'Z'), weight: 1 });
  return fc.array(ch, { minLength: n, maxLength: n }).map((cs) => cs.join(''));
}

function denseLabel(n: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom('X', 'Y', 'Z'), { minLength: n, maxLength: n }).map((cs) => cs.join(''));
}

function observablesOf(label: fc.Arbitrary<string>): fc.Arbitrary<PauliSum[]> {
  const term = fc.record({ label, coeff: fc.double({ min: -2, max: 2, noNaN: true }) });
  return fc.array(fc.record({ terms: fc.array(term, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 3 });
}

/** A unitary circuit of 1..maxQubits qubits with observables drawn by `label` for its width. */
function caseOf(maxQubits: number, maxGates: number, label: (n: number) => fc.Arbitrary<string>) {
  return fc.integer({ min: 1, max: maxQubits }).chain((n) =>
    fc.record({
      circuit: fc.array(arbitraryGate(n), { maxLength: maxGates }).map((ops) => circuitOf(n, ops)),
      observables: observablesOf(label(n)),
    }),
  );
}

const P01 = 0.03;
const P10 = 0.07;

/** The readout-noisy values computed on the whole final statevector (no reduction). */
function fullReadout(state: Float64Array, n: number, observables: readonly PauliSum[]): number[] {
  const set = prepareObservables(observables, n);
  return combine(set, readoutExpectations(state, n, set.terms, { p01: P01, p10: P10 }, new Float64Array(state.length)));
}

const closeTo = (got: readonly number[], want: readonly number[], tol: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(tol * 8));
};

describe.each(ENGINES)('light-cone expectation values: $label', ({ make, tol }) => {
  const engine = make();

  it('equal the whole-state values for sparse observables on random circuits', async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(9, 40, sparseLabel), async ({ circuit, observables }) => {
        const want = expectationFromState(statevector(circuit, []), circuit.numQubits, observables);
        closeTo(await engine.expectationValues(circuit, [], observables), want, tol);
      }),
      { numRuns: 120, seed: 77 },
    );
  });

  it('equal the whole-state values when the cone is every qubit', async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(8, 40, denseLabel), async ({ circuit, observables }) => {
        const want = expectationFromState(statevector(circuit, []), circuit.numQubits, observables);
        closeTo(await engine.expectationValues(circuit, [], observables), want, tol);
      }),
      { numRuns: 60, seed: 78 },
    );
  });

  it('equal the whole-state values with readout noise', async () => {
    const noise = { readout: { p01: P01, p10: P10 } };
    await fc.assert(
      fc.asyncProperty(caseOf(7, 30, sparseLabel), async ({ circuit, observables }) => {
        const want = fullReadout(statevector(circuit, []), circuit.numQubits, observables);
        closeTo(await engine.expectationValues(circuit, [], observables, { noise }), want, tol);
      }),
      { numRuns: 60, seed: 79 },
    );
  });

  it('give the coefficient for an identity observable, whatever the circuit', async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(8, 30, (n) => fc.constant('I'.repeat(n))), async ({ circuit, observables }) => {
        const want = observables.map((o) => o.terms.reduce((acc, t) => acc + t.coeff, 0));
        closeTo(await engine.expectationValues(circuit, [], observables), want, tol);
      }),
      { numRuns: 40, seed: 80 },
    );
  });

  it('ignore final measurements as before', async () => {
    const ops: Op[] = [gateOp('h', [0]), gateOp('cx', [0, 1]), gateOp('ry', [2], 0.7), gateOp('cx', [2, 3])];
    const measured = circuitOf(4, [...ops, ...[0, 1, 2, 3].map((q): Op => ({ kind: 'measure', qubit: q, clbit: q }))], 4);
    const observables = [{ terms: [{ label: 'IIZZ', coeff: 1 }] }, { terms: [{ label: 'ZIII', coeff: 1 }] }];
    closeTo(await engine.expectationValues(measured, [], observables), [1, Math.cos(0.7)], tol);
  });
});

describe('reduceToLightCone', () => {
  const program = (ops: Op[], n: number) => compile(circuitOf(n, ops), [], { fuse: false }).instrs;

  it('keeps only the gates that reach the observable, on a renumbered register', () => {
    // q0—q1 entangled, q2—q3 entangled, q4 idle: Z on q1 reaches back to q0 only.
    const instrs = program([gateOp('h', [0]), gateOp('x', [3]), gateOp('cx', [0, 1]), gateOp('cz', [2, 3]), gateOp('h', [4])], 5);
    const cone = reduceToLightCone(instrs, 5, ['IIIZI']);
    expect(cone.qubits).toEqual([0, 1]);
    expect(cone.numQubits).toBe(2);
    expect(cone.instrs.map((i) => (i.op === 'unitary' ? i.qubits : []))).toEqual([[0], [0, 1]]);
    expect(cone.labels).toEqual(['ZI']);
  });

  it('widens the cone through later two-qubit gates only', () => {
    // cx(1,2) comes after cx(0,1) has already acted, so Z on q2 pulls in q1 and then q0.
    const instrs = program([gateOp('cx', [0, 1]), gateOp('cx', [1, 2]), gateOp('cx', [3, 4])], 5);
    expect(reduceToLightCone(instrs, 5, ['IIZII']).qubits).toEqual([0, 1, 2]);
    // cx(0,1) after cx(1,2): Z on q2 sees only cx(1,2), the later gate on q0–q1 cannot reach it.
    const later = program([gateOp('cx', [1, 2]), gateOp('cx', [0, 1])], 3);
    const cone = reduceToLightCone(later, 3, ['ZII']);
    expect(cone.qubits).toEqual([1, 2]);
    expect(cone.instrs).toHaveLength(1);
  });

  it('leaves a program alone when the cone is everything', () => {
    const instrs = program([gateOp('h', [0]), gateOp('cx', [0, 1]), gateOp('cx', [1, 2])], 3);
    const cone = reduceToLightCone(instrs, 3, ['ZII']);
    expect(cone.instrs).toBe(instrs);
    expect(cone.numQubits).toBe(3);
  });

  it('leaves a program with measurements, resets or conditionals alone', () => {
    const ops: Op[] = [
      gateOp('h', [0]),
      { kind: 'measure', qubit: 0, clbit: 0 },
      { kind: 'if', condition: { clbits: [0], value: 1 }, then: [gateOp('x', [1])], else: [] },
      { kind: 'reset', qubit: 0 },
      gateOp('h', [2]),
    ];
    const instrs = compile(circuitOf(3, ops, 1), [], { fuse: false }).instrs;
    const cone = reduceToLightCone(instrs, 3, ['IZI']);
    expect(cone.instrs).toBe(instrs);
    expect(cone.numQubits).toBe(3);
    expect(cone.labels).toEqual(['IZI']);
  });

  it('reduces identity observables to one idle qubit', () => {
    const instrs = program([gateOp('h', [0]), gateOp('cx', [0, 1])], 2);
    expect(reduceToLightCone(instrs, 2, ['II', 'II'])).toEqual({ numQubits: 1, instrs: [], labels: ['I', 'I'], qubits: [] });
  });
});
