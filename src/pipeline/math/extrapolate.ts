/**
 * Zero-noise extrapolators. Each takes values yᵢ ± σᵢ measured at noise factors xᵢ and returns the
 * estimate at x = 0 with its standard error, or a failure reason (too few points, a fit that cannot
 * be made). The ZNE step tries the requested extrapolators in order and falls back on failure.
 *
 * - `linear`, `polynomial_degree_k`: least-squares polynomial, evaluated at 0;
 * - `richardson`: the polynomial of degree m−1 through all m points (exact interpolation);
 * - `exponential`: y = a·e^(−b·x) with zero asymptote (what depolarizing noise does to a Pauli
 *   expectation), fitted as a line through ln|y|; it fails when the values change sign, touch zero,
 *   or grow with noise.
 */
import { polynomialWeightsAtZero } from './linalg.js';

export const EXTRAPOLATORS = [
  'linear',
  'exponential',
  'richardson',
  'polynomial_degree_1',
  'polynomial_degree_2',
  'polynomial_degree_3',
  'polynomial_degree_4',
  'polynomial_degree_5',
  'polynomial_degree_6',
  'polynomial_degree_7',
] as const;
export type Extrapolator = (typeof EXTRAPOLATORS)[number];

export type Extrapolation =
  | { readonly ok: true; readonly value: number; readonly std: number }
  | { readonly ok: false; readonly reason: string };

/** The fewest distinct noise factors an extrapolator needs. */
export function minimumPoints(name: Extrapolator): number {
  if (name === 'linear' || name === 'exponential' || name === 'richardson') return 2;
  return Number(name.slice('polynomial_degree_'.length)) + 1;
}

function weighted(w: readonly number[] | null, y: readonly number[], sigma: readonly number[]): Extrapolation {
  if (w === null) return { ok: false, reason: 'singular fit (repeated noise factors?)' };
  const value = w.reduce((s, wi, i) => s + wi * y[i]!, 0);
  const std = Math.sqrt(w.reduce((s, wi, i) => s + (wi * sigma[i]!) ** 2, 0));
  return { ok: true, value, std };
}

/** Lagrange weights of the interpolating polynomial at 0: wᵢ = Π_{j≠i} xⱼ / (xⱼ − xᵢ). */
function richardsonWeights(x: readonly number[]): number[] | null {
  const w = x.map((xi, i) => x.reduce((p, xj, j) => (j === i ? p : p * (xj / (xj - xi))), 1));
  return w.every(Number.isFinite) ? w : null;
}

function exponential(x: readonly number[], y: readonly number[], sigma: readonly number[]): Extrapolation {
  const sign = Math.sign(y[0] ?? 0);
  if (sign === 0 || y.some((v) => Math.sign(v) !== sign)) return { ok: false, reason: 'values change sign or reach zero' };
  const w = polynomialWeightsAtZero(x, 1);
  if (w === null) return { ok: false, reason: 'singular fit (repeated noise factors?)' };
  const logs = y.map((v) => Math.log(Math.abs(v)));
  // The slope of ln|y| against x, from the same least-squares line: it must not be positive.
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = logs.reduce((a, b) => a + b, 0) / n;
  const slope = x.reduce((s, xi, i) => s + (xi - mx) * (logs[i]! - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
  if (!(slope <= 0)) return { ok: false, reason: 'values grow with noise; an exponential decay does not fit' };
  const value = sign * Math.exp(w.reduce((s, wi, i) => s + wi * logs[i]!, 0));
  // Delta method: σ(ln|y|) = σ/|y|, and σ(e^u) = e^u σ(u).
  const std = Math.abs(value) * Math.sqrt(w.reduce((s, wi, i) => s + ((wi * sigma[i]!) / y[i]!) ** 2, 0));
  return { ok: true, value, std };
}

export function extrapolate(name: Extrapolator, x: readonly number[], y: readonly number[], sigma: readonly number[]): Extrapolation {
  const distinct = new Set(x).size;
  if (distinct < minimumPoints(name)) {
    return { ok: false, reason: `${name} needs at least ${minimumPoints(name)} distinct noise factors, got ${distinct}` };
  }
  switch (name) {
    case 'linear':
      return weighted(polynomialWeightsAtZero(x, 1), y, sigma);
    case 'richardson':
      return weighted(richardsonWeights(x), y, sigma);
    case 'exponential':
      return exponential(x, y, sigma);
    default:
      return weighted(polynomialWeightsAtZero(x, Number(name.slice('polynomial_degree_'.length))), y, sigma);
  }
}

/**
 * Tries each extrapolator in order and takes the first that fits and stays within the observable's
 * physical range (|value| ≤ bound, with one standard error of slack); when none does, the last
 * successful fit is clipped to the range. Returns which one was used and why others were skipped.
 */
export function extrapolateWithFallback(
  names: readonly Extrapolator[],
  x: readonly number[],
  y: readonly number[],
  sigma: readonly number[],
  bound: number,
): { value: number; std: number; used: Extrapolator | 'none'; skipped: { name: Extrapolator; reason: string }[] } {
  const skipped: { name: Extrapolator; reason: string }[] = [];
  let lastOk: { value: number; std: number; name: Extrapolator } | undefined;
  for (const name of names) {
    const r = extrapolate(name, x, y, sigma);
    if (!r.ok) {
      skipped.push({ name, reason: r.reason });
      continue;
    }
    if (Math.abs(r.value) > bound + r.std) {
      skipped.push({ name, reason: `result ${r.value} is outside the observable's range ±${bound}` });
      lastOk = { value: r.value, std: r.std, name };
      continue;
    }
    return { value: r.value, std: r.std, used: name, skipped };
  }
  if (lastOk !== undefined) return { value: Math.max(-bound, Math.min(bound, lastOk.value)), std: lastOk.std, used: lastOk.name, skipped };
  // Nothing fits at all: report the least-amplified value, the raw estimate, rather than nothing.
  const i = x.indexOf(Math.min(...x));
  return { value: y[i] ?? 0, std: sigma[i] ?? 0, used: 'none', skipped };
}
