/**
 * Every backend type, loaded one at a time: a process pays for the types it uses, not for every
 * vendor's HTTP client, schemas and engine (registry.ts imports all of them, for the catalogue).
 * The job's gateway loads the types its job was granted; the hook goes through for-hook.ts. Each
 * loader names the same object the registry holds, so every caller sees one backend per type.
 */
import type { BackendType } from './registry.js';
import type { Backend } from './types.js';

const LOADERS: Record<BackendType, () => Promise<Backend>> = {
  sim: async () => (await import('./sim/index.js')).simBackend,
  'ibm-quantum-compute-service': async () => (await import('./ibm-quantum-compute-service/index.js')).ibmComputeBackend,
  'ibm-quantum-system': async () => (await import('./ibm-quantum-system/index.js')).ibmQuantumSystemBackend,
  'qiskit-aer': async () => (await import('./qiskit-aer/index.js')).aerBackend,
  'iqm-server': async () => (await import('./iqm-server/index.js')).iqmServerBackend,
  qristal: async () => (await import('./qristal/index.js')).qristalBackend,
  'pasqal-cloud': async () => (await import('./pasqal-cloud/index.js')).pasqalCloudBackend,
  vqpu: async () => (await import('./vqpu/index.js')).vqpuBackend,
};

/** Every type a loader exists for. */
export const LOADABLE_BACKEND_TYPES: readonly string[] = Object.keys(LOADERS);

/** The backend of a catalogue type, loaded now; undefined for a type this version does not know. */
export async function loadBackend(type: string): Promise<Backend | undefined> {
  if (!Object.prototype.hasOwnProperty.call(LOADERS, type)) return undefined;
  return LOADERS[type as BackendType]();
}
