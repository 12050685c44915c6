/**
 * Non-unitary state operations: probabilities, projective measurement with collapse, reset, and
 * sampling basis states from a final state.
 */
import type { Prng } from './prng.js';

/** [P(qubit q = 0), P(qubit q = 1)] of a (possibly not exactly normalised) state. */
export function qubitProbabilities(state: Float64Array, n: number, q: number): [number, number] {
  const stride = 1 << q;
  const size = 1 << n;
  let p0 = 0;
  let p1 = 0;
  for (let base = 0; base < size; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const a = i << 1;
      const b = (i + stride) << 1;
      p0 += state[a]! * state[a]! + state[a + 1]! * state[a + 1]!;
      p1 += state[b]! * state[b]! + state[b + 1]! * state[b + 1]!;
    }
  }
  return [p0, p1];
}

/** Projects qubit q onto `outcome` and rescales the kept half by `scale`. */
function project(state: Float64Array, n: number, q: number, outcome: 0 | 1, scale: number): void {
  const stride = 1 << q;
  const size = 1 << n;
  const keep = outcome === 1 ? stride : 0;
  const drop = stride - keep;
  for (let base = 0; base < size; base += stride << 1) {
    for (let i = base; i < base + stride; i++) {
      const k = (i + keep) << 1;
      const d = (i + drop) << 1;
      state[k] = state[k]! * scale;
      state[k + 1] = state[k + 1]! * scale;
      state[d] = 0;
      state[d + 1] = 0;
    }
  }
}

/**
 * Measures qubit q in the Z basis: draws one uniform from `rng`, collapses and renormalises.
 * Outcome 1 iff u·(p0+p1) < p1, so the rule does not depend on rounding in the normalisation.
 */
export function measureQubit(state: Float64Array, n: number, q: number, rng: Prng): 0 | 1 {
  const [p0, p1] = qubitProbabilities(state, n, q);
  const outcome: 0 | 1 = rng.nextDouble() * (p0 + p1) < p1 ? 1 : 0;
  const p = outcome === 1 ? p1 : p0;
  project(state, n, q, outcome, 1 / Math.sqrt(p));
  return outcome;
}

/** Reset to |0⟩: measure (one uniform), then, on outcome 1, move the |1⟩ half onto the |0⟩ half. */
export function resetQubit(state: Float64Array, n: number, q: number, rng: Prng): void {
  if (measureQubit(state, n, q, rng) === 0) return;
  const stride = 1 << q;
  const size = 1 << n;
  for (let base = 0; base < size; base += stride << 1) {
    for (let i = base; i < base + stride; i++) {
      const a = i << 1;
      const b = (i + stride) << 1;
      state[a] = state[b]!;
      state[a + 1] = state[b + 1]!;
      state[b] = 0;
      state[b + 1] = 0;
    }
  }
}

/**
 * Overwrites the first half of `state` with cumulative probabilities and returns that view, so
 * sampling needs no second 2^n buffer. Safe in place: entry i is written after reading 2i and 2i+1,
 * and every later read is at an index above i. The state is destroyed.
 */
export function cumulativeInPlace(state: Float64Array): Float64Array {
  const size = state.length >> 1;
  let acc = 0;
  for (let i = 0; i < size; i++) {
    const re = state[2 * i]!;
    const im = state[2 * i + 1]!;
    acc += re * re + im * im;
    state[i] = acc;
  }
  return state.subarray(0, size);
}

/**
 * Draws one basis index from cumulative probabilities with one uniform and a binary search: the first
 * i with cum[i] > u·total (so zero-probability states are never drawn).
 */
export function sampleIndex(cum: Float64Array, rng: Prng): number {
  const size = cum.length;
  const target = rng.nextDouble() * cum[size - 1]!;
  let lo = 0;
  let hi = size - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Draws `shots` i.i.d. basis indices in O(2^n + shots), touching the cumulative array in order:
 * 1. sorted uniforms u(1) ≤ … ≤ u(shots) from exponential spacings (Devroye, "Non-Uniform Random
 *    Variate Generation", V.3): partial sums of shots+1 standard exponentials divided by their total;
 * 2. one merge-like walk of `cum` maps each to the first i with cum[i] > u·total;
 * 3. a Fisher–Yates shuffle restores an i.i.d. order (the sorted multiset is exactly that of i.i.d.
 *    draws, and a uniform shuffle of it is distributed as an i.i.d. sequence).
 * PRNG use: shots+1 uniforms for the spacings, then shots−1 for the shuffle.
 * Binary search per shot would be O(shots·n) with a cache miss per step on large states.
 */
export function sampleIndices(cum: Float64Array, shots: number, rng: Prng): Int32Array {
  const spacings = new Float64Array(shots);
  let acc = 0;
  for (let s = 0; s < shots; s++) {
    acc -= Math.log(1 - rng.nextDouble());
    spacings[s] = acc;
  }
  const total = acc - Math.log(1 - rng.nextDouble());
  const size = cum.length;
  const scale = cum[size - 1]! / total;
  const out = new Int32Array(shots);
  let i = 0;
  for (let s = 0; s < shots; s++) {
    const target = spacings[s]! * scale;
    while (i < size - 1 && cum[i]! <= target) i++;
    out[s] = i;
  }
  for (let s = shots - 1; s > 0; s--) {
    const j = Math.floor(rng.nextDouble() * (s + 1));
    const t = out[s]!;
    out[s] = out[j]!;
    out[j] = t;
  }
  return out;
}

/**
 * Collapses qubit q onto `outcome` of probability p (as a measurement does) and, for a reset, moves
 * outcome 1 onto |0⟩. The branches of shot branching take their outcome this way.
 */
export function collapse(state: Float64Array, n: number, q: number, outcome: 0 | 1, p: number, reset: boolean): void {
  project(state, n, q, outcome, 1 / Math.sqrt(p));
  if (!reset || outcome === 0) return;
  const stride = 1 << q;
  const size = 1 << n;
  for (let base = 0; base < size; base += stride << 1) {
    for (let i = base; i < base + stride; i++) {
      const a = i << 1;
      const b = (i + stride) << 1;
      state[a] = state[b]!;
      state[a + 1] = state[b + 1]!;
      state[b] = 0;
      state[b + 1] = 0;
    }
  }
}

/**
 * |⟨ψ₀|ψ₁⟩|², where ψ₀ and ψ₁ are the q = 0 and q = 1 halves of the state seen as states of the
 * other qubits. It equals P(0)·P(1) exactly when qubit q is not entangled with the rest: a reset then
 * leaves the same state whichever outcome it drew, and its two branches are one.
 */
export function halvesOverlap(state: Float64Array, n: number, q: number): number {
  const stride = 1 << q;
  const size = 1 << n;
  let re = 0;
  let im = 0;
  for (let base = 0; base < size; base += stride << 1) {
    for (let i = base; i < base + stride; i++) {
      const a = i << 1;
      const b = (i + stride) << 1;
      // conj(ψ[a]) · ψ[b]
      re += state[a]! * state[b]! + state[a + 1]! * state[b + 1]!;
      im += state[a]! * state[b + 1]! - state[a + 1]! * state[b]!;
    }
  }
  return re * re + im * im;
}
