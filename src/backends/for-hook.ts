/**
 * The backends as the root-side hook uses them (runsInJob, acquire, release), loaded one type at a
 * time: a job start pays for the types its lease names, not for every vendor's HTTP client and
 * catalogue schema (registry.ts loads all of them, for the catalogue and the gateway). Each loader
 * names the same object the registry holds, so both see one backend per type.
 */
import type { Backend } from './types.js';
import type { BackendType } from './registry.js';

export type HookBackend = Pick<Backend, 'type' | 'runsInJob' | 'acquire' | 'release'> & {
  /**
   * false: `acquire` opens nothing at a vendor (the simulator), so the hook journals no `opening`
   * before it and the lease needs no fsync (src/hook/journal.ts). Absent: it may open a session.
   */
  readonly opensSession?: boolean;
};

const LOADERS: Record<BackendType, () => Promise<HookBackend>> = {
  sim: async () => (await import('./sim/hook.js')).simHookSide,
  'ibm-quantum-compute-service': async () => (await import('./ibm-quantum-compute-service/index.js')).ibmComputeBackend,
  'ibm-quantum-system': async () => (await import('./ibm-quantum-system/index.js')).ibmQuantumSystemBackend,
  'qiskit-aer': async () => (await import('./qiskit-aer/index.js')).aerBackend,
  'iqm-server': async () => (await import('./iqm-server/index.js')).iqmServerBackend,
  qristal: async () => (await import('./qristal/index.js')).qristalBackend,
  'pasqal-cloud': async () => (await import('./pasqal-cloud/index.js')).pasqalCloudBackend,
  vqpu: async () => (await import('./vqpu/index.js')).vqpuBackend,
};

/** Every type the hook can load (the resident service loads them all before it serves). */
export const HOOK_BACKEND_TYPES: readonly string[] = Object.keys(LOADERS);

/** The hook's side of a catalogue type; undefined for a type this version does not know (an old lease). */
export async function hookBackendFor(type: string): Promise<HookBackend | undefined> {
  if (!Object.prototype.hasOwnProperty.call(LOADERS, type)) return undefined;
  return LOADERS[type as BackendType]();
}
