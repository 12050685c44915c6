import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STANDARD_GATES, type StandardGateName } from '../../../src/circuit/ir.js';
import { dagger, GATE_KIND, gateMatrix, identity, kron, matmul, structureOf, type Matrix } from '../../../src/sim/index.js';
import { fromRows, maxAbsDiff, scalePhase } from '../../../src/sim/matrix.js';

const NAMES = Object.keys(STANDARD_GATES) as StandardGateName[];
const angle = fc.double({ min: -4 * Math.PI, max: 4 * Math.PI, noNaN: true });
const s2 = Math.SQRT1_2;

function m(name: StandardGateName, ...params: number[]): Matrix {
  return gateMatrix(name, params);
}

function close(a: Matrix, b: Matrix, tol = 1e-12): void {
  expect(a.dim).toBe(b.dim);
  expect(maxAbsDiff(a, b)).toBeLessThan(tol);
}

/** c·I − i·s·P, written out independently of gates.ts's pauliRotation. */
function expPauli(theta: number, p: Matrix): Matrix {
  const id = identity(p.dim);
  const out = new Float64Array(p.data.length);
  const c = Math.cos(theta / 2);
  const s = Math.sin(theta / 2);
  for (let i = 0; i < out.length; i += 2) {
    out[i] = c * id.data[i]! + s * p.data[i + 1]!;
    out[i + 1] = c * id.data[i + 1]! - s * p.data[i]!;
  }
  return { dim: p.dim, data: out };
}

const X = m('x');
const Y = m('y');
const Z = m('z');
const I2 = identity(2);

