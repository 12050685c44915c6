/**
 * Small dense complex matrices for gates (2x2 up to 8x8), stored row-major with interleaved re/im.
 *
 * Index convention (Qiskit's, little-endian): for an operation on qubits [q0, q1, ...], bit j of a
 * row or column index is the state of qubits[j]. So in a 2-qubit matrix, index 1 = |q1=0, q0=1⟩ and
 * index 2 = |q1=1, q0=0⟩, and `kron(a, b)` puts `a` on the higher qubit (qubits[1]) and `b` on
 * qubits[0] — exactly how Qiskit writes `A ⊗ B`.
 */

export interface Matrix {
  /** Dimension: 2^k for a k-qubit operation. */
  readonly dim: number;
  /** dim*dim complex entries, row-major; entry (r, c) is at [2*(r*dim+c)], imaginary part next. */
  readonly data: Float64Array;
}

/** Builds a matrix from rows of [re, im] pairs; convenient for writing gates as printed in Qiskit. */
export function fromRows(rows: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): Matrix {
  const dim = rows.length;
  const data = new Float64Array(2 * dim * dim);
  rows.forEach((row, r) => {
    if (row.length !== dim) throw new RangeError(`row ${r} has ${row.length} entries, expected ${dim}`);
    row.forEach(([re, im], c) => {
      data[2 * (r * dim + c)] = re;
      data[2 * (r * dim + c) + 1] = im;
    });
  });
  return { dim, data };
}

export function identity(dim: number): Matrix {
  const data = new Float64Array(2 * dim * dim);
  for (let i = 0; i < dim; i++) data[2 * (i * dim + i)] = 1;
  return { dim, data };
}

/** a · b (apply b first, then a). */
export function matmul(a: Matrix, b: Matrix): Matrix {
  const n = a.dim;
  if (b.dim !== n) throw new RangeError(`matmul of ${n}x${n} and ${b.dim}x${b.dim}`);
  const A = a.data;
  const B = b.data;
  const out = new Float64Array(2 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < n; k++) {
        const ar = A[2 * (r * n + k)]!;
        const ai = A[2 * (r * n + k) + 1]!;
        const br = B[2 * (k * n + c)]!;
        const bi = B[2 * (k * n + c) + 1]!;
        re += ar * br - ai * bi;
        im += ar * bi + ai * br;
      }
      out[2 * (r * n + c)] = re;
      out[2 * (r * n + c) + 1] = im;
    }
  }
  return { dim: n, data: out };
}

/** a ⊗ b: `a` acts on the high index bits, `b` on the low ones (Qiskit's order). */
export function kron(a: Matrix, b: Matrix): Matrix {
  const n = a.dim * b.dim;
  const out = new Float64Array(2 * n * n);
  for (let ar = 0; ar < a.dim; ar++) {
    for (let ac = 0; ac < a.dim; ac++) {
      const xr = a.data[2 * (ar * a.dim + ac)]!;
      const xi = a.data[2 * (ar * a.dim + ac) + 1]!;
      for (let br = 0; br < b.dim; br++) {
        for (let bc = 0; bc < b.dim; bc++) {
          const yr = b.data[2 * (br * b.dim + bc)]!;
          const yi = b.data[2 * (br * b.dim + bc) + 1]!;
          const idx = 2 * ((ar * b.dim + br) * n + ac * b.dim + bc);
          out[idx] = xr * yr - xi * yi;
          out[idx + 1] = xr * yi + xi * yr;
        }
      }
    }
  }
  return { dim: n, data: out };
}

/** Conjugate transpose. */
export function dagger(a: Matrix): Matrix {
  const n = a.dim;
  const out = new Float64Array(2 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      out[2 * (c * n + r)] = a.data[2 * (r * n + c)]!;
      out[2 * (c * n + r) + 1] = -a.data[2 * (r * n + c) + 1]!;
    }
  }
  return { dim: n, data: out };
}

/** Multiplies every entry by e^{iφ}. */
export function scalePhase(a: Matrix, phi: number): Matrix {
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i += 2) {
    const re = a.data[i]!;
    const im = a.data[i + 1]!;
    out[i] = re * c - im * s;
    out[i + 1] = re * s + im * c;
  }
  return { dim: a.dim, data: out };
}

/**
 * The 2^k matrix of a 1-qubit matrix `u` acting on position `pos` (0 = qubits[0], the low bit) of a
 * k-qubit operation. Used to fold single-qubit gates into a neighbouring 2-qubit gate.
 */
export function embed1q(u: Matrix, pos: number, k: number): Matrix {
  let m: Matrix | null = null;
  // Build from the highest position down so that position 0 ends up as the rightmost factor.
  for (let j = k - 1; j >= 0; j--) {
    const factor = j === pos ? u : identity(2);
    m = m === null ? factor : kron(m, factor);
  }
  return m ?? identity(1);
}

/** Largest |a_ij - b_ij| over entries: a cheap distance for tests and sanity checks. */
export function maxAbsDiff(a: Matrix, b: Matrix): number {
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d = Math.max(d, Math.abs(a.data[i]! - b.data[i]!));
  return d;
}
