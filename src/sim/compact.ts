/**
 * Known-qubit tracking and qubit compaction for dynamic circuits, before fusion. Circuits written
 * with many resets (QASMBench's bwt_n21: 9,207 of them on 21 qubits) keep most qubits in a known
 * basis state most of the time: ancillas are reset, flipped by x, used as controls of cx/ccx and
 * reset again. A qubit in a known basis state is a tensor factor |b⟩ of the state, so
 *
 * - a gate restricted to the known values of some of its qubits acts on the others alone (a ccx
 *   whose control is a known 0 is the identity, one whose controls are known 1 is an x on the
 *   target), and when that restriction maps the known qubits to known values again, the gate shrinks
 *   to its unknown qubits or vanishes (the identity up to a global phase);
 * - a reset of a known qubit does nothing to the state, a measurement of one sets its bit
 *   (`set` instructions);
 * - only qubits in an unknown state need room in the statevector. Each holds a slot while it is
 *   unknown; a reset returns it to |0⟩, unentangled in every shot, which frees the slot. The program
 *   then runs on as many qubits as were ever unknown at once (10 of bwt_n21's 21), with gates and
 *   resets on the rest decided here, once, instead of on every sweep of the state.
 *
 * A qubit joins a slot (prepared with x when it is a known 1) when a gate would put it in a
 * superposition, before a measurement that cannot be decided, and before an `if` whose bodies touch
 * it; inside `if` bodies nothing is known and no slot is freed, so both bodies see one layout.
 * Gate noise is never compacted (every gate then carries its own noise), and circuits whose
 * measurements are all terminal are not either: their shots stay the same for a seed.
 */
import { gateMatrix } from './gates.js';
import type { Matrix } from './matrix.js';
import type { BoundOp } from './instr.js';

type Known = 0 | 1 | null;

/** Entries this close to a common phase still count as the identity (rounding of fused angles). */
const IDENTITY_TOLERANCE = 1e-14;

export interface CompactedProgram {
  readonly ops: BoundOp[];
  /** Qubits of the statevector the ops run on: the most that were unknown at once (at least 1). */
  readonly numQubits: number;
}

class Layout {
  /** Per circuit qubit: its known basis value, or null when it holds a slot. */
  readonly known: Known[];
  /** Per circuit qubit: its slot, or -1. */
  readonly slot: number[];
  private readonly free: number[] = [];
  slots = 0;

  constructor(n: number) {
    this.known = new Array<Known>(n).fill(0);
    this.slot = new Array<number>(n).fill(-1);
  }

  /** Gives qubit q a slot holding its known value (an x when it is 1), appending that x to `out`. */
  materialize(q: number, out: BoundOp[]): number {
    const existing = this.slot[q]!;
    if (existing !== -1) return existing;
    this.free.sort((a, b) => b - a);
    const s = this.free.pop() ?? this.slots++;
    if (this.known[q] === 1) out.push({ kind: 'gate', name: 'x', qubits: [s], matrix: gateMatrix('x') });
    this.slot[q] = s;
    this.known[q] = null;
    return s;
  }

  /** After a reset: the qubit is |0⟩ and unentangled, so its slot (which then holds |0⟩) is free. */
  release(q: number): void {
    const s = this.slot[q]!;
    if (s !== -1) this.free.push(s);
    this.slot[q] = -1;
    this.known[q] = 0;
  }
}

function entry(m: Matrix, row: number, col: number): [number, number] {
  const i = 2 * (row * m.dim + col);
  return [m.data[i]!, m.data[i + 1]!];
}

/**
 * The gate restricted to known inputs: `knownMask`/`knownValue` over the gate's own qubit positions.
 * Returns null unless every allowed input column lands on one common value of the known positions;
 * otherwise that value and the matrix on the remaining positions (`free`, in order).
 */
function restrict(m: Matrix, k: number, knownMask: number, knownValue: number): { outValue: number; free: number[]; matrix: Matrix } | null {
  const free: number[] = [];
  for (let j = 0; j < k; j++) if (((knownMask >> j) & 1) === 0) free.push(j);
  const expand = (x: number): number => free.reduce((acc, pos, b) => acc | (((x >> b) & 1) << pos), 0);
  let outValue = -1;
  const dim = 1 << free.length;
  for (let c = 0; c < dim; c++) {
    const col = expand(c) | knownValue;
    for (let row = 0; row < m.dim; row++) {
      const [re, im] = entry(m, row, col);
      if (re === 0 && im === 0) continue;
      const v = row & knownMask;
      if (outValue === -1) outValue = v;
      else if (outValue !== v) return null;
    }
  }
  if (outValue === -1) return null; // a zero column: not a unitary, leave it alone
  const data = new Float64Array(2 * dim * dim);
  for (let r = 0; r < dim; r++) {
    for (let c = 0; c < dim; c++) {
      const [re, im] = entry(m, expand(r) | outValue, expand(c) | knownValue);
      data[2 * (r * dim + c)] = re;
      data[2 * (r * dim + c) + 1] = im;
    }
  }
  return { outValue, free, matrix: { dim, data } };
}

