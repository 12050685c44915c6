/** The little dense linear algebra the mitigation steps need (systems of at most a few dozen unknowns). */

/** Solves A x = b by Gaussian elimination with partial pivoting; null when A is singular. */
function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = m[r]!;
      const f = row[col]! / p[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) row[c] = row[c]! - f * p[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Weights w with p(0) = Σ wᵢ yᵢ for the least-squares polynomial p of degree `degree` through the
 * points (xᵢ, yᵢ). Any estimate linear in the data is such a weighted sum, which also gives its
 * standard error: √(Σ wᵢ² σᵢ²). x is scaled by its largest value to keep the normal equations sane.
 */
export function polynomialWeightsAtZero(x: readonly number[], degree: number): number[] | null {
  const scale = Math.max(...x.map(Math.abs)) || 1;
  const t = x.map((v) => v / scale);
  const k = degree + 1;
  const vander = t.map((v) => Array.from({ length: k }, (_, j) => v ** j));
  const normal = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => vander.reduce((s, row) => s + row[i]! * row[j]!, 0)));
  // p(0) is the constant coefficient: e₀ᵀ (VᵀV)⁻¹ Vᵀ y, so w = V z with (VᵀV) z = e₀.
  const e0 = Array.from({ length: k }, (_, j) => (j === 0 ? 1 : 0));
  const z = solve(normal, e0);
  if (z === null) return null;
  return vander.map((row) => row.reduce((s, v, j) => s + v * z[j]!, 0));
}
