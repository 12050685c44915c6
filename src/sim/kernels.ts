/**
 * Statevector kernels. A state of n qubits is a Float64Array of 2^(n+1) numbers, interleaved
 * [re0, im0, re1, im1, ...]; qubit q is bit q of the amplitude index (qubit 0 = least significant bit,
 * Qiskit's order). Indices stay below 2^30 (see memory.ts), so 32-bit bit operations are safe.
 *
 * Every kernel walks the 2^(n-k) groups of amplitudes that a k-qubit operation mixes: group j's base
 * index is j with a zero bit inserted at each target qubit, and member l of the group adds `offsets[l]`
 * (bit b of l set ⇔ qubits[b] set). 1-qubit kernels use the simpler stride loop.
 */
import type { Structured } from './gates.js';

/** offsets[l] = Σ_b bit_b(l) << qubits[b]: where member l of a group sits relative to its base. */
export function groupOffsets(qubits: readonly number[]): Int32Array {
  const k = qubits.length;
  const offsets = new Int32Array(1 << k);
  for (let l = 0; l < 1 << k; l++) {
    let off = 0;
    for (let b = 0; b < k; b++) if ((l >> b) & 1) off |= 1 << qubits[b]!;
    offsets[l] = off;
  }
  return offsets;
}

/** Inserts a zero bit at each position in `sorted` (ascending), turning a group number into its base. */
function insertZeros(j: number, sorted: Int32Array): number {
  for (let t = 0; t < sorted.length; t++) {
    const q = sorted[t]!;
    const low = j & ((1 << q) - 1);
    j = ((j >> q) << (q + 1)) | low;
  }
  return j;
}

function sortedQubits(qubits: readonly number[]): Int32Array {
  return Int32Array.from(qubits).sort();
}

