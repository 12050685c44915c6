/**
 * The native Engine: same contract, same results and — for the same seed — the same shots as the
 * TypeScript engine (src/sim/engine.ts), whose validation, compilation, PRNG seeding and random-draw
 * order it reuses; the statevector work runs in the addon, off the JS thread. The draw order is a
 * contract between the two: a change to sampling or noise in src/sim must be mirrored in
 * native/sim/sampling.cc and native/sim/program.cc (the parity tests in test/unit/native/ catch a mismatch).
 */
import type { Circuit } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { Engine, NoiseModel, PauliSum, SampleOptions, ShotMemory } from '../sim/api.js';
import { DEFAULT_TRAJECTORIES } from '../sim/engine.js';
import { reduceToLightCone } from '../sim/light-cone.js';
import { nativeMemoryLimit, statesThatFit } from '../sim/memory.js';
import { combine, prepareObservables } from '../sim/pauli.js';
import { seedState } from '../sim/prng.js';
import { compile, hasGateNoise, type Instr } from '../sim/program.js';
import { terminalMeasurements } from '../sim/run.js';
import { checkNoise, checkSampleOptions, checkSeed, checkTrajectories } from '../sim/validate.js';
import { fromNativeError, loadBinding, type NativeBinding } from './binding.js';
import { DEFAULT_FUSION, type FusionOptions } from './fusion.js';
import { encode } from './lower.js';

type Precision = 'complex128' | 'complex64';

export interface NativeEngineOptions {
  /** complex128 (default) matches the TypeScript engine to ~1e-12; complex64 halves memory and time. */
  readonly precision?: Precision;
  /** Bytes a run may take for statevectors; default: physical memory less an eighth (at least 1 GiB) kept for the rest, nativeMemoryLimit(). */
  readonly memoryLimitBytes?: number;
  /** Fusion widths; default DEFAULT_FUSION. */
  readonly fusion?: FusionOptions;
  /** An already loaded binding (tests, benchmarks); default: loadBinding(), which must find one. */
  readonly binding?: NativeBinding;
}

function requireBinding(): NativeBinding {
  const found = loadBinding();
  if (found.status === 'absent') {
    throw new QrunError('NATIVE_LOAD_FAILED', 'the native engine was requested but no native addon is built or shipped', {
      hint: 'Build it with `npm rebuild slurm-qpu` (or `npm run build:native` in a checkout), or unset QRUN_NATIVE.',
      details: { searched: found.searched },
    });
  }
  return found.binding;
}

function rejectDynamic(circuit: Circuit, what: string): void {
  if (terminalMeasurements(circuit) === null) {
    throw new QrunError('CIRCUIT_UNSUPPORTED', `${what} needs a circuit without resets, conditionals or mid-circuit measurements`, {
      hint: 'Remove them, or use the Sampler, which runs dynamic circuits shot by shot.',
    });
  }
}

/** Pauli masks as 64-bit integers (labels: last character = qubit 0). */
function pauliMasks(labels: readonly string[]): { x: BigUint64Array; z: BigUint64Array; ys: Int32Array } {
  const x = new BigUint64Array(labels.length);
  const z = new BigUint64Array(labels.length);
  const ys = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    const n = label.length;
    let xm = 0n;
    let zm = 0n;
    let y = 0;
    for (let q = 0; q < n; q++) {
      const bit = 1n << BigInt(q);
      switch (label[n - 1 - q]) {
        case 'X':
          xm |= bit;
          break;
        case 'Z':
          zm |= bit;
          break;
        case 'Y':
          xm |= bit;
          zm |= bit;
          y++;
          break;
        default:
          break;
      }
    }
    x[i] = xm;
    z[i] = zm;
    ys[i] = y;
  });
  return { x, z, ys };
}

const unitaryOnly = (instrs: readonly Instr[]): Instr[] => instrs.filter((i) => i.op !== 'measure');

export interface NativeEngine extends Engine {
  readonly name: 'native';
  readonly precision: Precision;
  /** The final statevector (interleaved re/im as float64), ignoring terminal measurements. */
  statevector(circuit: Circuit, parameterValues: readonly number[]): Promise<Float64Array>;
}

