/**
 * Noise amplification by unitary folding (Giurdanoiu/LaRose et al., "Digital zero noise
 * extrapolation", 2020). Folding replaces G by G (G† G)^k: the same unitary, 2k+1 times the gates,
 * so under gate noise the noise grows by the factor λ = 1 + 2k (fractional λ folds a subset).
 *
 * - `global`: the whole unitary U → U (U† U)^n L† L, where L is the last s gates of U;
 * - `random`: every gate folded ⌊(λ−1)/2⌋ times, plus one extra fold for a random subset;
 * - `two_qubit`: like `random`, counting and folding only two-qubit gates (where most hardware noise
 *   is; IBM's "gate_folding" amplifier).
 *
 * The circuit must be unitary up to final measurements: those stay at the end, untouched.
 */
import type { Circuit, GateOp, Op } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';
import type { Prng } from '../../sim/prng.js';
import { inverseGate } from './inverse.js';

export type FoldMethod = 'global' | 'random' | 'two_qubit';

/** Splits ops into the unitary body and the trailing measurements/barriers. */
function splitBody(circuit: Circuit): { body: Op[]; tail: Op[] } {
  const first = circuit.ops.findIndex((o) => o.kind === 'measure');
  const body = first < 0 ? [...circuit.ops] : circuit.ops.slice(0, first);
  const tail = first < 0 ? [] : circuit.ops.slice(first);
  const bad = [...body, ...tail].find((o) => o.kind === 'reset' || o.kind === 'if' || (tail.includes(o) && o.kind === 'gate'));
  if (bad !== undefined) {
    throw new QrunError('CIRCUIT_UNSUPPORTED', `folding needs a unitary circuit with only final measurements; found ${bad.kind === 'gate' ? `gate ${bad.name} after a measurement` : bad.kind}`, {
      hint: 'Zero-noise extrapolation applies to Estimator circuits; remove resets, conditionals and mid-circuit measurements.',
    });
  }
  return { body, tail };
}

/** Inverse of a sequence of ops: reversed, each gate inverted; barriers and delays stay as they are. */
function inverseOps(ops: readonly Op[]): Op[] {
  const out: Op[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const o = ops[i]!;
    if (o.kind === 'gate') out.push(...inverseGate(o));
    else out.push(o);
  }
  return out;
}

function checkFactor(lambda: number): void {
  if (!(Number.isFinite(lambda) && lambda >= 1)) {
    throw new QrunError('OPTION_INVALID', `noise factor must be a number ≥ 1, got ${lambda}`);
  }
}

function foldGlobal(body: readonly Op[], lambda: number): Op[] {
  const gates = body.filter((o) => o.kind === 'gate').length;
  if (gates === 0) return [...body];
  const n = Math.floor((lambda - 1) / 2);
  const s = Math.round(((lambda - 1 - 2 * n) * gates) / 2);
  const out = [...body];
  const inverse = inverseOps(body);
  for (let i = 0; i < n; i++) out.push(...inverse, ...body);
  if (s > 0) {
    // L = the last s gates of U (with whatever barriers sit among them).
    let seen = 0;
    let start = body.length;
    while (start > 0 && seen < s) {
      start--;
      if (body[start]!.kind === 'gate') seen++;
    }
    const last = body.slice(start);
    out.push(...inverseOps(last), ...last);
  }
  return out;
}

/** Distinct random picks of `count` items out of `n` (partial Fisher–Yates). */
function pick(n: number, count: number, rng: Prng): Set<number> {
  const index = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.nextDouble() * (n - i));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return new Set(index.slice(0, count));
}

function foldLocal(body: readonly Op[], lambda: number, rng: Prng, onlyTwoQubit: boolean): Op[] {
  const eligible = (o: Op): o is GateOp => o.kind === 'gate' && (!onlyTwoQubit || o.qubits.length === 2);
  const positions = body.flatMap((o, i) => (eligible(o) ? [i] : []));
  const d = positions.length;
  if (d === 0) return [...body];
  const each = Math.floor((lambda - 1) / 2);
  const extra = pick(d, Math.round((((lambda - 1) / 2 - each) * d)), rng);
  const folds = new Map(positions.map((p, k) => [p, each + (extra.has(k) ? 1 : 0)]));
  const out: Op[] = [];
  body.forEach((o, i) => {
    out.push(o);
    const k = folds.get(i) ?? 0;
    if (k === 0 || o.kind !== 'gate') return;
    const inverse = inverseGate(o);
    for (let j = 0; j < k; j++) out.push(...inverse, o);
  });
  return out;
}

/** The circuit with its noise amplified by (about) λ; λ = 1 returns the circuit unchanged. */
export function foldCircuit(circuit: Circuit, lambda: number, method: FoldMethod, rng: Prng): Circuit {
  checkFactor(lambda);
  if (lambda === 1) return circuit;
  const { body, tail } = splitBody(circuit);
  const folded = method === 'global' ? foldGlobal(body, lambda) : foldLocal(body, lambda, rng, method === 'two_qubit');
  return { ...circuit, ops: [...folded, ...tail] };
}

/** The noise factor a folded circuit actually has: its gate count over the original's (counted as the method counts). */
export function achievedFactor(original: Circuit, folded: Circuit, method: FoldMethod): number {
  const count = (c: Circuit): number =>
    c.ops.filter((o) => o.kind === 'gate' && (method !== 'two_qubit' || o.qubits.length === 2)).length;
  const base = count(original);
  return base === 0 ? 1 : count(folded) / base;
}
