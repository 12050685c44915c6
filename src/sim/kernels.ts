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
function groupOffsets(qubits: readonly number[]): Int32Array {
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

function applyDense1(state: Float64Array, n: number, q: number, m: Float64Array): void {
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

/**
 * diag = [d0r, d0i, d1r, d1i]. One pass over the pairs; a half whose entry is exactly 1 is not
 * touched (p, t, s only scale the |1⟩ half).
 */
function applyDiagonal1(state: Float64Array, n: number, q: number, diag: Float64Array): void {
  const d0r = diag[0]!, d0i = diag[1]!, d1r = diag[2]!, d1i = diag[3]!;
  const skip0 = d0r === 1 && d0i === 0;
  const skip1 = d1r === 1 && d1i === 0;
  if (skip0 && skip1) return;
  const stride = 1 << q;
  const size = 1 << n;
  for (let base = 0; base < size; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      if (!skip0) {
        const a = i << 1;
        const re = state[a]!;
        const im = state[a + 1]!;
        state[a] = d0r * re - d0i * im;
        state[a + 1] = d0r * im + d0i * re;
      }
      if (!skip1) {
        const b = (i + stride) << 1;
        const re = state[b]!;
        const im = state[b + 1]!;
        state[b] = d1r * re - d1i * im;
        state[b + 1] = d1r * im + d1i * re;
      }
    }
  }
}

/** 1-qubit permutation with phases (x, y): the amplitude of |l⟩ moves to |perm[l]⟩ times phases[l]. */
function applyPermutation1(state: Float64Array, n: number, q: number, perm: Int32Array, phases: Float64Array): void {
  if (perm[0] === 0) {
    // A 1-qubit permutation that moves nothing is diagonal.
    applyDiagonal1(state, n, q, phases);
    return;
  }
  // Swap: new[1] = p0·old[0], new[0] = p1·old[1].
  const p0r = phases[0]!, p0i = phases[1]!, p1r = phases[2]!, p1i = phases[3]!;
  const stride = 1 << q;
  const size = 1 << n;
  for (let base = 0; base < size; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const a = i << 1;
      const b = (i + stride) << 1;
      const ar = state[a]!, ai = state[a + 1]!, br = state[b]!, bi = state[b + 1]!;
      state[a] = p1r * br - p1i * bi;
      state[a + 1] = p1r * bi + p1i * br;
      state[b] = p0r * ar - p0i * ai;
      state[b + 1] = p0r * ai + p0i * ar;
    }
  }
}

/**
 * 4x4 dense kernel; matrix bit 0 is qubit q0, bit 1 is q1 (Qiskit's little-endian order). Three
 * nested stride loops reach each group's base without per-index bit twiddling, and the matrix lives
 * in locals, which keeps the sweep close to memory speed.
 */
function applyDense2(state: Float64Array, n: number, q0: number, q1: number, m: Float64Array): void {
  const m00r = m[0]!, m00i = m[1]!, m01r = m[2]!, m01i = m[3]!, m02r = m[4]!, m02i = m[5]!, m03r = m[6]!, m03i = m[7]!;
  const m10r = m[8]!, m10i = m[9]!, m11r = m[10]!, m11i = m[11]!, m12r = m[12]!, m12i = m[13]!, m13r = m[14]!, m13i = m[15]!;
  const m20r = m[16]!, m20i = m[17]!, m21r = m[18]!, m21i = m[19]!, m22r = m[20]!, m22i = m[21]!, m23r = m[22]!, m23i = m[23]!;
  const m30r = m[24]!, m30i = m[25]!, m31r = m[26]!, m31i = m[27]!, m32r = m[28]!, m32i = m[29]!, m33r = m[30]!, m33i = m[31]!;
  const o1 = 1 << q0;
  const o2 = 1 << q1;
  const lo = Math.min(o1, o2);
  const hi = Math.max(o1, o2);
  const size = 1 << n;
  for (let a = 0; a < size; a += hi << 1) {
    for (let b = a; b < a + hi; b += lo << 1) {
      const end = b + lo;
      for (let base = b; base < end; base++) {
        const i0 = base << 1, i1 = (base + o1) << 1, i2 = (base + o2) << 1, i3 = (base + o1 + o2) << 1;
        const x0r = state[i0]!, x0i = state[i0 + 1]!, x1r = state[i1]!, x1i = state[i1 + 1]!;
        const x2r = state[i2]!, x2i = state[i2 + 1]!, x3r = state[i3]!, x3i = state[i3 + 1]!;
        state[i0] = m00r * x0r - m00i * x0i + m01r * x1r - m01i * x1i + m02r * x2r - m02i * x2i + m03r * x3r - m03i * x3i;
        state[i0 + 1] = m00r * x0i + m00i * x0r + m01r * x1i + m01i * x1r + m02r * x2i + m02i * x2r + m03r * x3i + m03i * x3r;
        state[i1] = m10r * x0r - m10i * x0i + m11r * x1r - m11i * x1i + m12r * x2r - m12i * x2i + m13r * x3r - m13i * x3i;
        state[i1 + 1] = m10r * x0i + m10i * x0r + m11r * x1i + m11i * x1r + m12r * x2i + m12i * x2r + m13r * x3i + m13i * x3r;
        state[i2] = m20r * x0r - m20i * x0i + m21r * x1r - m21i * x1i + m22r * x2r - m22i * x2i + m23r * x3r - m23i * x3i;
        state[i2 + 1] = m20r * x0i + m20i * x0r + m21r * x1i + m21i * x1r + m22r * x2i + m22i * x2r + m23r * x3i + m23i * x3r;
        state[i3] = m30r * x0r - m30i * x0i + m31r * x1r - m31i * x1i + m32r * x2r - m32i * x2i + m33r * x3r - m33i * x3i;
        state[i3 + 1] = m30r * x0i + m30i * x0r + m31r * x1i + m31i * x1r + m32r * x2i + m32i * x2r + m33r * x3i + m33i * x3r;
      }
    }
  }
}

