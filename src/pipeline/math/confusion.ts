/**
 * Tensored readout mitigation. Each measured qubit q has a 2×2 confusion matrix
 *   A_q = [[P(0|0), P(0|1)], [P(1|0), P(1|1)]]   (column = prepared, row = read),
 * learned from two calibration circuits (all qubits in |0⟩, all in |1⟩). Errors are assumed
 * uncorrelated between qubits, so the full matrix is A = ⊗ A_q and its inverse ⊗ A_q⁻¹ never has to be
 * built: it is applied one qubit axis at a time, O(n·2ⁿ).
 *
 * Bitstrings here are integers: bit i is measured qubit i of the `qubits` list the caller passes.
 */
import { QrunError } from '../../errors.js';

export interface Confusion {
  /** P(read 1 | prepared 0). */
  readonly p01: number;
  /** P(read 0 | prepared 1). */
  readonly p10: number;
}

/** A_q⁻¹ as [[a, b], [c, d]]; null when A_q is singular (P(0|0) + P(1|1) = 1: the readout carries no information). */
function inverseConfusion(c: Confusion): [number, number, number, number] | null {
  const a = 1 - c.p01;
  const b = c.p10;
  const cc = c.p01;
  const d = 1 - c.p10;
  const det = a * d - b * cc;
  if (Math.abs(det) < 1e-9) return null;
  return [d / det, -b / det, -cc / det, a / det];
}

/** Per-qubit confusion from calibration counts: zeros[q] = times qubit q read 1 when all were |0⟩, etc. */
export function confusionFromCalibration(readOneGivenZero: readonly number[], readZeroGivenOne: readonly number[], shots: number): Confusion[] {
  return readOneGivenZero.map((ones, q) => ({ p01: ones / shots, p10: (readZeroGivenOne[q] ?? 0) / shots }));
}

/** ⊗ A_q⁻¹ applied to a full probability vector over 2ⁿ outcomes (n = confusions.length). */
export function mitigateFull(probabilities: Float64Array, confusions: readonly Confusion[]): Float64Array {
  const out = Float64Array.from(probabilities);
  confusions.forEach((c, q) => {
    const inv = inverseConfusion(c);
    if (inv === null) throw new QrunError('PIPELINE_STEP_FAILED', `readout of measured qubit ${q} is uninformative (P(0|0) + P(1|1) = 1); cannot invert`, {
        hint: 'The calibration circuits measured no difference between |0> and |1> on this qubit: check the backend, or run without readout mitigation.',
      });
    const [a, b, cc, d] = inv;
    const stride = 1 << q;
    for (let base = 0; base < out.length; base += stride << 1) {
      for (let i = base; i < base + stride; i++) {
        const x0 = out[i]!;
        const x1 = out[i + stride]!;
        out[i] = a * x0 + b * x1;
        out[i + stride] = cc * x0 + d * x1;
      }
    }
  });
  return out;
}

/**
 * Mitigated ⟨Z_S⟩ directly from raw counts, without building any distribution:
 *   ⟨z_S, A⁻¹ p⟩ = ⟨A⁻ᵀ z_S, p⟩, and A⁻ᵀ z_S = ⊗_{q∈S} A_q⁻ᵀ (1, −1) ⊗_{q∉S} (1, 1)
 * because every column of A_q sums to 1. So each shot x contributes Π_{q∈S} v_q[x_q]. Returns the
 * value and its shot-noise standard error (the spread of those per-shot weights over √shots).
 */
export function mitigatedParity(counts: ReadonlyMap<number, number>, support: readonly number[], confusions: readonly Confusion[]): { value: number; std: number } {
  const weights = support.map((q) => {
    const c = confusions[q];
    const inv = c === undefined ? ([1, 0, 0, 1] as const) : inverseConfusion(c);
    if (inv === null) throw new QrunError('PIPELINE_STEP_FAILED', `readout of qubit ${q} is uninformative; cannot invert`, {
        hint: 'The calibration circuits measured no difference between |0> and |1> on this qubit: check the backend, or run without readout mitigation.',
      });
    const [a, b, cc, d] = inv;
    // A⁻ᵀ (1, −1) = (a − c, b − d).
    return [a - cc, b - d] as const;
  });
  let shots = 0;
  let sum = 0;
  let sumSq = 0;
  for (const [x, n] of counts) {
    let w = 1;
    support.forEach((q, k) => {
      w *= weights[k]![(x >> q) & 1]!;
    });
    shots += n;
    sum += n * w;
    sumSq += n * w * w;
  }
  if (shots === 0) return { value: 0, std: 0 };
  const value = sum / shots;
  return { value, std: Math.sqrt(Math.max(0, sumSq / shots - value * value) / shots) };
}

/**
 * Mitigation restricted to the observed bitstrings, for widths where 2ⁿ is out of reach (the idea of
 * Nation et al.'s M3, 2021): solve Ã q = p on the subspace S of observed outcomes, where Ã is A
 * restricted to S × S with only pairs within Hamming distance `distance` (farther ones are tiny) and
 * each column renormalised to sum to 1 over S. Ã is strongly diagonal for realistic error rates, so
 * Jacobi iteration converges in a few rounds.
 */
export function mitigateSubspace(
  counts: ReadonlyMap<number, number>,
  confusions: readonly Confusion[],
  distance = 3,
  tolerance = 1e-10,
  maxIterations = 200,
): Map<number, number> {
  const keys = [...counts.keys()];
  const shots = [...counts.values()].reduce((a, b) => a + b, 0);
  const p = keys.map((k) => (counts.get(k) ?? 0) / shots);
  const n = confusions.length;
  const entry = (read: number, prepared: number): number => {
    let v = 1;
    for (let q = 0; q < n; q++) {
      const r = (read >> q) & 1;
      const s = (prepared >> q) & 1;
      const c = confusions[q]!;
      v *= s === 0 ? (r === 0 ? 1 - c.p01 : c.p01) : r === 0 ? c.p10 : 1 - c.p10;
    }
    return v;
  };
  const popcount = (x: number): number => {
    let c = 0;
    for (let v = x; v !== 0; v &= v - 1) c++;
    return c;
  };
  // Columns (prepared = keys[j]) of Ã, as sparse lists of (row, value), renormalised over S.
  const rows: { j: number; v: number }[][] = keys.map(() => []);
  const diag = new Float64Array(keys.length);
  for (let j = 0; j < keys.length; j++) {
    const column: { i: number; v: number }[] = [];
    let total = 0;
    for (let i = 0; i < keys.length; i++) {
      if (popcount(keys[i]! ^ keys[j]!) > distance) continue;
      const v = entry(keys[i]!, keys[j]!);
      column.push({ i, v });
      total += v;
    }
    for (const { i, v } of column) {
      if (i === j) diag[j] = v / total;
      else rows[i]!.push({ j, v: v / total });
    }
  }
  let q = Float64Array.from(p);
  for (let it = 0; it < maxIterations; it++) {
    const next = new Float64Array(keys.length);
    let change = 0;
    for (let i = 0; i < keys.length; i++) {
      let off = 0;
      for (const { j, v } of rows[i]!) off += v * q[j]!;
      next[i] = (p[i]! - off) / diag[i]!;
      change = Math.max(change, Math.abs(next[i]! - q[i]!));
    }
    q = next;
    if (change < tolerance) break;
  }
  return new Map(keys.map((k, i) => [k, q[i]!]));
}