describe('gate matrices', () => {
  it('every standard gate is unitary for any parameters', () => {
    for (const name of NAMES) {
      fc.assert(
        fc.property(fc.array(angle, { minLength: 4, maxLength: 4 }), (ps) => {
          const g = gateMatrix(name, ps.slice(0, STANDARD_GATES[name].params));
          expect(g.dim).toBe(2 ** STANDARD_GATES[name].qubits);
          close(matmul(g, dagger(g)), identity(g.dim));
        }),
        { numRuns: 20 },
      );
    }
  });

  it('rejects a wrong parameter count', () => {
    expect(() => gateMatrix('rx', [])).toThrow(RangeError);
    expect(() => gateMatrix('h', [1])).toThrow(RangeError);
  });

  it('matches Qiskit for the fixed single-qubit gates', () => {
    close(m('h'), fromRows([[[s2, 0], [s2, 0]], [[s2, 0], [-s2, 0]]]));
    close(m('s'), fromRows([[[1, 0], [0, 0]], [[0, 0], [0, 1]]]));
    close(matmul(m('s'), m('s')), Z);
    close(matmul(m('t'), m('t')), m('s'));
    close(matmul(m('sdg'), m('s')), I2);
    close(matmul(m('tdg'), m('t')), I2);
    // sx = 1/2 [[1+i, 1-i], [1-i, 1+i]], sx² = X, sxdg = sx†, sx = e^{iπ/4} rx(π/2)
    close(m('sx'), fromRows([[[0.5, 0.5], [0.5, -0.5]], [[0.5, -0.5], [0.5, 0.5]]]));
    close(matmul(m('sx'), m('sx')), X);
    close(m('sxdg'), dagger(m('sx')));
    close(m('sx'), scalePhase(m('rx', Math.PI / 2), Math.PI / 4));
    close(m('y'), fromRows([[[0, 0], [0, -1]], [[0, 1], [0, 0]]]));
  });

  it('matches Qiskit for the rotations and U gates', () => {
    fc.assert(
      fc.property(angle, angle, angle, (a, b, c) => {
        close(m('rx', a), expPauli(a, X));
        close(m('ry', a), expPauli(a, Y));
        close(m('rz', a), expPauli(a, Z));
        // rz(θ) = diag(e^{-iθ/2}, e^{iθ/2}) = e^{-iθ/2} p(θ)
        close(m('rz', a), scalePhase(m('p', a), -a / 2));
        close(m('u1', a), m('p', a));
        close(m('u3', a, b, c), m('u', a, b, c));
        close(m('u2', b, c), m('u', Math.PI / 2, b, c));
        // Qiskit: U(θ,φ,λ) = e^{i(φ+λ)/2} RZ(φ) RY(θ) RZ(λ)
        close(m('u', a, b, c), scalePhase(matmul(m('rz', b), matmul(m('ry', a), m('rz', c))), (b + c) / 2));
      }),
      { numRuns: 50 },
    );
    // u(θ,φ,λ) entries as printed by Qiskit
    const [t, p, l] = [0.3, 0.7, -1.1];
    const u = m('u', t, p, l);
    expect(u.data[0]).toBeCloseTo(Math.cos(t / 2), 14);
    expect(u.data[2]).toBeCloseTo(-Math.cos(l) * Math.sin(t / 2), 14);
    expect(u.data[3]).toBeCloseTo(-Math.sin(l) * Math.sin(t / 2), 14);
    expect(u.data[4]).toBeCloseTo(Math.cos(p) * Math.sin(t / 2), 14);
    expect(u.data[7]).toBeCloseTo(Math.sin(p + l) * Math.cos(t / 2), 14);
  });

  it('puts the control on qubits[0], the low bit, as Qiskit does', () => {
    const one: [number, number] = [1, 0];
    const o: [number, number] = [0, 0];
    close(m('cx'), fromRows([[one, o, o, o], [o, o, o, one], [o, o, one, o], [o, one, o, o]]));
    const P0 = fromRows([[one, o], [o, o]]);
    const P1 = fromRows([[o, o], [o, one]]);
    // controlled-U = I⊗|0⟩⟨0| + U⊗|1⟩⟨1| (target on the high factor)
    const ctrl = (u: Matrix): Matrix => {
      const a = kron(I2, P0);
      const b = kron(u, P1);
      return { dim: 4, data: a.data.map((v, i) => v + b.data[i]!) };
    };
    close(m('cx'), ctrl(X));
    close(m('cy'), ctrl(Y));
    close(m('cz'), ctrl(Z));
    close(m('ch'), ctrl(m('h')));
    fc.assert(
      fc.property(angle, angle, angle, angle, (a, b, c, g) => {
        close(m('cp', a), ctrl(m('p', a)));
        close(m('crx', a), ctrl(m('rx', a)));
        close(m('cry', a), ctrl(m('ry', a)));
        close(m('crz', a), ctrl(m('rz', a)));
        close(m('cu', a, b, c, g), ctrl(scalePhase(m('u', a, b, c), g)));
      }),
      { numRuns: 30 },
    );
  });

  it('matches Qiskit for the two-qubit interactions', () => {
    fc.assert(
      fc.property(angle, (a) => {
        close(m('rxx', a), expPauli(a, kron(X, X)));
        close(m('ryy', a), expPauli(a, kron(Y, Y)));
        close(m('rzz', a), expPauli(a, kron(Z, Z)));
        // RZX(θ) = exp(-iθ/2 X⊗Z): Z on qubits[0], X on qubits[1]
        close(m('rzx', a), expPauli(a, kron(X, Z)));
      }),
      { numRuns: 30 },
    );
    // ECR = 1/√2 (IX − XY), Qiskit's definition
    const ix = kron(I2, X);
    const xy = kron(X, Y);
    close(m('ecr'), { dim: 4, data: ix.data.map((v, i) => s2 * (v - xy.data[i]!)) });
    // Qiskit's printed ecr matrix, row 1: [1, 0, -i, 0]/√2
    expect(Array.from(m('ecr').data.slice(8, 16))).toEqual([s2, 0, 0, 0, 0, -s2, 0, 0]);
    close(m('swap'), matmul(m('cx'), matmul(fullSwapCx(), m('cx'))));
    // iSWAP = exp(iπ/4 (XX + YY))
    close(m('iswap'), matmul(expPauli(-Math.PI / 2, kron(X, X)), expPauli(-Math.PI / 2, kron(Y, Y))));
  });

  it('defines the three-qubit gates with controls first', () => {
    const perm = (g: Matrix): number[] =>
      Array.from({ length: g.dim }, (_, c) => Array.from({ length: g.dim }, (_, r) => r).find((r) => g.data[2 * (r * g.dim + c)] === 1)!);
    // ccx: controls bits 0,1 → flips bit 2 of |011⟩ (3) to |111⟩ (7)
    expect(perm(m('ccx'))).toEqual([0, 1, 2, 7, 4, 5, 6, 3]);
    // cswap: control bit 0 → swaps bits 1 and 2: |011⟩ (3) ↔ |101⟩ (5)
    expect(perm(m('cswap'))).toEqual([0, 1, 2, 5, 4, 3, 6, 7]);
    expect(m('ccz').data[2 * 63]).toBe(-1);
  });
});

/** CX with the control on qubits[1]: CX(1,0) = (H⊗H) CX(0,1) (H⊗H). */
function fullSwapCx(): Matrix {
  const hh = kron(m('h'), m('h'));
  return matmul(hh, matmul(m('cx'), hh));
}

describe('gate classification', () => {
  const rank = { diagonal: 0, permutation: 1, dense: 2 } as const;
  it('structureOf agrees with GATE_KIND for generic angles and is never more general', () => {
    for (const name of NAMES) {
      const params = [0.3, 1.1, -0.7, 0.2].slice(0, STANDARD_GATES[name].params);
      expect(structureOf(gateMatrix(name, params)).kind, name).toBe(GATE_KIND[name]);
      const zeros = params.map(() => 0);
      expect(rank[structureOf(gateMatrix(name, zeros)).kind]).toBeLessThanOrEqual(rank[GATE_KIND[name]]);
    }
  });

  it('gives a permutation with phases for iswap and cy', () => {
    const s = structureOf(m('iswap'));
    expect(s.kind).toBe('permutation');
    if (s.kind !== 'permutation') return;
    expect(Array.from(s.perm)).toEqual([0, 2, 1, 3]);
    expect(Array.from(s.phases)).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
  });
});
