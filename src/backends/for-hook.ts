/**
 * The backends as the root-side hook uses them (runsInJob, acquire, release), loaded one type at a
 * time (loaders.ts): a job start pays for the types its lease names. The simulator's hook side is its
 * own small module (sim/hook.js), without the engine the gateway runs.
 */
import { LOADABLE_BACKEND_TYPES, loadBackend } from './loaders.js';
import type { Backend } from './types.js';

export type HookBackend = Pick<Backend, 'type' | 'runsInJob' | 'acquire' | 'release'> & {
  /**
   * false: `acquire` opens nothing at a vendor (the simulator), so the hook journals no `opening`
   * before it and the lease needs no fsync (src/hook/journal.ts). Absent: it may open a session.
   */
  readonly opensSession?: boolean;
};

/** Every type the hook can load (the resident service loads them all before it serves). */
export const HOOK_BACKEND_TYPES: readonly string[] = LOADABLE_BACKEND_TYPES;

/** The hook's side of a catalogue type; undefined for a type this version does not know (an old lease). */
export async function hookBackendFor(type: string): Promise<HookBackend | undefined> {
  if (type === 'sim') return (await import('./sim/hook.js')).simHookSide;
  return loadBackend(type);
}
