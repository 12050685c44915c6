/**
 * Gate fusion for the native engine: runs of unitary instructions are grouped into blocks of at most
 * `maxQubits` qubits and each block becomes one instruction, so the state is swept once per block
 * instead of once per gate. At large sizes a sweep is limited by memory bandwidth, and a fused
 * k-qubit kernel stays bandwidth-bound up to the k measured in docs/performance.md (the default
 * below). Blocks of diagonal gates only (rz, cz, cp, rzz, ...) stay diagonal and may grow to
 * `maxDiagonalQubits`, since a diagonal costs one streaming pass whatever its width.
 *
 * Several blocks are open at once, on disjoint qubit sets. A gate joins the block(s) holding its
 * qubits as far as the union fits; the blocks that do not fit are closed (emitted) first. This is
 * sound: a gate or block is only ever moved across gates on disjoint qubits, with which it commutes. The instructions this works on come from src/sim/program.ts (already bound, with
 * single-qubit runs folded by src/sim/fusion.ts).
 */
import type { Structured } from '../sim/gates.js';
import { structureOf } from '../sim/gates.js';

export interface FusedGate {
  readonly qubits: readonly number[];
  readonly structured: Structured;
}

export interface FusionOptions {
  /** Largest dense block (qubits). */
  readonly maxQubits: number;
  /** Largest all-diagonal block (qubits). */
  readonly maxDiagonalQubits: number;
}

/** Chosen by measurement (bench/fusion-width.mjs; docs/performance.md). */
export const DEFAULT_FUSION: FusionOptions = { maxQubits: 3, maxDiagonalQubits: 10 };

interface Block {
  qubits: number[];
  gates: FusedGate[];
  diagonal: boolean;
  /** Order of creation, so blocks closed together are emitted in circuit order. */
  readonly seq: number;
}

/** For each local index i of a block, the index of the gate's own bits (gate qubit b = bit b). */
function gateIndexTable(local: readonly number[], dim: number): Int32Array {
  const table = new Int32Array(dim);
  for (let i = 0; i < dim; i++) {
    let j = 0;
    for (let b = 0; b < local.length; b++) j |= ((i >> local[b]!) & 1) << b;
    table[i] = j;
  }
  return table;
}

/** The block's matrix (or diagonal): the product of its gates, computed in the block's local basis. */
function blockMatrix(block: Block): Structured {
  const k = block.qubits.length;
  const dim = 1 << k;
  const pos = new Map(block.qubits.map((q, i) => [q, i] as const));
  if (block.diagonal) {
    const diag = new Float64Array(2 * dim);
    for (let i = 0; i < dim; i++) diag[2 * i] = 1;
    for (const g of block.gates) {
      if (g.structured.kind !== 'diagonal') throw new Error('non-diagonal gate in a diagonal block');
      const d = g.structured.diag;
      const idx = gateIndexTable(g.qubits.map((q) => pos.get(q)!), dim);
      for (let i = 0; i < dim; i++) {
        const j = idx[i]!;
        const ar = diag[2 * i]!;
        const ai = diag[2 * i + 1]!;
        const br = d[2 * j]!;
        const bi = d[2 * j + 1]!;
        diag[2 * i] = ar * br - ai * bi;
        diag[2 * i + 1] = ar * bi + ai * br;
      }
    }
    return { kind: 'diagonal', diag };
  }
  // Column c of the block's matrix is U|c>: every gate acts on every column as on a statevector.
  // Work on the transpose t (t[c][i] = m[i][c]) so that a column is contiguous.
  const t = new Float64Array(2 * dim * dim);
  for (let i = 0; i < dim; i++) t[2 * (i * dim + i)] = 1;
  const out = new Float64Array(2 * dim);
  for (const g of block.gates) {
    const local = g.qubits.map((q) => pos.get(q)!);
    const kg = local.length;
    const gdim = 1 << kg;
    let mask = 0;
    for (const p of local) mask |= 1 << p;
    const idx = gateIndexTable(local, dim);
    // spread[j]: the local index with the gate's bits set to j and the others zero.
    const spread = new Int32Array(gdim);
    for (let j = 0; j < gdim; j++) {
      let i = 0;
      for (let b = 0; b < kg; b++) i |= ((j >> b) & 1) << local[b]!;
      spread[j] = i;
    }
    const s = g.structured;
    for (let c = 0; c < dim; c++) {
      const base = 2 * c * dim;
      out.fill(0);
      for (let i = 0; i < dim; i++) {
        const xr = t[base + 2 * i]!;
        const xi = t[base + 2 * i + 1]!;
        if (xr === 0 && xi === 0) continue;
        const rest = i & ~mask;
        const gc = idx[i]!;
        if (s.kind === 'diagonal') {
          const dr = s.diag[2 * gc]!;
          const di = s.diag[2 * gc + 1]!;
          out[2 * i] = out[2 * i]! + dr * xr - di * xi;
          out[2 * i + 1] = out[2 * i + 1]! + dr * xi + di * xr;
        } else if (s.kind === 'permutation') {
          const row = rest | spread[s.perm[gc]!]!;
          const pr = s.phases[2 * gc]!;
          const pi = s.phases[2 * gc + 1]!;
          out[2 * row] = out[2 * row]! + pr * xr - pi * xi;
          out[2 * row + 1] = out[2 * row + 1]! + pr * xi + pi * xr;
        } else {
          const gm = s.matrix.data;
          for (let gr = 0; gr < gdim; gr++) {
            const e = 2 * (gr * gdim + gc);
            const ar = gm[e]!;
            const ai = gm[e + 1]!;
            if (ar === 0 && ai === 0) continue;
            const row = rest | spread[gr]!;
            out[2 * row] = out[2 * row]! + ar * xr - ai * xi;
            out[2 * row + 1] = out[2 * row + 1]! + ar * xi + ai * xr;
          }
        }
      }
      t.set(out, base);
    }
  }
  const m = new Float64Array(2 * dim * dim);
  for (let r = 0; r < dim; r++) {
    for (let c = 0; c < dim; c++) {
      m[2 * (r * dim + c)] = t[2 * (c * dim + r)]!;
      m[2 * (r * dim + c) + 1] = t[2 * (c * dim + r) + 1]!;
    }
  }
  return structureOf({ dim, data: m });
}

