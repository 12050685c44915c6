/**
 * Binomial draws for shot branching: how many of a branch's n shots take an outcome of probability p.
 * Both engines must draw the same numbers from the same stream (native/sim/branching.cc mirrors
 * this draw for draw), so the method uses only +, −, ×, ÷ and comparisons, which IEEE 754 rounds
 * the same way everywhere:
 *
 * - p is folded to min(p, 1 − p) and the count mirrored back;
 * - when n·p ≤ INVERSION_MEAN, inversion (Kachitvichyanukul & Schmeiser's BINV): one uniform u,
 *   walk the probabilities P(0) = qⁿ, P(x) = P(x−1)·((n+1)p/q/x − p/q) until their sum passes u.
 *   qⁿ is taken by repeated squaring, so it needs no pow();
 * - above that, n is split in halves, Bin(n, p) = Bin(⌊n/2⌋, p) + Bin(⌈n/2⌉, p), until each part is
 *   small: about n·p/INVERSION_MEAN uniforms in all, and never the underflow of qⁿ for large n.
 *
 * p = 0 and p = 1 draw nothing: a deterministic outcome (a reset of a qubit already in |0⟩) costs no
 * random number.
 */
import type { Prng } from './prng.js';

/** The largest mean inversion handles; the walk takes about this many steps. */
const INVERSION_MEAN = 16;

/** x^k for an integer k ≥ 0 by repeated squaring, in a fixed order of multiplications. */
function powInt(x: number, k: number): number {
  let result = 1;
  let base = x;
  let e = k;
  while (e > 0) {
    if (e % 2 === 1) result *= base;
    base *= base;
    e = Math.floor(e / 2);
  }
  return result;
}

/** Bin(n, p) for p ≤ 1/2 by inversion; n·p is small. */
function inversion(n: number, p: number, rng: Prng): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  let r = powInt(q, n);
  let u = rng.nextDouble();
  let x = 0;
  // The x < n guard: rounding can leave u just above the sum of all n + 1 probabilities.
  while (u > r && x < n) {
    u -= r;
    x++;
    r *= a / x - s;
  }
  return x;
}

function halves(n: number, p: number, rng: Prng): number {
  if (n * p <= INVERSION_MEAN) return inversion(n, p, rng);
  const low = Math.floor(n / 2);
  const first = halves(low, p, rng);
  return first + halves(n - low, p, rng);
}

/** The number of successes in n trials of probability p (0 ≤ p ≤ 1, n a non-negative integer). */
export function binomial(n: number, p: number, rng: Prng): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - halves(n, 1 - p, rng);
  return halves(n, p, rng);
}
