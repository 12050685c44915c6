/**
 * Noise channels, applied by quantum trajectories: each channel picks one of its Kraus branches with
 * the PRNG and applies it to the pure state, so a shot stays a statevector and averages over shots
 * (or trajectories) reproduce the density-matrix channel.
 *
 * Depolarizing convention: `p` is the probability that a Pauli error happens at all. With probability
 * p one of the 4^k − 1 non-identity k-qubit Paulis is applied, uniformly. Hence after one 1-qubit
 * channel ⟨Z⟩ → (1 − 4p/3)·⟨Z⟩, and a 2-qubit channel scales ⟨Z⊗I⟩ by (1 − 16p/15).
 * Qiskit Aer's depolarizing_error(λ, k) (ρ → (1−λ)ρ + λ·I/2^k) is the same channel with
 * p = λ·(4^k − 1)/4^k, i.e. λ = 4p/3 for one qubit and 16p/15 for two.
 *
 * Amplitude damping with decay probability γ has Kraus operators K0 = [[1,0],[0,√(1−γ)]] and
 * K1 = [[0,√γ],[0,0]]; the jump K1 is chosen with probability γ·P(qubit = 1).
 *
 * PRNG use (part of the reproducibility contract): depolarize draws one uniform, plus one more to
 * pick the Pauli when an error happens; damp draws exactly one.
 */
import { gateMatrix, structureOf, type Structured } from './gates.js';
import { applyStructured } from './kernels.js';
import { qubitProbabilities } from './measure.js';
import type { Prng } from './prng.js';

const PAULIS: readonly Structured[] = [
  structureOf(gateMatrix('x')),
  structureOf(gateMatrix('y')),
  structureOf(gateMatrix('z')),
];

export function depolarize(state: Float64Array, n: number, qubits: readonly number[], p: number, rng: Prng): void {
  if (rng.nextDouble() >= p) return;
  const k = qubits.length;
  const nonIdentity = 4 ** k - 1;
  // 1..4^k−1: base-4 digit b is the Pauli on qubits[b] (0 = I, 1 = X, 2 = Y, 3 = Z).
  let code = 1 + Math.min(nonIdentity - 1, Math.floor(rng.nextDouble() * nonIdentity));
  for (let b = 0; b < k; b++) {
    const digit = code & 3;
    code >>= 2;
    if (digit !== 0) applyStructured(state, n, [qubits[b]!], PAULIS[digit - 1]!);
  }
}

export function damp(state: Float64Array, n: number, q: number, gamma: number, rng: Prng): void {
  const [p0, p1] = qubitProbabilities(state, n, q);
  const total = p0 + p1;
  const pJump = (gamma * p1) / total;
  const u = rng.nextDouble();
  const stride = 1 << q;
  const size = 1 << n;
  if (u < pJump) {
    // K1: the |1⟩ half decays onto the |0⟩ half; the old |0⟩ half is annihilated.
    const scale = 1 / Math.sqrt(p1);
    for (let base = 0; base < size; base += stride << 1) {
      for (let i = base; i < base + stride; i++) {
        const a = i << 1;
        const b = (i + stride) << 1;
        state[a] = state[b]! * scale;
        state[a + 1] = state[b + 1]! * scale;
        state[b] = 0;
        state[b + 1] = 0;
      }
    }
    return;
  }
  // K0, renormalised: the |1⟩ half shrinks by √(1−γ), then everything by 1/√(1 − pJump).
  const norm = 1 / Math.sqrt(total * (1 - pJump));
  const one = Math.sqrt(1 - gamma) * norm;
  for (let base = 0; base < size; base += stride << 1) {
    for (let i = base; i < base + stride; i++) {
      const a = i << 1;
      const b = (i + stride) << 1;
      state[a] = state[a]! * norm;
      state[a + 1] = state[a + 1]! * norm;
      state[b] = state[b]! * one;
      state[b + 1] = state[b + 1]! * one;
    }
  }
}
