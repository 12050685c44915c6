/**
 * The unitary of every gate in STANDARD_GATES, with Qiskit's definitions and global phases exactly
 * (so statevectors, not just probabilities, agree with Qiskit's Operator(gate)).
 *
 * Qubit order follows Qiskit: bit j of a matrix index is the state of qubits[j], so qubits[0] is the
 * LOW bit. For controlled gates qubits[0] is the control: CX on [c, t] swaps indices 1 (c=1,t=0) and
 * 3 (c=1,t=1), giving Qiskit's printed matrix [[1,0,0,0],[0,0,0,1],[0,0,1,0],[0,1,0,0]].
 */
import { STANDARD_GATES, type StandardGateName } from '../circuit/ir.js';
import { fromRows, identity, scalePhase, type Matrix } from './matrix.js';

/**
 * How a gate's matrix is shaped, which decides the kernel: a diagonal gate multiplies amplitudes in
 * place, a permutation (with phases) moves them, a dense gate mixes them.
 */
export type GateKind = 'diagonal' | 'permutation' | 'dense';

/** The kind of each gate for generic parameter values (special angles may be even simpler). */
export const GATE_KIND: Readonly<Record<StandardGateName, GateKind>> = {
  id: 'diagonal',
  z: 'diagonal',
  s: 'diagonal',
  sdg: 'diagonal',
  t: 'diagonal',
  tdg: 'diagonal',
  rz: 'diagonal',
  p: 'diagonal',
  u1: 'diagonal',
  cz: 'diagonal',
  cp: 'diagonal',
  crz: 'diagonal',
  rzz: 'diagonal',
  ccz: 'diagonal',
  x: 'permutation',
  y: 'permutation',
  cx: 'permutation',
  cy: 'permutation',
  swap: 'permutation',
  iswap: 'permutation',
  ccx: 'permutation',
  cswap: 'permutation',
  h: 'dense',
  sx: 'dense',
  sxdg: 'dense',
  rx: 'dense',
  ry: 'dense',
  u2: 'dense',
  u3: 'dense',
  u: 'dense',
  ch: 'dense',
  crx: 'dense',
  cry: 'dense',
  cu: 'dense',
  ecr: 'dense',
  rxx: 'dense',
  ryy: 'dense',
  rzx: 'dense',
};

type C = readonly [number, number];
const O: C = [0, 0];
const ONE: C = [1, 0];
const I_: C = [0, 1];
const cis = (phi: number): C => [Math.cos(phi), Math.sin(phi)];
const r = (x: number): C => [x, 0];
const im = (x: number): C => [0, x];
const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const SQRT1_2 = Math.SQRT1_2;

/** Qiskit's U(θ, φ, λ) = [[cos θ/2, -e^{iλ} sin θ/2], [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]]. */
function u3(theta: number, phi: number, lambda: number): Matrix {
  const c = Math.cos(theta / 2);
  const s = Math.sin(theta / 2);
  const el = cis(lambda);
  return fromRows([
    [r(c), [-el[0] * s, -el[1] * s]],
    [mul(cis(phi), r(s)), mul(cis(phi + lambda), r(c))],
  ]);
}

function diag(...entries: C[]): Matrix {
  return fromRows(entries.map((e, i) => entries.map((_, j) => (i === j ? e : O))));
}

/** Controlled-U with the control on qubits[0] (the low bit) and U acting on qubits[1]. */
function controlled(u: Matrix): Matrix {
  const m = identity(4);
  const d = m.data;
  for (const row of [0, 1]) for (const col of [0, 1]) {
    const R = 1 + 2 * row;
    const Cc = 1 + 2 * col;
    d[2 * (R * 4 + Cc)] = u.data[2 * (row * 2 + col)]!;
    d[2 * (R * 4 + Cc) + 1] = u.data[2 * (row * 2 + col) + 1]!;
  }
  return m;
}

/** A permutation matrix: column c has a 1 in row perm[c]. */
function permutation(perm: readonly number[]): Matrix {
  const n = perm.length;
  const data = new Float64Array(2 * n * n);
  perm.forEach((row, col) => {
    data[2 * (row * n + col)] = 1;
  });
  return { dim: n, data };
}

