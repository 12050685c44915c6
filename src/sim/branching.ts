/**
 * Shot branching: a dynamic circuit (mid-circuit measurements, resets, feed-forward) simulated once
 * per distinct outcome path instead of once per shot.
 *
 * A branch is a state, a position in the program, its classical bits and a number of shots. At a
 * measurement (or reset) of outcome probability p, Bin(shots, p) of its shots (binomial.ts) take
 * outcome 1 and the rest outcome 0; when both get shots the branch forks: the smaller part runs first
 * on a copy of the state, to its end, then the larger part continues on the original. So each state
 * copy holds at most half the shots of its parent, and at most log2(shots) + 1 states live at once
 * (and fewer when `maxStates` says so). An `if` reads the branch's own bits. Readout error forks
 * the same way, on the recorded bit. Merges:
 * - an outcome of probability 0 or 1 (a reset of a qubit in |0⟩, a measurement of a qubit just
 *   measured) does not fork and draws nothing;
 * - a reset of a qubit that is not entangled with the rest leaves the same state whichever outcome
 *   it drew (its two halves are parallel, halvesOverlap), so it does not fork either.
 * Measurements that nothing after them depends on (deferredMeasurements) are drawn for all of a
 * branch's shots at once from its final state, as terminal sampling does (sampleIndices).
 * When one more copy would not fit in `maxStates`, the branch runs its remaining shots one path at a
 * time on a work copy (a branch of one shot never forks).
 *
 * Branches finish in depth-first order and write their shots one after the other; a seeded
 * Fisher–Yates shuffle of the records at the end makes the memory look like independent shots.
 *
 * Draw order (native/sim/branching.cc mirrors it draw for draw): binomials where an outcome is
 * uncertain, sampleIndices and per-shot readout uniforms for the deferred measurements as each
 * branch ends, then shots − 1 uniforms
 * for the shuffle.
 */
import { LOOP_LIMIT_HINT } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { NoiseModel } from './api.js';
import { binomial } from './binomial.js';
import { applyStructured } from './kernels.js';
import { collapse, cumulativeInPlace, halvesOverlap, qubitProbabilities, sampleIndices } from './measure.js';
import type { Instr } from './program.js';
import type { Prng } from './prng.js';
import { readBit, readoutFlip, writeBit } from './run.js';

/** A reset's two outcomes are one state when |⟨ψ₀|ψ₁⟩|² ≥ P(0)·P(1)·(1 − this). */
const MERGE_TOLERANCE = 1e-10;

export interface BranchingInput {
  readonly n: number;
  readonly instrs: readonly Instr[];
  readonly shots: number;
  readonly bytesPerShot: number;
  readonly rng: Prng;
  readonly readout: NoiseModel['readout'];
  /** States (of 2^n amplitudes) that may exist at once; at least 2. */
  readonly maxStates: number;
}

export interface BranchingResult {
  readonly memory: Uint8Array;
  /** Paths simulated: 1 for a circuit whose outcomes never fork, up to `shots`. */
  readonly branches: number;
}

interface Frame {
  readonly list: readonly Instr[];
  index: number;
}

interface Pending {
  readonly clbit: number;
  readonly bit: 0 | 1;
}

/**
 * The top-level measurements (and decided bits) that can wait for the end of the program: no `if`
 * follows them, and no gate or reset touches their qubit afterwards. They commute with everything
 * after them, so every branch draws them from its final state at once, as terminal sampling does.
 * The rule looks only at each qubit's own order of operations, which fusion keeps, so both engines
 * (fused differently) defer the same measurements.
 */
function deferredMeasurements(instrs: readonly Instr[]): boolean[] {
  const deferred = new Array<boolean>(instrs.length).fill(false);
  const touchedLater = new Set<number>();
  for (let i = instrs.length - 1; i >= 0; i--) {
    const ins = instrs[i]!;
    if (ins.op === 'if' || ins.op === 'limit') break;
    if (ins.op === 'measure') deferred[i] = !touchedLater.has(ins.qubit);
    else if (ins.op === 'set') deferred[i] = true;
    else if (ins.op === 'unitary') ins.qubits.forEach((q) => touchedLater.add(q));
    else if (ins.op === 'reset') touchedLater.add(ins.qubit);
  }
  return deferred;
}

