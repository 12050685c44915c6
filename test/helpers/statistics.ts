/**
 * Bounds for statistical assertions. Each returns a threshold that a correct implementation crosses
 * with probability at most `alpha` (the test's false-failure rate); seeds are fixed, so a passing test
 * stays passing, but the assertion is about the distribution, not about one seed's exact counts.
 */

/**
 * Upper tail quantile of the standard normal, P(Z > z) = p, for the small p of a test bound (Acklam's
 * tail approximation, relative error below 1.2e-9).
 */
export function normalUpperQuantile(p: number): number {
  if (!(p > 0 && p < 0.02425)) throw new Error(`normalUpperQuantile is for tail probabilities below 0.02425, got ${p}`);
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const t = Math.sqrt(-2 * Math.log(p));
  const lower = (((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) / ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1);
  return -lower;
}

/**
 * Chi-square quantiles by the Wilson–Hilferty cube approximation (within a few per cent of the exact
 * value in the far tails for df ≥ 3, which moves the stated rate by less than a factor of two).
 */
export function chiSquareUpper(df: number, alpha: number): number {
  const z = normalUpperQuantile(alpha);
  const k = 2 / (9 * df);
  return df * (1 - k + z * Math.sqrt(k)) ** 3;
}

export function chiSquareLower(df: number, alpha: number): number {
  const z = normalUpperQuantile(alpha);
  const k = 2 / (9 * df);
  return df * Math.max(0, 1 - k - z * Math.sqrt(k)) ** 3;
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** The largest a with P(X ≤ a) + P(X ≥ n − a) ≤ alpha for X ~ Binomial(n, 1/2): counts outside [a+1, n−a−1] fail. */
export function binomialHalfTail(n: number, alpha: number): number {
  let tail = 0;
  let a = -1;
  for (let k = 0; k < n / 2; k++) {
    tail += 2 * Math.exp(logChoose(n, k) - n * Math.LN2);
    if (tail > alpha) break;
    a = k;
  }
  return a;
}

/**
 * Pearson's two-sample chi-square statistic for counts over the same outcomes, and its degrees of
 * freedom (outcomes seen by either side, minus one). Under equal distributions it is ~χ²(df).
 */
export function twoSampleChiSquare(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): { statistic: number; df: number } {
  const na = Object.values(a).reduce((s, v) => s + v, 0);
  const nb = Object.values(b).reduce((s, v) => s + v, 0);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  let statistic = 0;
  for (const key of keys) {
    const x = a[key] ?? 0;
    const y = b[key] ?? 0;
    // Standard form for unequal totals: Σ (x√(nb/na) − y√(na/nb))² / (x + y).
    const term = x * Math.sqrt(nb / na) - y * Math.sqrt(na / nb);
    statistic += (term * term) / (x + y);
  }
  return { statistic, df: Math.max(1, keys.size - 1) };
}

/**
 * twoSampleChiSquare after pooling rare outcomes: outcomes seen fewer than `minimum` times by both
 * sides together go into one bin, so the χ² approximation holds for the sparse tails of wide circuits.
 */
export function pooledTwoSampleChiSquare(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>, minimum = 10): { statistic: number; df: number } {
  const pool = (counts: Readonly<Record<string, number>>, rare: ReadonlySet<string>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [key, value] of Object.entries(counts)) {
      const bin = rare.has(key) ? '(rare)' : key;
      out[bin] = (out[bin] ?? 0) + value;
    }
    return out;
  };
  const rare = new Set([...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => (a[k] ?? 0) + (b[k] ?? 0) < minimum));
  return twoSampleChiSquare(pool(a, rare), pool(b, rare));
}
