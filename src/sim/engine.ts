/**
 * The TypeScript engine: the built-in virtual QPU, the fallback when no native binary exists, and the
 * reference the native engine is tested against.
 *
 * Sampling strategy:
 * - no gate noise and only terminal measurements: simulate once (with gate fusion), build the
 *   cumulative distribution in place and draw every shot from it (readout error, if any, flips bits);
 * - dynamic circuits (mid-circuit measure, reset, if) without gate noise: shot branching
 *   (branching.ts) on the compacted program (compact.ts), each distinct outcome path once;
 * - otherwise (depolarizing or amplitude damping, or `branching: false`): simulate every shot on its
 *   own, starting from a copy of the state after the leading unitary gates, which are computed once.
 *
 * PRNG stream: one xoshiro128** per call, seeded with options.seed. Terminal sampling first draws
 * every shot's basis state (sampleIndices: 2·shots uniforms), then, when a readout model is set, one
 * uniform per measurement, shot by shot. Per-shot runs draw in execution order (measure: 1, reset: 1,
 * readout: 1, depolarize: 1 or 2, damp: 1). Shot branching draws as branching.ts says.
 */
import type { Circuit } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { Engine, NoiseModel, PauliSum, SampleOptions, ShotMemory } from './api.js';
import { applyStructured } from './kernels.js';
import { cumulativeInPlace, sampleIndices } from './measure.js';
import { runBranching } from './branching.js';
import { checkMemory, defaultMemoryLimit, statesThatFit } from './memory.js';
import { reduceToLightCone } from './light-cone.js';
import { combine, parsePauli, pauliExpectations, prepareObservables, type PauliTerm } from './pauli.js';
import { createPrng } from './prng.js';
import { readoutExpectations } from './readout.js';
import { compile, hasGateNoise, type Instr } from './program.js';
import {
  execute,
  readoutFlip,
  splitPrefix,
  terminalMeasurements,
  writeBit,
  zeroState,
} from './run.js';
import { checkNoise, checkSampleOptions, checkSeed, checkTrajectories } from './validate.js';

export interface TsEngineOptions {
  /** Bytes a statevector may take; default: half of physical memory (os.totalmem()). */
  readonly memoryLimitBytes?: number;
}

export interface StatevectorOptions extends TsEngineOptions {
  /** Fuse single-qubit gates (default true). Off only to cross-check the fusion itself. */
  readonly fuse?: boolean;
}

/** Trajectories for a noisy expectationValues call when the caller gives none. */
export const DEFAULT_TRAJECTORIES = 256;

function memoryLimit(options: TsEngineOptions | undefined): number {
  const limit = options?.memoryLimitBytes;
  if (limit === undefined) return defaultMemoryLimit();
  if (!(typeof limit === 'number' && limit > 0)) {
    throw new QrunError('OPTION_INVALID', `memoryLimitBytes must be a positive number, got ${String(limit)}`);
  }
  return limit;
}

function rejectDynamic(circuit: Circuit, what: string): void {
  if (terminalMeasurements(circuit) === null) {
    throw new QrunError(
      'CIRCUIT_UNSUPPORTED',
      `${what} needs a circuit without resets, conditionals or mid-circuit measurements`,
      { hint: 'Remove them, or use the Sampler, which runs dynamic circuits shot by shot.' },
    );
  }
}

/** Applies instructions that are all unitary (or measurements, which are skipped as terminal). */
function applyUnitaries(state: Float64Array, n: number, instrs: readonly Instr[]): void {
  for (const ins of instrs) {
    if (ins.op === 'unitary') applyStructured(state, n, ins.qubits, ins.structured);
    else if (ins.op !== 'measure') throw new QrunError('INTERNAL', `unexpected ${ins.op} in a unitary program`);
  }
}

/**
 * The final statevector of a circuit (Float64Array, interleaved re/im, qubit 0 = least significant
 * bit of the index), ignoring terminal measurements. Rejects dynamic circuits with CIRCUIT_UNSUPPORTED.
 */
export function statevector(
  circuit: Circuit,
  parameterValues: readonly number[],
  options: StatevectorOptions = {},
): Float64Array {
  rejectDynamic(circuit, 'a statevector');
  checkMemory(circuit.numQubits, memoryLimit(options));
  const program = compile(circuit, parameterValues, { fuse: options.fuse ?? true });
  const state = zeroState(circuit.numQubits);
  applyUnitaries(state, circuit.numQubits, program.instrs);
  return state;
}

