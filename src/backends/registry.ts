/**
 * Every backend type this version knows, keyed by the catalogue's `type`. Adding a vendor is one
 * folder under src/backends/ and one line here (docs/developer-guide.md, "Adding a backend").
 */
import { ibmComputeBackend } from './ibm-quantum-compute-service/index.js';
import { ibmQuantumSystemBackend } from './ibm-quantum-system/index.js';
import { iqmServerBackend } from './iqm-server/index.js';
import { pasqalCloudBackend } from './pasqal-cloud/index.js';
import { aerBackend } from './qiskit-aer/index.js';
import { qristalBackend } from './qristal/index.js';
import { simBackend } from './sim/index.js';
import type { Backend } from './types.js';
import { vqpuBackend } from './vqpu/index.js';

const BACKENDS = {
  sim: simBackend,
  'ibm-quantum-compute-service': ibmComputeBackend,
  'ibm-quantum-system': ibmQuantumSystemBackend,
  'qiskit-aer': aerBackend,
  'iqm-server': iqmServerBackend,
  qristal: qristalBackend,
  'pasqal-cloud': pasqalCloudBackend,
  vqpu: vqpuBackend,
} as const;

export type BackendType = keyof typeof BACKENDS;

export const BACKEND_TYPES = Object.keys(BACKENDS) as BackendType[];

/** The backend of a catalogue type; undefined for a type this version does not know (an old lease). */
export function backendFor(type: string): Backend | undefined {
  return Object.prototype.hasOwnProperty.call(BACKENDS, type) ? BACKENDS[type as BackendType] : undefined;
}

/** A catalogue entry of any known type, as its backend's schema parsed it. */
export type BackendEntry = { [K in BackendType]: (typeof BACKENDS)[K] extends Backend<infer E> ? E : never }[BackendType];
