/**
 * A density-matrix reference for tiny circuits: ρ → GρG† for each gate, then the engine's
 * depolarizing channel exactly, ρ → (1 − p)ρ + p/(4^k − 1) Σ_{P≠I} PρP (src/sim/noise.ts). Slow and
 * obviously correct: it gives noisy expectation values without trajectory sampling.
 */
import type { Circuit } from '../../../src/circuit/ir.js';
import { evalExpr, type StandardGateName } from '../../../src/circuit/ir.js';
import { dagger, gateMatrix, kron, matmul, type Matrix } from '../../../src/sim/index.js';
import { fullMatrix } from '../sim/helpers.js';

const PAULIS = ['id', 'x', 'y', 'z'].map((n) => gateMatrix(n as StandardGateName));

function add(a: Matrix, b: Matrix, sa: number, sb: number): Matrix {
  return { dim: a.dim, data: a.data.map((v, i) => sa * v + sb * b.data[i]!) };
}

function depolarize(rho: Matrix, n: number, qubits: readonly number[], p: number): Matrix {
  const k = qubits.length;
  let sum: Matrix = { dim: rho.dim, data: new Float64Array(rho.data.length) };
  for (let code = 1; code < 4 ** k; code++) {
    const local = k === 1 ? PAULIS[code]! : kron(PAULIS[code >> 2]!, PAULIS[code & 3]!);
    const full = fullMatrix(n, qubits, local);
    sum = add(sum, matmul(matmul(full, rho), full), 1, 1);
  }
  return add(rho, sum, 1 - p, p / (4 ** k - 1));
}

/** Tr(ρ P) for a little-endian Pauli label. */
export function densityExpectation(c: Circuit, label: string, p1: number, p2: number): number {
  const n = c.numQubits;
  const dim = 1 << n;
  let rho: Matrix = { dim, data: new Float64Array(2 * dim * dim) };
  rho.data[0] = 1;
  for (const op of c.ops) {
    if (op.kind !== 'gate') continue;
    const g = fullMatrix(n, op.qubits, gateMatrix(op.name as StandardGateName, op.params.map((e) => evalExpr(e, new Map()))));
    rho = matmul(matmul(g, rho), dagger(g));
    const p = op.qubits.length === 1 ? p1 : p2;
    if (p > 0) rho = depolarize(rho, n, op.qubits, p);
  }
  let obs: Matrix | undefined;
  for (let q = n - 1; q >= 0; q--) {
    const m = PAULIS['IXYZ'.indexOf(label[n - 1 - q]!)]!;
    obs = obs === undefined ? m : kron(obs, m);
  }
  const prod = matmul(rho, obs!);
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += prod.data[2 * (i * dim + i)]!;
  return trace;
}