/** Runs a circuit `shots` times and returns every shot's classical bits; see the strategy above. */
function sampleCircuit(
  circuit: Circuit,
  parameterValues: readonly number[],
  options: SampleOptions,
  engineOptions: TsEngineOptions = {},
): ShotMemory {
  checkSampleOptions(options);
  const n = circuit.numQubits;
  const { shots, noise } = options;
  const readout = noise?.readout;
  const bytesPerShot = (circuit.numClbits + 7) >> 3;
  const memory = new Uint8Array(shots * bytesPerShot);
  const result: ShotMemory = { shots, numClbits: circuit.numClbits, bytesPerShot, memory };
  const terminal = terminalMeasurements(circuit);
  const perShot = terminal === null || hasGateNoise(noise);
  if (perShot && !hasGateNoise(noise) && options.branching !== false) {
    return sampleBranching(circuit, parameterValues, options, memoryLimit(engineOptions));
  }
  checkMemory(n, memoryLimit(engineOptions), perShot ? 2 : 1);
  const program = compile(circuit, parameterValues, { noise });
  // Nothing is observable without classical bits; the circuit was still validated above.
  if (circuit.numClbits === 0) return result;
  const rng = createPrng(options.seed);

  if (!perShot && terminal !== null) {
    const state = zeroState(n);
    applyUnitaries(state, n, program.instrs);
    const indices = sampleIndices(cumulativeInPlace(state), shots, rng);
    for (let s = 0; s < shots; s++) {
      const index = indices[s]!;
      const offset = s * bytesPerShot;
      for (const m of terminal) {
        const bit = readoutFlip(((index >> m.qubit) & 1) as 0 | 1, readout, rng);
        writeBit(memory, offset, m.clbit, bit);
      }
    }
    return result;
  }

  const { prefix, rest } = splitPrefix(program.instrs);
  const start = zeroState(n);
  applyUnitaries(start, n, prefix);
  const work = new Float64Array(start.length);
  for (let s = 0; s < shots; s++) {
    work.set(start);
    execute(work, rest, { n, rng, readout, record: memory, offset: s * bytesPerShot });
  }
  return result;
}

/** Shot branching for a dynamic circuit without gate noise: compacted, then each outcome path once. */
function sampleBranching(circuit: Circuit, parameterValues: readonly number[], options: SampleOptions, limit: number): ShotMemory {
  const { shots } = options;
  const bytesPerShot = (circuit.numClbits + 7) >> 3;
  const program = compile(circuit, parameterValues, { noise: options.noise, compact: true });
  const n = program.numQubits;
  // Two states at least: the branch and the work copy a branch runs its shots on when no fork fits.
  checkMemory(n, limit, 2);
  if (circuit.numClbits === 0) {
    return { shots, numClbits: 0, bytesPerShot, memory: new Uint8Array(0) };
  }
  const { memory, branches } = runBranching(zeroState(n), {
    n,
    instrs: program.instrs,
    shots,
    bytesPerShot,
    rng: createPrng(options.seed),
    readout: options.noise?.readout,
    maxStates: statesThatFit(n, limit),
  });
  return { shots, numClbits: circuit.numClbits, bytesPerShot, memory, branches };
}

/**
 * Exact expectation values, or with gate noise the mean over `trajectories` noisy runs. Final
 * measurements are ignored. A readout model makes each value what a readout-noisy measurement in the
 * term's basis would report on average (readout.ts); without one the values are the exact ⟨P⟩.
 * Dynamic circuits are rejected with CIRCUIT_UNSUPPORTED.
 */
function estimateCircuit(
  circuit: Circuit,
  parameterValues: readonly number[],
  observables: readonly PauliSum[],
  options: { readonly noise?: NoiseModel; readonly seed?: number; readonly trajectories?: number } = {},
  engineOptions: TsEngineOptions = {},
): number[] {
  rejectDynamic(circuit, 'an expectation value');
  const n = circuit.numQubits;
  const set = prepareObservables(observables, n);
  const noise = options.noise;
  checkNoise(noise);
  const readout = noise?.readout;
  // The readout path measures on a rotated copy: a second buffer.
  const buffers = readout === undefined ? 1 : 2;
  let scratch: Float64Array | null = null;
  const evaluate = (state: Float64Array, width: number, terms: readonly PauliTerm[]): Float64Array => {
    if (readout === undefined) return pauliExpectations(state, width, terms);
    scratch ??= new Float64Array(state.length);
    return readoutExpectations(state, width, terms, readout, scratch);
  };
  if (!hasGateNoise(noise)) {
    // Only the observables' backward light cone is simulated (light-cone.ts): exact, and readout
    // noise acts on each term's own support, inside the cone.
    const program = compile(circuit, parameterValues);
    const unitaries = program.instrs.filter((ins) => ins.op !== 'measure');
    const cone = reduceToLightCone(unitaries, n, set.terms.map((t) => t.label));
    checkMemory(cone.numQubits, memoryLimit(engineOptions), buffers);
    const state = zeroState(cone.numQubits);
    applyUnitaries(state, cone.numQubits, cone.instrs);
    return combine(set, evaluate(state, cone.numQubits, cone.labels.map((label) => parsePauli(label, cone.numQubits))));
  }

  checkMemory(n, memoryLimit(engineOptions), buffers);
  const seed = options.seed ?? 0;
  const trajectories = options.trajectories ?? DEFAULT_TRAJECTORIES;
  checkSeed(seed);
  checkTrajectories(trajectories);
  const program = compile(circuit, parameterValues, { noise });
  const rng = createPrng(seed);
  const state = zeroState(n);
  const sums = new Float64Array(set.terms.length);
  const none = new Uint8Array(0);
  for (let t = 0; t < trajectories; t++) {
    state.fill(0);
    state[0] = 1;
    execute(state, program.instrs, { n, rng, record: none, offset: 0, skipMeasure: true });
    const values = evaluate(state, n, set.terms);
    for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! + values[i]!;
  }
  for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! / trajectories;
  return combine(set, sums);
}

/** The Engine the primitives layer uses when the native engine is absent or not chosen. */
export function createTsEngine(options: TsEngineOptions = {}): Engine {
  return {
    name: 'ts',
    sample: async (circuit, parameterValues, sampleOptions) =>
      sampleCircuit(circuit, parameterValues, sampleOptions, options),
    expectationValues: async (circuit, parameterValues, observables, evOptions) =>
      estimateCircuit(circuit, parameterValues, observables, evOptions ?? {}, options),
  };
}
