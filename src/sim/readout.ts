/**
 * Expectation values as a readout-noisy measurement would report them, computed exactly.
 *
 * Measuring Pauli P means rotating each qubit of its support S to the Z basis (H for X, H·S† for Y),
 * reading bits b_q and averaging Π_{q∈S} (−1)^{b'_q}, where b' is b after the readout flips
 * (0→1 with p01, 1→0 with p10). Given b_q, E[(−1)^{b'_q}] is 1 − 2·p01 for b_q = 0 and −(1 − 2·p10)
 * for b_q = 1, independently per qubit, so the reported value is
 *   Σ_i |⟨i|U|ψ⟩|² · (1 − 2·p01)^{|S| − k(i)} · (−(1 − 2·p10))^{k(i)},   k(i) = popcount(i & S).
 * One rotated copy of the state and one pass per term; with p01 = p10 = 0 this is exactly ⟨P⟩.
 */
import type { NoiseModel } from './api.js';
import { gateMatrix, structureOf } from './gates.js';
import { applyStructured } from './kernels.js';
import type { PauliTerm } from './pauli.js';

const H = structureOf(gateMatrix('h'));
const SDG = structureOf(gateMatrix('sdg'));

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Readout-affected ⟨P⟩ for each term. `scratch` must have the state's length; it is overwritten
 * (passing it in lets trajectory loops reuse one buffer).
 */
export function readoutExpectations(
  state: Float64Array,
  n: number,
  terms: readonly PauliTerm[],
  readout: NonNullable<NoiseModel['readout']>,
  scratch: Float64Array,
): Float64Array {
  const values = new Float64Array(terms.length);
  const size = 1 << n;
  const good0 = 1 - 2 * readout.p01;
  const good1 = -(1 - 2 * readout.p10);
  terms.forEach((term, t) => {
    const support = term.x | term.z;
    scratch.set(state);
    for (let q = 0; q < n; q++) {
      const bit = 1 << q;
      if ((term.x & bit) === 0) continue; // Z or I: already the measured basis
      if ((term.z & bit) !== 0) applyStructured(scratch, n, [q], SDG); // Y
      applyStructured(scratch, n, [q], H);
    }
    const s = popcount(support);
    const weight = Float64Array.from({ length: s + 1 }, (_, k) => good0 ** (s - k) * good1 ** k);
    let acc = 0;
    for (let i = 0; i < size; i++) {
      const re = scratch[2 * i]!;
      const im = scratch[2 * i + 1]!;
      acc += (re * re + im * im) * weight[popcount(i & support)]!;
    }
    values[t] = acc;
  });
  return values;
}