/** The non-empty submasks of `mask`, most bits first (gates have at most 3 qubits here). */
function submasksByWeight(mask: number): number[] {
  const out: number[] = [];
  for (let m = mask; m > 0; m = (m - 1) & mask) out.push(m);
  const weight = (m: number): number => (m === 0 ? 0 : (m & 1) + weight(m >> 1));
  return out.sort((a, b) => weight(b) - weight(a) || b - a);
}

/** True for c·I with |c| = 1 (a global phase): such a gate changes nothing observable. */
function isPhaseTimesIdentity(m: Matrix): boolean {
  const [re0, im0] = entry(m, 0, 0);
  for (let r = 0; r < m.dim; r++) {
    for (let c = 0; c < m.dim; c++) {
      const [re, im] = entry(m, r, c);
      const [wantRe, wantIm] = r === c ? [re0, im0] : [0, 0];
      if (Math.abs(re - wantRe) > IDENTITY_TOLERANCE || Math.abs(im - wantIm) > IDENTITY_TOLERANCE) return false;
    }
  }
  return true;
}

/** Every circuit qubit an op list touches, bodies of nested ifs included. */
function touched(ops: readonly BoundOp[], into: Set<number>): Set<number> {
  for (const op of ops) {
    switch (op.kind) {
      case 'gate':
        op.qubits.forEach((q) => into.add(q));
        break;
      case 'measure':
      case 'reset':
        into.add(op.qubit);
        break;
      case 'if':
        touched(op.then, into);
        touched(op.else, into);
        break;
      case 'set':
      case 'limit':
        break;
    }
  }
  return into;
}

/** Rewrites ops inside an if body: every qubit there already holds a slot, nothing is decided. */
function mapBody(ops: readonly BoundOp[], layout: Layout): BoundOp[] {
  const slotOf = (q: number): number => layout.slot[q]!;
  return ops.map((op): BoundOp => {
    switch (op.kind) {
      case 'gate':
        return { ...op, qubits: op.qubits.map(slotOf) };
      case 'measure':
        return { kind: 'measure', qubit: slotOf(op.qubit), clbit: op.clbit };
      case 'reset':
        return { kind: 'reset', qubit: slotOf(op.qubit) };
      case 'if':
        return { ...op, then: mapBody(op.then, layout), else: mapBody(op.else, layout) };
      case 'set':
      case 'limit':
        return op;
    }
  });
}

function compactGate(op: Extract<BoundOp, { kind: 'gate' }>, layout: Layout, out: BoundOp[]): void {
  const k = op.qubits.length;
  let knownMask = 0;
  let knownValue = 0;
  op.qubits.forEach((q, j) => {
    const v = layout.known[q];
    if (v === null || v === undefined) return;
    knownMask |= 1 << j;
    knownValue |= v << j;
  });
  // Keep as many known qubits out of the state as the gate allows: a cx from a known control into a
  // known target stays decided, one from an unknown control keeps its known-1 control decided.
  let restricted: ReturnType<typeof restrict> = null;
  let mask = 0;
  for (const candidate of submasksByWeight(knownMask)) {
    restricted = restrict(op.matrix, k, candidate, knownValue & candidate);
    if (restricted !== null) {
      mask = candidate;
      break;
    }
  }
  if (restricted === null) {
    const qubits = op.qubits.map((q) => layout.materialize(q, out));
    out.push({ ...op, qubits });
    return;
  }
  op.qubits.forEach((q, j) => {
    if (((mask >> j) & 1) === 1) layout.known[q] = ((restricted.outValue >> j) & 1) as 0 | 1;
    else layout.materialize(q, out);
  });
  if (restricted.free.length === 0 || isPhaseTimesIdentity(restricted.matrix)) return;
  out.push({
    kind: 'gate',
    name: op.name,
    qubits: restricted.free.map((pos) => layout.slot[op.qubits[pos]!]!),
    matrix: restricted.matrix,
  });
}

/** See the module comment. `ops` come from program.ts (bound, not fused, no gate noise). */
export function compactKnownQubits(ops: readonly BoundOp[], numQubits: number): CompactedProgram {
  const layout = new Layout(numQubits);
  const out: BoundOp[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'gate':
        compactGate(op, layout, out);
        break;
      case 'measure': {
        const v = layout.known[op.qubit];
        if (v === 0 || v === 1) out.push({ kind: 'set', clbit: op.clbit, bit: v });
        else out.push({ kind: 'measure', qubit: layout.slot[op.qubit]!, clbit: op.clbit });
        break;
      }
      case 'reset':
        if (layout.known[op.qubit] === null) out.push({ kind: 'reset', qubit: layout.slot[op.qubit]! });
        layout.release(op.qubit);
        break;
      case 'if': {
        for (const q of [...touched([op], new Set<number>())].sort((a, b) => a - b)) layout.materialize(q, out);
        out.push(mapBody([op], layout)[0]!);
        break;
      }
      case 'set':
      case 'limit':
        out.push(op);
        break;
    }
  }
  return { ops: out, numQubits: Math.max(1, layout.slots) };
}
