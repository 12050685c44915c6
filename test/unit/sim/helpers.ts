/**
 * Hand-built circuits and an independent dense-matrix reference for the simulator tests. The
 * reference builds each gate's full 2^n x 2^n matrix and multiplies: slow, obviously correct, and
 * sharing nothing with the kernels or fusion beyond the 2x2..8x8 gate matrices (tested on their own).
 */
import fc from 'fast-check';
import type { Circuit, Expr, Op } from '../../../src/circuit/ir.js';
import { STANDARD_GATES, type StandardGateName } from '../../../src/circuit/ir.js';
import type { ShotMemory } from '../../../src/sim/api.js';
import { gateMatrix, kron, type Matrix } from '../../../src/sim/index.js';

export const num = (value: number): Expr => ({ kind: 'num', value });

export function gate(name: StandardGateName, qubits: number[], ...params: number[]): Op {
  return { kind: 'gate', name, qubits, params: params.map(num) };
}

export const measure = (qubit: number, clbit: number): Op => ({ kind: 'measure', qubit, clbit });
export const reset = (qubit: number): Op => ({ kind: 'reset', qubit });
export const ifEq = (clbits: number[], value: number, then: Op[], otherwise: Op[] = []): Op => ({
  kind: 'if',
  condition: { clbits, value },
  then,
  else: otherwise,
});

export function circuit(numQubits: number, ops: Op[], numClbits = 0, parameters: string[] = []): Circuit {
  return {
    numQubits,
    numClbits,
    clbitRegisters: numClbits > 0 ? [{ name: 'c', size: numClbits, offset: 0 }] : [],
    parameters,
    physicalQubits: null,
    ops,
  };
}

/** Measures every qubit i into clbit i. */
export function measureAll(n: number): Op[] {
  return Array.from({ length: n }, (_, q) => measure(q, q));
}

/** The full 2^n matrix of a gate matrix on `qubits`: entry (r, c) is G[local(r), local(c)] when the other bits agree. */
export function fullMatrix(n: number, qubits: readonly number[], g: Matrix): Matrix {
  const dim = 1 << n;
  const data = new Float64Array(2 * dim * dim);
  let mask = 0;
  for (const q of qubits) mask |= 1 << q;
  const local = (i: number): number => qubits.reduce((acc, q, b) => acc | (((i >> q) & 1) << b), 0);
  for (let r = 0; r < dim; r++) {
    for (let c = 0; c < dim; c++) {
      if ((r & ~mask) !== (c & ~mask)) continue;
      const e = 2 * (local(r) * g.dim + local(c));
      data[2 * (r * dim + c)] = g.data[e]!;
      data[2 * (r * dim + c) + 1] = g.data[e + 1]!;
    }
  }
  return { dim, data };
}

export function matVec(m: Matrix, v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  for (let r = 0; r < m.dim; r++) {
    let re = 0;
    let im = 0;
    for (let c = 0; c < m.dim; c++) {
      const mr = m.data[2 * (r * m.dim + c)]!;
      const mi = m.data[2 * (r * m.dim + c) + 1]!;
      re += mr * v[2 * c]! - mi * v[2 * c + 1]!;
      im += mr * v[2 * c + 1]! + mi * v[2 * c]!;
    }
    out[2 * r] = re;
    out[2 * r + 1] = im;
  }
  return out;
}

/** Reference statevector of a circuit made of numeric-parameter gates only. */
export function naiveStatevector(c: Circuit): Float64Array {
  let v: Float64Array = new Float64Array(2 << c.numQubits);
  v[0] = 1;
  for (const op of c.ops) {
    if (op.kind !== 'gate') continue;
    const params = op.params.map((e) => (e.kind === 'num' ? e.value : Number.NaN));
    v = matVec(fullMatrix(c.numQubits, op.qubits, gateMatrix(op.name as StandardGateName, params)), v);
  }
  return v;
}

const PAULI_1Q: Record<string, Matrix> = {
  I: gateMatrix('id'),
  X: gateMatrix('x'),
  Y: gateMatrix('y'),
  Z: gateMatrix('z'),
};

/** ⟨ψ|P|ψ⟩ by building the full Pauli matrix (label little-endian: first character = highest qubit). */
export function naivePauli(state: Float64Array, label: string): number {
  let m: Matrix | null = null;
  for (const ch of label) {
    const p = PAULI_1Q[ch]!;
    m = m === null ? p : kron(m, p);
  }
  const pv = matVec(m!, state);
  let re = 0;
  for (let i = 0; i < state.length; i += 2) re += state[i]! * pv[i]! + state[i + 1]! * pv[i + 1]!;
  return re;
}

export function maxDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Reads shot s's classical bits as an integer (clbit i = bit i). */
export function shotValue(mem: ShotMemory, s: number): number {
  let v = 0;
  for (let b = 0; b < mem.bytesPerShot; b++) v += mem.memory[s * mem.bytesPerShot + b]! * 256 ** b;
  return v;
}

export function counts(mem: ShotMemory): Map<number, number> {
  const out = new Map<number, number>();
  for (let s = 0; s < mem.shots; s++) {
    const v = shotValue(mem, s);
    out.set(v, (out.get(v) ?? 0) + 1);
  }
  return out;
}

/**
 * |observed − N·p| allowed for a binomial count: 5σ with σ = √(N·p·(1−p)). A correct simulator
 * misses by more with probability < 6e-7 per check, and the seeds are fixed, so a failure is a bug,
 * not bad luck.
 */
export function binomialBound(shots: number, p: number, sigmas = 5): number {
  return sigmas * Math.sqrt(shots * p * (1 - p));
}

const GATE_NAMES = Object.keys(STANDARD_GATES) as StandardGateName[];

/** A random gate on distinct qubits of an n-qubit register (only gates that fit). */
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
    .map(({ name, perm, params }) => {
      const spec = STANDARD_GATES[name];
      return gate(name, perm.slice(0, spec.qubits), ...params.slice(0, spec.params));
    });
}

/** A random unitary circuit of 1..maxQubits qubits. */
export function arbitraryCircuit(maxQubits: number, maxGates: number): fc.Arbitrary<Circuit> {
  return fc
    .integer({ min: 1, max: maxQubits })
    .chain((n) => fc.array(arbitraryGate(n), { minLength: 0, maxLength: maxGates }).map((ops) => circuit(n, ops)));
}