class Runner {
  private readonly memory: Uint8Array;
  private readonly deferred: boolean[];
  private readonly finals: readonly Instr[];
  private cursor = 0;
  private live = 1;
  branches = 0;

  constructor(private readonly input: BranchingInput) {
    this.memory = new Uint8Array(input.shots * input.bytesPerShot);
    this.deferred = deferredMeasurements(input.instrs);
    this.finals = input.instrs.filter((_, i) => this.deferred[i]);
  }

  result(): BranchingResult {
    const { shots, bytesPerShot, rng } = this.input;
    const memory = this.memory;
    const scratch = new Uint8Array(bytesPerShot);
    for (let s = shots - 1; s > 0; s--) {
      const j = Math.floor(rng.nextDouble() * (s + 1));
      if (j === s) continue;
      scratch.set(memory.subarray(s * bytesPerShot, (s + 1) * bytesPerShot));
      memory.copyWithin(s * bytesPerShot, j * bytesPerShot, (j + 1) * bytesPerShot);
      memory.set(scratch, j * bytesPerShot);
    }
    return { memory, branches: this.branches };
  }

  private canFork(): boolean {
    return this.live + 2 <= this.input.maxStates;
  }

  /** Runs a copy of the state as its own branch to the end, then frees it. */
  private fork(state: Float64Array, frames: readonly Frame[], record: Uint8Array, shots: number, pending: Pending | null, prepare: (copy: Float64Array) => void): void {
    const copy = state.slice();
    prepare(copy);
    this.live++;
    this.run(copy, frames.map((f) => ({ ...f })), record.slice(), shots, pending);
    this.live--;
  }

  /** The branch's remaining shots one path at a time: a branch of one shot never forks. */
  private perShot(state: Float64Array, frames: readonly Frame[], record: Uint8Array, shots: number, pending: Pending | null): void {
    const work = new Float64Array(state.length);
    this.live++;
    for (let s = 0; s < shots - 1; s++) {
      work.set(state);
      this.run(work, frames.map((f) => ({ ...f })), record.slice(), 1, pending);
    }
    this.live--;
    this.run(state, frames.map((f) => ({ ...f })), record, 1, pending);
  }

  private emit(record: Uint8Array, shots: number): void {
    const { bytesPerShot } = this.input;
    for (let s = 0; s < shots; s++) this.memory.set(record, (this.cursor + s) * bytesPerShot);
    this.cursor += shots;
  }

  /**
   * Writes a measured bit through the readout model; returns the shots that keep going on `state`
   * (forking the other part when both flipped and kept bits have shots), or -1 when the branch went
   * shot by shot instead.
   */
  private settle(state: Float64Array, frames: readonly Frame[], record: Uint8Array, shots: number, { clbit, bit }: Pending): number {
    const readout = this.input.readout;
    if (readout === undefined) {
      writeBit(record, 0, clbit, bit);
      return shots;
    }
    const pFlip = bit === 0 ? readout.p01 : readout.p10;
    if (shots > 1 && pFlip > 0 && pFlip < 1 && !this.canFork()) {
      this.perShot(state, frames, record, shots, { clbit, bit });
      return -1;
    }
    const flipped = binomial(shots, pFlip, this.input.rng);
    const other = (1 - bit) as 0 | 1;
    if (flipped === 0 || flipped === shots) {
      writeBit(record, 0, clbit, flipped === 0 ? bit : other);
      return shots;
    }
    // The smaller part forks (the flipped one on a tie); the record of the fork gets its bit there.
    const forkFlipped = flipped <= shots - flipped;
    const forkShots = forkFlipped ? flipped : shots - flipped;
    const forkRecord = record.slice();
    writeBit(forkRecord, 0, clbit, forkFlipped ? other : bit);
    this.fork(state, frames, forkRecord, forkShots, null, () => undefined);
    writeBit(record, 0, clbit, forkFlipped ? bit : other);
    return shots - forkShots;
  }