function emit(block: Block): FusedGate {
  if (block.gates.length === 1) return block.gates[0]!;
  return { qubits: block.qubits, structured: blockMatrix(block) };
}

/** Fuses a run of unitary gates (no measurement, reset or conditional in between). */
export function fuseGates(gates: readonly FusedGate[], numQubits: number, options: FusionOptions = DEFAULT_FUSION): FusedGate[] {
  const out: FusedGate[] = [];
  const owner: (Block | null)[] = new Array<Block | null>(numQubits).fill(null);
  let seq = 0;
  // Blocks closed together are all open, so on disjoint qubits: they commute, and small ones are
  // packed into one sweep (a layer of rz gates becomes one diagonal, two lone 1-qubit blocks one 2x2
  // sweep) as long as the packed block stays within its width.
  const close = (blocks: Iterable<Block>): void => {
    const list = [...blocks].sort((x, y) => x.seq - y.seq);
    for (const b of list) for (const q of b.qubits) if (owner[q] === b) owner[q] = null;
    const bins: Block[] = [];
    for (const b of list) {
      const limit = b.diagonal ? options.maxDiagonalQubits : options.maxQubits;
      const bin = bins.find((x) => x.diagonal === b.diagonal && x.qubits.length + b.qubits.length <= limit);
      if (bin === undefined) bins.push({ qubits: [...b.qubits], gates: [...b.gates], diagonal: b.diagonal, seq: b.seq });
      else {
        bin.qubits.push(...b.qubits);
        bin.gates.push(...b.gates);
      }
    }
    for (const bin of bins) out.push(emit(bin));
  };
  for (const g of gates) {
    const touching = new Set<Block>();
    for (const q of g.qubits) {
      const b = owner[q];
      if (b !== null && b !== undefined) touching.add(b);
    }
    // Keep as many touching blocks as fit together with the gate (smallest first) and close the
    // rest: a one-qubit block left by a gate that could not join (an H before a CX chain step) then
    // rides along with the next block instead of costing a sweep of its own.
    const kept: Block[] = [];
    const union = new Set<number>(g.qubits);
    let diagonal = g.structured.kind === 'diagonal';
    const toClose: Block[] = [];
    for (const b of [...touching].sort((x, y) => x.qubits.length - y.qubits.length || x.seq - y.seq)) {
      const grown = new Set(union);
      for (const q of b.qubits) grown.add(q);
      const grownDiagonal = diagonal && b.diagonal;
      if (grown.size <= (grownDiagonal ? options.maxDiagonalQubits : options.maxQubits)) {
        kept.push(b);
        for (const q of b.qubits) union.add(q);
        diagonal = grownDiagonal;
      } else {
        toClose.push(b);
      }
    }
    if (union.size > (diagonal ? options.maxDiagonalQubits : options.maxQubits) && kept.length === 0) {
      // A gate wider than the limit on its own (never with the defaults): emit it alone.
      close(toClose);
      out.push(g);
      continue;
    }
    close(toClose);
    // Merge the kept blocks (disjoint qubits, so their gates commute) in creation order, then the gate.
    kept.sort((x, y) => x.seq - y.seq);
    const target: Block = kept[0] ?? { qubits: [], gates: [], diagonal: true, seq: seq++ };
    for (const other of kept.slice(1)) target.gates.push(...other.gates);
    target.qubits = [...union];
    target.gates.push(g);
    target.diagonal = diagonal;
    for (const q of target.qubits) owner[q] = target;
  }
  close(new Set(owner.filter((b): b is Block => b !== null)));
  return out;
}
