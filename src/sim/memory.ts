/**
 * The memory check every allocation of a statevector goes through, so an oversized circuit fails
 * with a clear CIRCUIT_TOO_LARGE instead of an out-of-memory crash of the whole job step.
 */
import os from 'node:os';
import { QrunError } from '../errors.js';

/** Bytes per amplitude: two float64 (re, im). */
const BYTES_PER_AMPLITUDE = 16;

/**
 * The hard ceiling of this engine: indices are handled with 32-bit bit operations, and 2^30
 * amplitudes (16 GiB) is also the largest Float64Array V8 reliably allocates.
 */
export const MAX_QUBITS = 30;

/** Share of physical memory a run may take by default: the rest is for Node, the job and the OS. */
const DEFAULT_MEMORY_FRACTION = 0.5;

export function defaultMemoryLimit(): number {
  return Math.floor(os.totalmem() * DEFAULT_MEMORY_FRACTION);
}

/**
 * The native engine's default: physical memory less what Node, the job and the OS keep (an eighth
 * of it, at least 1 GiB). Its state lives outside the JS heap, in one buffer, and neither sampling
 * nor expectation values copy it, so a 24 GiB machine holds 30 qubits in complex128 or 31 in
 * complex64 (16 GiB). The native side also refuses what exceeds MemAvailable at the moment of
 * allocation (native/sim/memory.cc), so this is a ceiling, not a promise. A machine of less than
 * 2 GiB gets half, as the TypeScript engine.
 */
export function nativeMemoryLimit(totalBytes = os.totalmem()): number {
  const reserve = Math.max(2 ** 30, totalBytes / 8);
  return Math.floor(totalBytes > 2 * reserve ? totalBytes - reserve : totalBytes * DEFAULT_MEMORY_FRACTION);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** Bytes for `buffers` statevectors of `numQubits` qubits. */
function statevectorBytes(numQubits: number, buffers = 1): number {
  return buffers * BYTES_PER_AMPLITUDE * 2 ** numQubits;
}

/**
 * How many statevectors of `numQubits` qubits fit in `limitBytes` (shot branching's live states),
 * capped at 2^20: a depth-first traversal never holds more than log2(shots) + 1.
 */
export function statesThatFit(numQubits: number, limitBytes: number, bytesPerAmplitude = BYTES_PER_AMPLITUDE): number {
  return Math.min(2 ** 20, Math.floor(limitBytes / (bytesPerAmplitude * 2 ** numQubits)));
}

/**
 * Throws CIRCUIT_TOO_LARGE unless `buffers` statevectors of `numQubits` qubits fit in `limitBytes`
 * (and under MAX_QUBITS). Per-shot simulation keeps two buffers (the shared prefix state and the
 * working copy), everything else one.
 */
export function checkMemory(numQubits: number, limitBytes: number, buffers = 1): void {
  const need = statevectorBytes(numQubits, buffers);
  const fitByMemory = Math.floor(Math.log2(Math.max(1, limitBytes / (buffers * BYTES_PER_AMPLITUDE))));
  const fit = Math.max(0, Math.min(MAX_QUBITS, fitByMemory));
  if (numQubits <= fit) return;
  const why =
    numQubits > MAX_QUBITS && need <= limitBytes
      ? `the TypeScript engine simulates at most ${MAX_QUBITS} qubits`
      : `it needs ${formatBytes(need)} but the limit is ${formatBytes(limitBytes)}`;
  throw new QrunError(
    'CIRCUIT_TOO_LARGE',
    `a ${numQubits}-qubit statevector does not fit: ${why}; at most ${fit} qubits fit`,
    {
      hint: 'Use fewer qubits, a machine with more memory, or a real QPU backend.',
      details: { numQubits, bytesNeeded: need, limitBytes, maxQubits: fit, buffers },
    },
  );
}