export function createNativeEngine(options: NativeEngineOptions = {}): NativeEngine {
  const binding = options.binding ?? requireBinding();
  const precision: Precision = options.precision ?? 'complex128';
  if (precision !== 'complex128' && precision !== 'complex64') {
    throw new QrunError('OPTION_INVALID', `precision must be complex128 or complex64, got ${String(precision)}`);
  }
  const limit = options.memoryLimitBytes;
  if (limit !== undefined && !(typeof limit === 'number' && limit > 0)) {
    throw new QrunError('OPTION_INVALID', `memoryLimitBytes must be a positive number, got ${String(limit)}`);
  }
  const fusion = options.fusion ?? DEFAULT_FUSION;
  const memoryLimitBytes = limit ?? nativeMemoryLimit();
  const base = (circuit: Circuit) => ({
    numQubits: circuit.numQubits,
    numClbits: circuit.numClbits,
    precision,
    memoryLimitBytes,
  });
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw fromNativeError(error);
    }
  };

  const sample = async (circuit: Circuit, parameterValues: readonly number[], sampleOptions: SampleOptions): Promise<ShotMemory> => {
    checkSampleOptions(sampleOptions);
    const { shots, noise } = sampleOptions;
    const bytesPerShot = (circuit.numClbits + 7) >> 3;
    const terminal = terminalMeasurements(circuit);
    const perShot = terminal === null || hasGateNoise(noise);
    // Dynamic circuits without gate noise: shot branching on the compacted program, as the TS engine.
    const branching = perShot && !hasGateNoise(noise) && sampleOptions.branching !== false;
    const program = compile(circuit, parameterValues, { noise, fuse: false, compact: branching });
    const readout = noise?.readout === undefined ? undefined : Float64Array.of(noise.readout.p01, noise.readout.p10);
    const common = {
      ...base(circuit),
      numQubits: program.numQubits,
      shots,
      seed: seedState(sampleOptions.seed),
      ...(readout ? { readout } : {}),
    };
    if (!perShot && terminal !== null) {
      const enc = encode(unitaryOnly(program.instrs), program.numQubits, fusion);
      const pairs = Int32Array.from(terminal.flatMap((m) => [m.qubit, m.clbit]));
      const { memory } = await call(() => binding.sample(enc.code, enc.data, { ...common, terminal: pairs }));
      return { shots, numClbits: circuit.numClbits, bytesPerShot, memory };
    }
    const enc = encode(program.instrs, program.numQubits, fusion);
    if (!branching) {
      const { memory } = await call(() => binding.sample(enc.code, enc.data, common));
      return { shots, numClbits: circuit.numClbits, bytesPerShot, memory };
    }
    // The same bound as the TS engine (complex128), so both fork alike; complex64 states are half the size.
    const maxStates = Math.max(2, statesThatFit(program.numQubits, memoryLimitBytes, precision === 'complex64' ? 8 : 16));
    const { memory, branches } = await call(() => binding.sample(enc.code, enc.data, { ...common, maxStates }));
    return { shots, numClbits: circuit.numClbits, bytesPerShot, memory, branches };
  };

  const expectationValues = async (
    circuit: Circuit,
    parameterValues: readonly number[],
    observables: readonly PauliSum[],
    evOptions: { readonly noise?: NoiseModel; readonly seed?: number; readonly trajectories?: number } = {},
  ): Promise<number[]> => {
    rejectDynamic(circuit, 'an expectation value');
    const set = prepareObservables(observables, circuit.numQubits);
    checkNoise(evOptions.noise);
    const labels = set.terms.map((t) => t.label);
    // A readout model makes each value what a readout-noisy measurement would report (src/sim/readout.ts).
    const ro = evOptions.noise?.readout;
    const readout = ro === undefined ? {} : { readout: Float64Array.of(ro.p01, ro.p10) };
    if (!hasGateNoise(evOptions.noise)) {
      const program = compile(circuit, parameterValues, { fuse: false });
      // Only the observables' backward light cone is simulated (src/sim/light-cone.ts): exact, and
      // readout noise acts on each term's own support, inside the cone.
      const cone = reduceToLightCone(unitaryOnly(program.instrs), circuit.numQubits, labels);
      const enc = encode(cone.instrs, cone.numQubits, fusion);
      const options = { ...base(circuit), numQubits: cone.numQubits, ...pauliMasks(cone.labels), ...readout };
      const values = await call(() => binding.expectation(enc.code, enc.data, options));
      return combine(set, values);
    }
    // Noisy trajectories stay on the whole register: dropping gates would change a seed's draws.
    const masks = pauliMasks(labels);
    const seed = evOptions.seed ?? 0;
    const trajectories = evOptions.trajectories ?? DEFAULT_TRAJECTORIES;
    checkSeed(seed);
    checkTrajectories(trajectories);
    const program = compile(circuit, parameterValues, { noise: evOptions.noise });
    const enc = encode(program.instrs, circuit.numQubits, fusion);
    const values = await call(() =>
      binding.expectation(enc.code, enc.data, { ...base(circuit), ...masks, ...readout, trajectories, seed: seedState(seed) }),
    );
    return combine(set, values);
  };

  const statevector = async (circuit: Circuit, parameterValues: readonly number[]): Promise<Float64Array> => {
    rejectDynamic(circuit, 'a statevector');
    const program = compile(circuit, parameterValues, { fuse: false });
    const enc = encode(unitaryOnly(program.instrs), circuit.numQubits, fusion);
    return call(() => binding.statevector(enc.code, enc.data, base(circuit)));
  };

  return { name: 'native', precision, sample, expectationValues, statevector };
}
