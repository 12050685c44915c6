/**
 * The contract between the primitives layer and a statevector engine (the TypeScript engine in this
 * folder, the native one in src/native/). Both implement Engine; the primitives layer never knows
 * which one it talks to.
 */
import type { Circuit } from '../circuit/ir.js';

/** Noise applied by per-shot trajectories. Probabilities are per gate application / per measurement. */
export interface NoiseModel {
  /**
   * Depolarizing error after every 1-qubit gate (probability p1) and 2-qubit gate (p2, on both qubits jointly).
   * p is the probability that an error happens: a uniformly chosen non-identity Pauli (3 for one qubit,
   * 15 for two) is then applied. Qiskit Aer's depolarizing_error(λ, k) is the same channel with
   * p = λ·(4^k − 1)/4^k. 3-qubit gates get no depolarizing error.
   */
  readonly depolarizing?: { readonly p1: number; readonly p2: number };
  /**
   * Classical readout error: P(read 1 | state 0) and P(read 0 | state 1), for every qubit. It flips
   * recorded outcomes (mid-circuit ones included, so conditionals see the flipped bit), and
   * expectationValues report what a readout-noisy measurement of each Pauli term would give on average.
   */
  readonly readout?: { readonly p01: number; readonly p10: number };
  /** Amplitude damping with decay probability gamma after every gate, on each qubit it acts on. */
  readonly amplitudeDamping?: { readonly gamma: number };
}

export interface SampleOptions {
  readonly shots: number;
  /** Seed for the engine's PRNG; the same seed gives the same samples on the same engine. */
  readonly seed: number;
  readonly noise?: NoiseModel;
  /**
   * Dynamic circuits (mid-circuit measurement, reset, `if`) without gate noise are simulated by shot
   * branching (src/sim/branching.ts): once per distinct outcome path, the shots split binomially at
   * each measurement. false runs every shot on its own from the start, as before: the reference the
   * branching is tested against, and the same shots per seed as earlier releases. Default true.
   */
  readonly branching?: boolean;
}

/**
 * Classical outcomes of every shot: `memory` holds `shots` records of `bytesPerShot` bytes each;
 * classical bit i of a shot is bit (i % 8) of byte (i >> 3) of its record (little-endian).
 */
export interface ShotMemory {
  readonly shots: number;
  readonly numClbits: number;
  readonly bytesPerShot: number;
  readonly memory: Uint8Array;
  /** Outcome paths simulated, when the run used shot branching (1 when no outcome ever forked). */
  readonly branches?: number;
}

/** A weighted sum of Pauli strings. Labels are little-endian: the last character acts on qubit 0. */
export interface PauliSum {
  readonly terms: ReadonlyArray<{ readonly label: string; readonly coeff: number }>;
}

export interface Engine {
  readonly name: 'ts' | 'native';
  /** Runs the circuit with parameter values (in circuit.parameters order) and returns every shot's clbits. */
  sample(circuit: Circuit, parameterValues: readonly number[], options: SampleOptions): Promise<ShotMemory>;
  /**
   * Exact expectation values of each observable on the state the circuit prepares (measurements,
   * resets and conditionals are not allowed here; final measurements are ignored). With `noise`, the
   * value is averaged over `trajectories` noisy runs instead.
   */
  expectationValues(
    circuit: Circuit,
    parameterValues: readonly number[],
    observables: readonly PauliSum[],
    options?: { readonly noise?: NoiseModel; readonly seed?: number; readonly trajectories?: number },
  ): Promise<number[]>;
}
