/**
 * Executes a Program on a statevector, one shot (or trajectory) at a time, and decides whether a
 * circuit can instead be sampled from a single final state.
 */
import { LOOP_LIMIT_HINT, type Circuit } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { NoiseModel } from './api.js';
import { applyStructured } from './kernels.js';
import { measureQubit, resetQubit } from './measure.js';
import { damp, depolarize } from './noise.js';
import type { Instr } from './program.js';
import type { Prng } from './prng.js';

/** A fresh |0…0⟩ state of n qubits. */
export function zeroState(n: number): Float64Array {
  const state = new Float64Array(2 << n);
  state[0] = 1;
  return state;
}

/** One measurement into a classical bit. */
export interface MeasureTarget {
  readonly qubit: number;
  readonly clbit: number;
}

/**
 * The measurements of a circuit if they are all terminal: no gate, reset or conditional touches a
 * qubit after it is measured, and there are no resets or conditionals at all. Then the outcome of
 * every shot can be drawn from the one final state. Returns null for a dynamic circuit.
 */
export function terminalMeasurements(circuit: Circuit): MeasureTarget[] | null {
  const measured = new Set<number>();
  const out: MeasureTarget[] = [];
  for (const op of circuit.ops) {
    switch (op.kind) {
      case 'gate':
        if (op.qubits.some((q) => measured.has(q))) return null;
        break;
      case 'measure':
        measured.add(op.qubit);
        out.push({ qubit: op.qubit, clbit: op.clbit });
        break;
      case 'reset':
      case 'if':
        return null;
      case 'barrier':
      case 'delay':
        break;
    }
  }
  return out;
}

/** Sets classical bit `clbit` of a shot record (ShotMemory layout: bit i%8 of byte i>>3). */
export function writeBit(record: Uint8Array, offset: number, clbit: number, bit: number): void {
  const byte = offset + (clbit >> 3);
  const mask = 1 << (clbit & 7);
  record[byte] = bit === 1 ? record[byte]! | mask : record[byte]! & ~mask;
}

export function readBit(record: Uint8Array, offset: number, clbit: number): number {
  return (record[offset + (clbit >> 3)]! >> (clbit & 7)) & 1;
}

/**
 * A readout error on one outcome: flips 0→1 with p01 and 1→0 with p10. Draws one uniform whenever a
 * readout model is present, so the PRNG stream does not depend on the outcomes' values.
 */
export function readoutFlip(bit: 0 | 1, readout: NoiseModel['readout'], rng: Prng): 0 | 1 {
  if (readout === undefined) return bit;
  const u = rng.nextDouble();
  if (bit === 0) return u < readout.p01 ? 1 : 0;
  return u < readout.p10 ? 0 : 1;
}

export interface ExecContext {
  readonly n: number;
  readonly rng: Prng;
  readonly readout?: NoiseModel['readout'];
  /** Classical bits of this shot (ShotMemory layout), read by `if` and written by `measure`. */
  readonly record: Uint8Array;
  readonly offset: number;
  /** Skip measurements (estimator: final measurements are ignored). */
  readonly skipMeasure?: boolean;
}

/** Runs instructions in order on `state`, drawing every random choice from ctx.rng. */
export function execute(state: Float64Array, instrs: readonly Instr[], ctx: ExecContext): void {
  const { n, rng } = ctx;
  for (const ins of instrs) {
    switch (ins.op) {
      case 'unitary':
        applyStructured(state, n, ins.qubits, ins.structured);
        break;
      case 'measure': {
        if (ctx.skipMeasure === true) break;
        const bit = readoutFlip(measureQubit(state, n, ins.qubit, rng), ctx.readout, rng);
        writeBit(ctx.record, ctx.offset, ins.clbit, bit);
        break;
      }
      case 'reset':
        resetQubit(state, n, ins.qubit, rng);
        break;
      case 'set':
        if (ctx.skipMeasure === true) break;
        writeBit(ctx.record, ctx.offset, ins.clbit, readoutFlip(ins.bit, ctx.readout, rng));
        break;
      case 'if': {
        let value = 0;
        ins.clbits.forEach((c, i) => {
          value += readBit(ctx.record, ctx.offset, c) * 2 ** i;
        });
        execute(state, value === ins.value ? ins.then : ins.else, ctx);
        break;
      }
      case 'limit': {
        const { iterations, line, column } = ins.limit;
        throw new QrunError('QASM_LOOP_LIMIT', `the while loop at line ${line}, column ${column} was still running after ${iterations} iterations in a shot, the most supported`, {
          hint: LOOP_LIMIT_HINT,
          details: { line, column, iterations },
        });
      }
      case 'depolarize':
        depolarize(state, n, ins.qubits, ins.p, rng);
        break;
      case 'damp':
        damp(state, n, ins.qubit, ins.gamma, rng);
        break;
    }
  }
}

/** Splits off the leading unitary instructions, which are the same for every shot. */
export function splitPrefix(instrs: readonly Instr[]): { prefix: Instr[]; rest: Instr[] } {
  let i = 0;
  while (i < instrs.length && instrs[i]!.op === 'unitary') i++;
  return { prefix: instrs.slice(0, i), rest: instrs.slice(i) };
}