const X = fromRows([[O, ONE], [ONE, O]]);
const Y = fromRows([[O, im(-1)], [I_, O]]);
const Z = diag(ONE, r(-1));
const H = fromRows([[r(SQRT1_2), r(SQRT1_2)], [r(SQRT1_2), r(-SQRT1_2)]]);

function rx(theta: number): Matrix {
  const c = Math.cos(theta / 2);
  const s = Math.sin(theta / 2);
  return fromRows([[r(c), im(-s)], [im(-s), r(c)]]);
}

function ry(theta: number): Matrix {
  const c = Math.cos(theta / 2);
  const s = Math.sin(theta / 2);
  return fromRows([[r(c), r(-s)], [r(s), r(c)]]);
}

function rz(theta: number): Matrix {
  return diag(cis(-theta / 2), cis(theta / 2));
}

/** exp(-i θ/2 · P) for a 2-qubit Pauli P given as a real-or-imaginary 4x4 with P² = I. */
function pauliRotation(theta: number, pauli: Matrix): Matrix {
  const c = Math.cos(theta / 2);
  const s = Math.sin(theta / 2);
  const out = new Float64Array(32);
  for (let i = 0; i < 16; i++) {
    const pr = pauli.data[2 * i]!;
    const pi = pauli.data[2 * i + 1]!;
    // c·I − i·s·P
    out[2 * i] = (i % 5 === 0 ? c : 0) + s * pi;
    out[2 * i + 1] = -s * pr;
  }
  return { dim: 4, data: out };
}

/** Number of parameters a gate takes. */
function arityCheck(name: StandardGateName, params: readonly number[]): void {
  const want = STANDARD_GATES[name].params;
  if (params.length !== want) {
    throw new RangeError(`gate ${name} takes ${want} parameter(s), got ${params.length}`);
  }
}

const p = (params: readonly number[], i: number): number => params[i] ?? 0;

