/**
 * Which statevector engine runs local work, and why. The rule (docs/performance.md):
 * - QRUN_NATIVE=0 forces the TypeScript engine; QRUN_NATIVE=1 forces the native one (an error if it
 *   is missing or broken);
 * - otherwise the native engine runs whenever its binary exists; the TypeScript engine stands in only
 *   when there is no binary at all. A binary that exists but fails to load is NATIVE_LOAD_FAILED,
 *   never a silent fallback.
 * The environment is passed in (never read at import time), so the CLI, the library and tests decide.
 */
import { QrunError } from '../errors.js';
import type { Engine } from '../sim/api.js';
import { createTsEngine } from '../sim/engine.js';
import { loadBinding, packageRoot, type NativeBinding } from './binding.js';
import { createNativeEngine, type NativeEngineOptions } from './engine.js';

export interface EngineChoice {
  readonly engine: Engine;
  readonly name: 'ts' | 'native';
  /** One sentence for `qrun doctor` and logs. */
  readonly reason: string;
  /** The addon file when the native engine runs. */
  readonly binaryPath?: string;
  readonly binding?: NativeBinding;
}

export interface SelectOptions {
  /** Where to look for the binary (default: this package's root). */
  readonly root?: string;
  readonly native?: Omit<NativeEngineOptions, 'binding'>;
}

/**
 * Choices made with default engine options, per binary root and QRUN_NATIVE value: the primitives
 * select an engine for every call, and building one (reading the addon's info, the memory limit)
 * costs more than simulating a Bell pair. Filled lazily, never at import time.
 */
const chosen = new Map<string, EngineChoice>();

export function selectEngine(
  env: Readonly<Record<string, string | undefined>>,
  options: SelectOptions = {},
): EngineChoice {
  const root = options.root ?? packageRoot();
  const key = `${root}\0${env.QRUN_NATIVE ?? ''}`;
  if (options.native === undefined) {
    const known = chosen.get(key);
    if (known !== undefined) return known;
  }
  const choice = choose(env, root, options);
  if (options.native === undefined) chosen.set(key, choice);
  return choice;
}

function choose(env: Readonly<Record<string, string | undefined>>, root: string, options: SelectOptions): EngineChoice {
  const raw = env.QRUN_NATIVE;
  const forced = raw === undefined || raw.trim() === '' ? null : raw.trim();
  if (forced !== null && forced !== '0' && forced !== '1') {
    throw new QrunError('OPTION_INVALID', `QRUN_NATIVE must be 0 or 1, got "${raw}"`, {
      hint: 'Use QRUN_NATIVE=0 for the TypeScript engine, QRUN_NATIVE=1 for the native one, or unset it.',
    });
  }
  if (forced === '0') {
    return { engine: createTsEngine(), name: 'ts', reason: 'QRUN_NATIVE=0 forces the TypeScript engine' };
  }
  const found = loadBinding(root); // throws NATIVE_LOAD_FAILED for a binary that does not load
  if (found.status === 'absent') {
    if (forced === '1') {
      throw new QrunError('NATIVE_LOAD_FAILED', 'QRUN_NATIVE=1 asks for the native engine but no native addon is built or shipped', {
        hint: 'Build it with `npm rebuild slurm-qpu` (or `npm run build:native` in a checkout), or unset QRUN_NATIVE.',
        details: { searched: root },
      });
    }
    return {
      engine: createTsEngine(),
      name: 'ts',
      reason: `no native addon is built or shipped for ${process.platform}-${process.arch}, so the TypeScript engine runs`,
    };
  }
  const info = found.binding.info();
  return {
    engine: createNativeEngine({ ...options.native, binding: found.binding }),
    name: 'native',
    reason:
      (forced === '1' ? 'QRUN_NATIVE=1 forces the native engine' : 'the native addon is present and loads') +
      ` (${info.isa} kernels, ${info.threads} thread${info.threads === 1 ? '' : 's'})`,
    binaryPath: found.path,
    binding: found.binding,
  };
}