export function applyDense1(state: Float64Array, n: number, q: number, m: Float64Array): void {
  const m00r = m[0]!, m00i = m[1]!, m01r = m[2]!, m01i = m[3]!;
  const m10r = m[4]!, m10i = m[5]!, m11r = m[6]!, m11i = m[7]!;
  const stride = 1 << q;
  const size = 1 << n;
  for (let base = 0; base < size; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const a = i << 1;
      const b = (i + stride) << 1;
      const ar = state[a]!, ai = state[a + 1]!, br = state[b]!, bi = state[b + 1]!;
      state[a] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
      state[a + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
      state[b] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
      state[b + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
    }
  }
}

/** diag = [d0r, d0i, d1r, d1i]; an entry equal to 1 is skipped (p, t, s touch only half the state). */
export function applyDiagonal1(state: Float64Array, n: number, q: number, diag: Float64Array): void {
  const stride = 1 << q;
  const size = 1 << n;
  for (let half = 0; half < 2; half++) {
    const dr = diag[2 * half]!;
    const di = diag[2 * half + 1]!;
    if (dr === 1 && di === 0) continue;
    for (let base = half * stride; base < size; base += stride << 1) {
      const end = base + stride;
      for (let i = base; i < end; i++) {
        const a = i << 1;
        const re = state[a]!;
        const im = state[a + 1]!;
        state[a] = dr * re - di * im;
        state[a + 1] = dr * im + di * re;
      }
    }
  }
}

/** 4x4 dense kernel; matrix bit 0 is qubits q0, bit 1 is q1 (Qiskit's little-endian order). */
export function applyDense2(state: Float64Array, n: number, q0: number, q1: number, m: Float64Array): void {
  const sorted = sortedQubits([q0, q1]);
  const groups = 1 << (n - 2);
  const o1 = 1 << q0;
  const o2 = 1 << q1;
  const o3 = o1 | o2;
  const v = new Float64Array(8);
  for (let j = 0; j < groups; j++) {
    const base = insertZeros(j, sorted);
    const i0 = base << 1, i1 = (base | o1) << 1, i2 = (base | o2) << 1, i3 = (base | o3) << 1;
    v[0] = state[i0]!; v[1] = state[i0 + 1]!;
    v[2] = state[i1]!; v[3] = state[i1 + 1]!;
    v[4] = state[i2]!; v[5] = state[i2 + 1]!;
    v[6] = state[i3]!; v[7] = state[i3 + 1]!;
    for (let row = 0; row < 4; row++) {
      const r8 = row << 3;
      let re = 0;
      let im = 0;
      for (let c = 0; c < 8; c += 2) {
        const mr = m[r8 + c]!;
        const mi = m[r8 + c + 1]!;
        const xr = v[c]!;
        const xi = v[c + 1]!;
        re += mr * xr - mi * xi;
        im += mr * xi + mi * xr;
      }
      const dst = row === 0 ? i0 : row === 1 ? i1 : row === 2 ? i2 : i3;
      state[dst] = re;
      state[dst + 1] = im;
    }
  }
}

/** Generic k-qubit diagonal: only entries different from 1 cost anything (cz, ccz touch 1/4, 1/8). */
export function applyDiagonal(state: Float64Array, n: number, qubits: readonly number[], diag: Float64Array): void {
  const k = qubits.length;
  const offsets = groupOffsets(qubits);
  const sorted = sortedQubits(qubits);
  const active: number[] = [];
  for (let l = 0; l < 1 << k; l++) if (diag[2 * l] !== 1 || diag[2 * l + 1] !== 0) active.push(l);
  const groups = 1 << (n - k);
  for (let j = 0; j < groups; j++) {
    const base = insertZeros(j, sorted);
    for (const l of active) {
      const a = (base + offsets[l]!) << 1;
      const dr = diag[2 * l]!;
      const di = diag[2 * l + 1]!;
      const re = state[a]!;
      const im = state[a + 1]!;
      state[a] = dr * re - di * im;
      state[a + 1] = dr * im + di * re;
    }
  }
}

/** Generic permutation with phases: amplitude of member l moves to member perm[l], times phases[l]. */
export function applyPermutation(
  state: Float64Array,
  n: number,
  qubits: readonly number[],
  perm: Int32Array,
  phases: Float64Array,
): void {
  const k = qubits.length;
  const offsets = groupOffsets(qubits);
  const sorted = sortedQubits(qubits);
  // Members that stay put with phase 1 are skipped; the moved ones map onto themselves as a set.
  const moved: number[] = [];
  for (let l = 0; l < 1 << k; l++) {
    if (perm[l] !== l || phases[2 * l] !== 1 || phases[2 * l + 1] !== 0) moved.push(l);
  }
  const tmp = new Float64Array(2 * moved.length);
  const groups = 1 << (n - k);
  for (let j = 0; j < groups; j++) {
    const base = insertZeros(j, sorted);
    for (let t = 0; t < moved.length; t++) {
      const a = (base + offsets[moved[t]!]!) << 1;
      tmp[2 * t] = state[a]!;
      tmp[2 * t + 1] = state[a + 1]!;
    }
    for (let t = 0; t < moved.length; t++) {
      const l = moved[t]!;
      const dst = (base + offsets[perm[l]!]!) << 1;
      const pr = phases[2 * l]!;
      const pi = phases[2 * l + 1]!;
      const re = tmp[2 * t]!;
      const im = tmp[2 * t + 1]!;
      state[dst] = pr * re - pi * im;
      state[dst + 1] = pr * im + pi * re;
    }
  }
}

/** Generic dense k-qubit kernel (gather, multiply, scatter); used for 3-qubit and larger matrices. */
export function applyDenseK(state: Float64Array, n: number, qubits: readonly number[], m: Float64Array): void {
  const k = qubits.length;
  const dim = 1 << k;
  const offsets = groupOffsets(qubits);
  const sorted = sortedQubits(qubits);
  const v = new Float64Array(2 * dim);
  const groups = 1 << (n - k);
  for (let j = 0; j < groups; j++) {
    const base = insertZeros(j, sorted);
    for (let l = 0; l < dim; l++) {
      const a = (base + offsets[l]!) << 1;
      v[2 * l] = state[a]!;
      v[2 * l + 1] = state[a + 1]!;
    }
    for (let row = 0; row < dim; row++) {
      let re = 0;
      let im = 0;
      const rowOff = 2 * row * dim;
      for (let c = 0; c < dim; c++) {
        const mr = m[rowOff + 2 * c]!;
        const mi = m[rowOff + 2 * c + 1]!;
        const xr = v[2 * c]!;
        const xi = v[2 * c + 1]!;
        re += mr * xr - mi * xi;
        im += mr * xi + mi * xr;
      }
      const dst = (base + offsets[row]!) << 1;
      state[dst] = re;
      state[dst + 1] = im;
    }
  }
}

/** Applies an analysed matrix on `qubits`, choosing the cheapest kernel for its structure and size. */
export function applyStructured(state: Float64Array, n: number, qubits: readonly number[], op: Structured): void {
  const k = qubits.length;
  switch (op.kind) {
    case 'diagonal':
      if (k === 1) applyDiagonal1(state, n, qubits[0]!, op.diag);
      else applyDiagonal(state, n, qubits, op.diag);
      return;
    case 'permutation':
      applyPermutation(state, n, qubits, op.perm, op.phases);
      return;
    case 'dense':
      if (k === 1) applyDense1(state, n, qubits[0]!, op.matrix.data);
      else if (k === 2) applyDense2(state, n, qubits[0]!, qubits[1]!, op.matrix.data);
      else applyDenseK(state, n, qubits, op.matrix.data);
      return;
  }
}