/** The unitary of a standard gate, bound to numeric parameters, in Qiskit's convention (see top). */
export function gateMatrix(name: StandardGateName, params: readonly number[] = []): Matrix {
  arityCheck(name, params);
  switch (name) {
    case 'id':
      return identity(2);
    case 'x':
      return X;
    case 'y':
      return Y;
    case 'z':
      return Z;
    case 'h':
      return H;
    case 's':
      return diag(ONE, I_);
    case 'sdg':
      return diag(ONE, im(-1));
    case 't':
      return diag(ONE, cis(Math.PI / 4));
    case 'tdg':
      return diag(ONE, cis(-Math.PI / 4));
    case 'sx':
      // sqrt(X) = 1/2 [[1+i, 1-i], [1-i, 1+i]]; note: e^{iπ/4}·RX(π/2), not RX(π/2) itself.
      return fromRows([[[0.5, 0.5], [0.5, -0.5]], [[0.5, -0.5], [0.5, 0.5]]]);
    case 'sxdg':
      return fromRows([[[0.5, -0.5], [0.5, 0.5]], [[0.5, 0.5], [0.5, -0.5]]]);
    case 'rx':
      return rx(p(params, 0));
    case 'ry':
      return ry(p(params, 0));
    case 'rz':
      return rz(p(params, 0));
    case 'p':
    case 'u1':
      return diag(ONE, cis(p(params, 0)));
    case 'u2':
      return u3(Math.PI / 2, p(params, 0), p(params, 1));
    case 'u3':
    case 'u':
      return u3(p(params, 0), p(params, 1), p(params, 2));
    case 'cx':
      return permutation([0, 3, 2, 1]);
    case 'cy':
      return controlled(Y);
    case 'cz':
      return diag(ONE, ONE, ONE, r(-1));
    case 'ch':
      return controlled(H);
    case 'swap':
      return permutation([0, 2, 1, 3]);
    case 'iswap':
      return fromRows([
        [ONE, O, O, O],
        [O, O, I_, O],
        [O, I_, O, O],
        [O, O, O, ONE],
      ]);
    case 'ecr':
      // Qiskit: ECR = 1/√2 (IX − XY) = 1/√2 [[0,1,0,i],[1,0,-i,0],[0,i,0,1],[-i,0,1,0]]
      // (X on qubits[0]; X⊗Y means X on qubits[1], Y on qubits[0]).
      return fromRows([
        [O, r(SQRT1_2), O, im(SQRT1_2)],
        [r(SQRT1_2), O, im(-SQRT1_2), O],
        [O, im(SQRT1_2), O, r(SQRT1_2)],
        [im(-SQRT1_2), O, r(SQRT1_2), O],
      ]);
    case 'cp':
      return diag(ONE, ONE, ONE, cis(p(params, 0)));
    case 'crx':
      return controlled(rx(p(params, 0)));
    case 'cry':
      return controlled(ry(p(params, 0)));
    case 'crz':
      return controlled(rz(p(params, 0)));
    case 'cu':
      // Qiskit's CU(θ, φ, λ, γ): controlled e^{iγ}·U(θ, φ, λ); the phase γ only touches the control=1 block.
      return controlled(scalePhase(u3(p(params, 0), p(params, 1), p(params, 2)), p(params, 3)));
    case 'rxx':
      return pauliRotation(p(params, 0), fromRows([
        [O, O, O, ONE],
        [O, O, ONE, O],
        [O, ONE, O, O],
        [ONE, O, O, O],
      ]));
    case 'ryy':
      return pauliRotation(p(params, 0), fromRows([
        [O, O, O, r(-1)],
        [O, O, ONE, O],
        [O, ONE, O, O],
        [r(-1), O, O, O],
      ]));
    case 'rzz': {
      const a = cis(-p(params, 0) / 2);
      const b = cis(p(params, 0) / 2);
      return diag(a, b, b, a);
    }
    case 'rzx':
      // Qiskit: RZX(θ) on [q0, q1] = exp(-iθ/2 · X⊗Z): Z on qubits[0], X on qubits[1].
      return pauliRotation(p(params, 0), fromRows([
        [O, O, ONE, O],
        [O, O, O, r(-1)],
        [ONE, O, O, O],
        [O, r(-1), O, O],
      ]));
    case 'ccx':
      // Controls qubits[0], qubits[1] (bits 0, 1); target qubits[2] (bit 2): swap |011⟩ and |111⟩.
      return permutation([0, 1, 2, 7, 4, 5, 6, 3]);
    case 'ccz':
      return diag(ONE, ONE, ONE, ONE, ONE, ONE, ONE, r(-1));
    case 'cswap':
      // Control qubits[0] (bit 0); swaps qubits[1] and qubits[2] when it is 1: |011⟩ ↔ |101⟩.
      return permutation([0, 1, 2, 5, 4, 3, 6, 7]);
  }
}

/** A matrix analysed into the form its kernel wants. */
export type Structured =
  | { readonly kind: 'diagonal'; readonly diag: Float64Array }
  | { readonly kind: 'permutation'; readonly perm: Int32Array; readonly phases: Float64Array }
  | { readonly kind: 'dense'; readonly matrix: Matrix };

/**
 * Finds the cheapest exact structure of a matrix. Zeros are tested exactly: a fused product whose
 * off-diagonal entries are 1e-17 stays dense, which is slower but never wrong.
 * diag[2j..2j+1] is entry (j, j); for a permutation, column c's only entry is phases[2c..2c+1] at
 * row perm[c].
 */
export function structureOf(m: Matrix): Structured {
  const n = m.dim;
  const d = m.data;
  let diagonal = true;
  const perm = new Int32Array(n).fill(-1);
  const phases = new Float64Array(2 * n);
  let isPerm = true;
  for (let c = 0; c < n; c++) {
    for (let row = 0; row < n; row++) {
      const re = d[2 * (row * n + c)]!;
      const imv = d[2 * (row * n + c) + 1]!;
      if (re === 0 && imv === 0) continue;
      if (row !== c) diagonal = false;
      if (perm[c] !== -1) isPerm = false;
      perm[c] = row;
      phases[2 * c] = re;
      phases[2 * c + 1] = imv;
    }
    if (perm[c] === -1) isPerm = false;
  }
  if (diagonal && isPerm) return { kind: 'diagonal', diag: phases };
  if (isPerm) return { kind: 'permutation', perm, phases };
  return { kind: 'dense', matrix: m };
}