  /** Draws a finished branch's shots of the deferred measurements from its final state. */
  private terminal(state: Float64Array, record: Uint8Array, shots: number): void {
    const { bytesPerShot, rng, readout } = this.input;
    const tail = this.finals;
    const sampled = tail.some((ins) => ins.op === 'measure');
    const indices = sampled ? sampleIndices(cumulativeInPlace(state), shots, rng) : null;
    for (let s = 0; s < shots; s++) {
      const offset = (this.cursor + s) * bytesPerShot;
      this.memory.set(record, offset);
      const index = indices === null ? 0 : indices[s]!;
      for (const ins of tail) {
        if (ins.op === 'measure') writeBit(this.memory, offset, ins.clbit, readoutFlip(((index >> ins.qubit) & 1) as 0 | 1, readout, rng));
        else if (ins.op === 'set') writeBit(this.memory, offset, ins.clbit, readoutFlip(ins.bit, readout, rng));
      }
    }
    this.cursor += shots;
  }

  run(state: Float64Array, frames: Frame[], record: Uint8Array, initialShots: number, pending: Pending | null): void {
    this.branches++;
    const { n, rng } = this.input;
    let shots = initialShots;
    if (pending !== null) {
      shots = this.settle(state, frames, record, shots, pending);
      if (shots < 0) return;
    }
    for (;;) {
      const frame = frames[frames.length - 1]!;
      if (frame.index >= frame.list.length) {
        if (frames.length === 1) {
          if (this.finals.length > 0) this.terminal(state, record, shots);
          else this.emit(record, shots);
          return;
        }
        frames.pop();
        continue;
      }
      if (frames.length === 1 && this.deferred[frame.index] === true) {
        frame.index++;
        continue;
      }
      const ins = frame.list[frame.index++]!;
      switch (ins.op) {
        case 'unitary':
          applyStructured(state, n, ins.qubits, ins.structured);
          break;
        case 'set':
          shots = this.settle(state, frames, record, shots, { clbit: ins.clbit, bit: ins.bit });
          if (shots < 0) return;
          break;
        case 'measure':
        case 'reset': {
          const reset = ins.op === 'reset';
          const [p0, p1] = qubitProbabilities(state, n, ins.qubit);
          const p = p1 / (p0 + p1);
          let outcome: 0 | 1;
          if (p <= 0) {
            outcome = 0;
          } else if (p >= 1) {
            outcome = 1;
          } else if (reset && shots > 1 && halvesOverlap(state, n, ins.qubit) >= p0 * p1 * (1 - MERGE_TOLERANCE)) {
            outcome = 0; // not entangled: both outcomes leave this state
          } else {
            if (shots > 1 && !this.canFork()) {
              frame.index--;
              this.perShot(state, frames, record, shots, null);
              return;
            }
            const ones = binomial(shots, p, rng);
            if (ones === 0 || ones === shots) {
              outcome = ones === 0 ? 0 : 1;
            } else {
              // The smaller part forks (outcome 1 on a tie).
              const forkOutcome: 0 | 1 = ones <= shots - ones ? 1 : 0;
              const forkShots = forkOutcome === 1 ? ones : shots - ones;
              const forkP = forkOutcome === 1 ? p1 : p0;
              this.fork(state, frames, record, forkShots, reset ? null : { clbit: ins.clbit, bit: forkOutcome }, (copy) =>
                collapse(copy, n, ins.qubit, forkOutcome, forkP, reset),
              );
              shots -= forkShots;
              outcome = (1 - forkOutcome) as 0 | 1;
            }
          }
          if (p > 0 && p < 1) collapse(state, n, ins.qubit, outcome, outcome === 1 ? p1 : p0, reset);
          else if (reset && outcome === 1) collapse(state, n, ins.qubit, 1, p1, true);
          if (!reset) {
            shots = this.settle(state, frames, record, shots, { clbit: ins.clbit, bit: outcome });
            if (shots < 0) return;
          }
          break;
        }
        case 'if': {
          let value = 0;
          ins.clbits.forEach((c, i) => {
            value += readBit(record, 0, c) * 2 ** i;
          });
          const body = value === ins.value ? ins.then : ins.else;
          if (body.length > 0) frames.push({ list: body, index: 0 });
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
        case 'damp':
          throw new QrunError('INTERNAL', `shot branching met ${ins.op}: gate noise runs shot by shot`);
      }
    }
  }
}

/** Runs `start` (consumed) as one branch holding every shot; see the module comment. */
export function runBranching(start: Float64Array, input: BranchingInput): BranchingResult {
  const runner = new Runner(input);
  runner.run(start, [{ list: input.instrs, index: 0 }], new Uint8Array(input.bytesPerShot), input.shots, null);
  return runner.result();
}