/**
 * 2-qubit permutation with phases (cx, cy, swap, iswap): member l of each group moves to member
 * perm[l] times phases[l]. Members that stay put with phase 1 are skipped (cx moves only two of four).
 */
function applyPermutation2(
  state: Float64Array,
  n: number,
  q0: number,
  q1: number,
  perm: Int32Array,
  phases: Float64Array,
): void {
  const o1 = 1 << q0;
  const o2 = 1 << q1;
  const offsets = [0, o1, o2, o1 + o2];
  const moved: number[] = [];
  for (let l = 0; l < 4; l++) {
    if (perm[l] !== l || phases[2 * l] !== 1 || phases[2 * l + 1] !== 0) moved.push(l);
  }
  const count = moved.length;
  const src = Int32Array.from(moved, (l) => offsets[l]!);
  const dst = Int32Array.from(moved, (l) => offsets[perm[l]!]!);
  const ph = Float64Array.from(moved.flatMap((l) => [phases[2 * l]!, phases[2 * l + 1]!]));
  const tmp = new Float64Array(8);
  const lo = Math.min(o1, o2);
  const hi = Math.max(o1, o2);
  const size = 1 << n;
  for (let a = 0; a < size; a += hi << 1) {
    for (let b = a; b < a + hi; b += lo << 1) {
      const end = b + lo;
      for (let base = b; base < end; base++) {
        for (let t = 0; t < count; t++) {
          const i = (base + src[t]!) << 1;
          tmp[2 * t] = state[i]!;
          tmp[2 * t + 1] = state[i + 1]!;
        }
        for (let t = 0; t < count; t++) {
          const i = (base + dst[t]!) << 1;
          const pr = ph[2 * t]!;
          const pi = ph[2 * t + 1]!;
          const re = tmp[2 * t]!;
          const im = tmp[2 * t + 1]!;
          state[i] = pr * re - pi * im;
          state[i + 1] = pr * im + pi * re;
        }
      }
    }
  }
}

/** 2-qubit diagonal (cz, cp, crz, rzz) in one pass; entries equal to 1 cost nothing. */
function applyDiagonal2(state: Float64Array, n: number, q0: number, q1: number, diag: Float64Array): void {
  const o1 = 1 << q0;
  const o2 = 1 << q1;
  const offsets = [0, o1, o2, o1 + o2];
  const active = [0, 1, 2, 3].filter((l) => diag[2 * l] !== 1 || diag[2 * l + 1] !== 0);
  const count = active.length;
  if (count === 0) return;
  const off = Int32Array.from(active, (l) => offsets[l]!);
  const d = Float64Array.from(active.flatMap((l) => [diag[2 * l]!, diag[2 * l + 1]!]));
  const lo = Math.min(o1, o2);
  const hi = Math.max(o1, o2);
  const size = 1 << n;
  for (let a = 0; a < size; a += hi << 1) {
    for (let b = a; b < a + hi; b += lo << 1) {
      const end = b + lo;
      for (let base = b; base < end; base++) {
        for (let t = 0; t < count; t++) {
          const x = (base + off[t]!) << 1;
          const dr = d[2 * t]!;
          const di = d[2 * t + 1]!;
          const re = state[x]!;
          const im = state[x + 1]!;
          state[x] = dr * re - di * im;
          state[x + 1] = dr * im + di * re;
        }
      }
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
      else if (k === 2) applyDiagonal2(state, n, qubits[0]!, qubits[1]!, op.diag);
      else applyDiagonal(state, n, qubits, op.diag);
      return;
    case 'permutation':
      if (k === 1) applyPermutation1(state, n, qubits[0]!, op.perm, op.phases);
      else if (k === 2) applyPermutation2(state, n, qubits[0]!, qubits[1]!, op.perm, op.phases);
      else applyPermutation(state, n, qubits, op.perm, op.phases);
      return;
    case 'dense':
      if (k === 1) applyDense1(state, n, qubits[0]!, op.matrix.data);
      else if (k === 2) applyDense2(state, n, qubits[0]!, qubits[1]!, op.matrix.data);
      else applyDenseK(state, n, qubits, op.matrix.data);
      return;
  }
}
