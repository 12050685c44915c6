/**
 * Circuit → the native engine's instruction encoding (documented in native/sim/program.h). Binding,
 * gate matrices and noise insertion are the TypeScript engine's own (src/sim/program.ts compile(),
 * called with fuse: false so that this side sees every gate), so both engines run the same gates;
 * this module fuses runs of gates into wider blocks (fusion.ts) and packs everything into two
 * typed arrays.
 */
import type { Instr } from '../sim/program.js';
import { fuseGates, type FusedGate, type FusionOptions } from './fusion.js';

const OP = {
  dense: 1,
  diag: 2,
  perm: 3,
  measure: 4,
  reset: 5,
  if: 6,
  jump: 7,
  depolarize: 8,
  damp: 9,
  loopLimit: 10,
  set: 11,
} as const;

export interface Encoded {
  readonly code: Int32Array;
  readonly data: Float64Array;
  /** Records (instructions) in `code`. */
  readonly records: number;
  /** Gate records, after fusion. */
  readonly gates: number;
}

class Encoder {
  readonly code: number[] = [];
  readonly data: number[] = [];
  records = 0;
  gates = 0;

  private put(values: ArrayLike<number>): number {
    const off = this.data.length;
    for (let i = 0; i < values.length; i++) this.data.push(values[i]!);
    return off;
  }

  gate(g: FusedGate): void {
    const s = g.structured;
    const k = g.qubits.length;
    this.records++;
    this.gates++;
    if (s.kind === 'diagonal') {
      this.code.push(OP.diag, k, ...g.qubits, this.put(s.diag));
    } else if (s.kind === 'permutation') {
      const triples = new Float64Array(3 * s.perm.length);
      for (let c = 0; c < s.perm.length; c++) {
        triples[3 * c] = s.perm[c]!;
        triples[3 * c + 1] = s.phases[2 * c]!;
        triples[3 * c + 2] = s.phases[2 * c + 1]!;
      }
      this.code.push(OP.perm, k, ...g.qubits, this.put(triples));
    } else {
      this.code.push(OP.dense, k, ...g.qubits, this.put(s.matrix.data));
    }
  }

  instrs(list: readonly Instr[], numQubits: number, fusion: FusionOptions | null): void {
    let run: FusedGate[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      const gates = fusion === null ? run : fuseGates(run, numQubits, fusion);
      for (const g of gates) this.gate(g);
      run = [];
    };
    for (const ins of list) {
      if (ins.op === 'unitary') {
        run.push({ qubits: ins.qubits, structured: ins.structured });
        continue;
      }
      flush();
      switch (ins.op) {
        case 'measure':
          this.code.push(OP.measure, ins.qubit, ins.clbit);
          this.records++;
          break;
        case 'reset':
          this.code.push(OP.reset, ins.qubit);
          this.records++;
          break;
        case 'set':
          this.code.push(OP.set, ins.clbit, ins.bit);
          this.records++;
          break;
        case 'depolarize':
          this.code.push(OP.depolarize, ins.qubits.length, ...ins.qubits, this.put([ins.p]));
          this.records++;
          break;
        case 'damp':
          this.code.push(OP.damp, ins.qubit, this.put([ins.gamma]));
          this.records++;
          break;
        case 'limit':
          this.code.push(OP.loopLimit, ins.limit.iterations, ins.limit.line, ins.limit.column);
          this.records++;
          break;
        case 'if': {
          const head = this.code.length;
          this.code.push(OP.if, ins.clbits.length, this.put([ins.value]), 0, ...ins.clbits);
          this.records++;
          const before = this.records;
          this.instrs(ins.then, numQubits, fusion);
          const jump = this.code.length;
          this.code.push(OP.jump, 0);
          this.records++;
          this.code[head + 3] = this.records - before; // skip the then-branch and its jump
          const elseStart = this.records;
          this.instrs(ins.else, numQubits, fusion);
          this.code[jump + 1] = this.records - elseStart;
          break;
        }
      }
    }
    flush();
  }
}

/**
 * Encodes instructions; `fusion` null keeps every gate separate (gate noise follows each gate, and
 * the TypeScript engine's instruction list already says where).
 */
export function encode(instrs: readonly Instr[], numQubits: number, fusion: FusionOptions | null): Encoded {
  const e = new Encoder();
  e.instrs(instrs, numQubits, fusion);
  return { code: Int32Array.from(e.code), data: Float64Array.from(e.data), records: e.records, gates: e.gates };
}
