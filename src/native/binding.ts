/**
 * The one module that loads the native addon (binding.gyp target `qrun_native`, native/). Loading it
 * sets nothing up: the simulator makes its state on its first call, so the job gateway can load the
 * same file for peer credentials alone (src/native/peercred.ts). It finds
 * the binary with node-gyp-build — build/Release (a local `npm rebuild`) first, then
 * prebuilds/<platform>-<arch>/ (shipped by `prebuildify --napi --strip`) — and tells three outcomes
 * apart: no binary at all (the TypeScript engine may stand in), a binary that loaded, and a binary
 * that exists but fails to load (always an error: a broken install must not silently run 50x slower).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LOOP_LIMIT_HINT } from '../circuit/ir.js';
import { QrunError } from '../errors.js';

/** Options every simulation call takes. */
interface NativeRunOptions {
  readonly numQubits: number;
  readonly numClbits: number;
  readonly precision: 'complex128' | 'complex64';
  readonly memoryLimitBytes: number;
}

interface NativeInfo {
  /** Kernel instruction set in use: avx512, avx2 or generic. */
  readonly isa: string;
  readonly threads: number;
  /** Cache tiling of gate runs (native/sim/tiling.h): -1 = by precision, 0 = off, else the tile's qubits. */
  readonly tileQubits: number;
  readonly availableCpus: number;
  /** Instruction sets this CPU can run, widest first. */
  readonly isas: readonly string[];
  readonly maxGateQubits: number;
  readonly maxDiagonalQubits: number;
}

/** The simulator part of the addon (native/sim/simulate.cc). */
interface SimulatorExports {
  sample(
    code: Int32Array,
    data: Float64Array,
    options: NativeRunOptions & {
      readonly shots: number;
      /** xoshiro128** state words from seedState(seed) (src/sim/prng.ts). */
      readonly seed: Uint32Array;
      /** [p01, p10] when a readout model applies. */
      readonly readout?: Float64Array;
      /** (qubit, clbit) pairs when every measurement is terminal; omitted for shot-by-shot runs. */
      readonly terminal?: Int32Array;
      /** Shot branching (src/sim/branching.ts) with at most this many states alive (≥ 2); omitted: per shot. */
      readonly maxStates?: number;
    },
  ): Promise<{ readonly memory: Uint8Array; readonly branches: number }>;
  expectation(
    code: Int32Array,
    data: Float64Array,
    options: NativeRunOptions & {
      readonly x: BigUint64Array;
      readonly z: BigUint64Array;
      readonly ys: Int32Array;
      /** 0 = exact; otherwise the mean over this many noisy trajectories. */
      readonly trajectories?: number;
      readonly seed?: Uint32Array;
      /** [p01, p10]: report what a readout-noisy measurement of each Pauli would average to. */
      readonly readout?: Float64Array;
    },
  ): Promise<Float64Array>;
  statevector(code: Int32Array, data: Float64Array, options: NativeRunOptions): Promise<Float64Array>;
  info(): NativeInfo;
  /**
   * threads: 0 = all available CPUs; isa: auto | avx512 | avx2 | generic; tileQubits: -1 = by
   * precision (2^m amplitudes in 512 KiB), 0 = no cache tiling, 6..30 = that width. Every call sets
   * all three (an omitted one goes back to its default).
   */
  configure(options: { readonly threads?: number; readonly isa?: string; readonly tileQubits?: number }): NativeInfo;
}

/** The peer-credential part (native/peercred/peercred.cc): it never touches the simulator's state. */
interface PeerCredentialExports {
  peerCredentials(fd: number): { pid: number; uid: number; gid: number };
}

/** One .node file carries both parts; each caller uses its own (src/native/peercred.ts, engine.ts). */
export type NativeBinding = SimulatorExports & PeerCredentialExports;

export type BindingLookup =
  | { readonly status: 'loaded'; readonly binding: NativeBinding; readonly path: string }
  | { readonly status: 'absent'; readonly searched: string };

/** The package root: src/native/ and dist/native/ both sit two levels below it. */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

const require = createRequire(import.meta.url);

interface NodeGypBuild {
  resolve(dir: string): string;
}

const loaded = new Map<string, BindingLookup>();

/**
 * Finds and loads the addon under `root` (default: this package). Throws NATIVE_LOAD_FAILED when a
 * binary exists but cannot be loaded. A successful load is remembered per root.
 */
export function loadBinding(root: string = packageRoot()): BindingLookup {
  const known = loaded.get(root);
  if (known !== undefined) return known;
  const gypBuild = require('node-gyp-build') as NodeGypBuild;
  let path: string;
  try {
    path = gypBuild.resolve(root);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/No native build was found/i.test(message)) return { status: 'absent', searched: root };
    throw new QrunError('NATIVE_LOAD_FAILED', `looking for the native addon failed: ${message}`, {
      cause: error,
      hint: 'Rebuild it with `npm rebuild slurm-qpu` (or `npm run build:native` in a checkout).',
    });
  }
  let binding: NativeBinding;
  try {
    binding = require(path) as NativeBinding;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new QrunError('NATIVE_LOAD_FAILED', `the native addon ${path} exists but cannot be loaded: ${message}`, {
      cause: error,
      hint:
        'Rebuild it for this Node and CPU with `npm rebuild slurm-qpu` (or `npm run build:native`), ' +
        'or set QRUN_NATIVE=0 to use the TypeScript engine.',
      details: { path },
    });
  }
  if (typeof binding.sample !== 'function' || typeof binding.peerCredentials !== 'function') {
    throw new QrunError('NATIVE_LOAD_FAILED', `the native addon ${path} is not slurm-qpu's qrun_native`, {
      hint: 'Rebuild it with `npm rebuild slurm-qpu` (or `npm run build:native`).',
      details: { path },
    });
  }
  const result: BindingLookup = { status: 'loaded', binding, path };
  loaded.set(root, result);
  return result;
}

/** Turns an error thrown by the addon (a JS Error with a catalog `code`) into a QrunError. */
export function fromNativeError(error: unknown): unknown {
  if (error instanceof QrunError || !(error instanceof Error)) return error;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  switch (code) {
    case 'CIRCUIT_TOO_LARGE':
      return new QrunError('CIRCUIT_TOO_LARGE', error.message, {
        cause: error,
        hint: 'Use fewer qubits, complex64 precision, a machine with more memory, or a real QPU backend.',
      });
    case 'QASM_LOOP_LIMIT':
      return new QrunError(code, error.message, { cause: error, hint: LOOP_LIMIT_HINT });
    case 'OPTION_INVALID':
    case 'AUTH_FAILED':
    case 'NOT_IMPLEMENTED':
      return new QrunError(code, error.message, { cause: error });
    default:
      return new QrunError('INTERNAL', `native engine: ${error.message}`, {
        cause: error,
        hint: 'This is a bug in slurm-qpu; please report it with the circuit that triggered it.',
      });
  }
}

/**
 * One function of the addon bound to it, or null when the addon is absent, cannot be loaded or
 * predates that function: for the optional parts (process spawning, bare sockets) whose callers
 * keep a pure-Node way.
 */
export function optionalBindingFunction<F extends (...args: never[]) => unknown>(name: string, root?: string): F | null {
  let binding: Record<string, unknown>;
  try {
    const found = loadBinding(root);
    if (found.status !== 'loaded') return null;
    binding = found.binding as unknown as Record<string, unknown>;
  } catch {
    return null;
  }
  const fn = binding[name];
  return typeof fn === 'function' ? (fn.bind(binding) as F) : null;
}
