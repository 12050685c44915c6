/**
 * The built-in simulator as a backend: its metadata are this machine's limits, so the same fit check
 * that guards a QPU also refuses a circuit the simulator cannot hold.
 */
import { totalmem } from 'node:os';
import type { BackendMetadata } from '../metadata.js';

export const SIM_BACKEND = 'sim';

/** A statevector of n qubits holds 2^n complex doubles: 16·2^n bytes. */
const BYTES_PER_AMPLITUDE = 16;
/** The share of physical memory the TS engine lets one statevector take (its own default). */
const MEMORY_FRACTION = 0.5;
/** The engine's hard ceiling (32-bit index arithmetic, largest Float64Array V8 reliably allocates). */
const MAX_QUBITS = 30;
/** One PUB element's samples are kept in memory and written as hex strings; beyond this, JSON gets silly. */
export const SIM_MAX_SHOTS = 10_000_000;

export function simMetadata(memoryBytes: number = totalmem()): BackendMetadata {
  const byMemory = Math.floor(Math.log2((memoryBytes * MEMORY_FRACTION) / BYTES_PER_AMPLITUDE));
  return { num_qubits: Math.max(1, Math.min(MAX_QUBITS, byMemory)), max_shots: SIM_MAX_SHOTS };
}
