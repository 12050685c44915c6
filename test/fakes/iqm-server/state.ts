/**
 * What the fake IQM Server holds: its quantum computers (static and dynamic architecture, limits,
 * health), circuit jobs with their life (waiting → processing → completed, or failed/cancelled),
 * timeslot bookings and the account's credits.
 */
import { randomUUID } from 'node:crypto';
import type { FakeInstruction, Measurements } from './execute.js';

export interface QuantumComputerSpec {
  /** The alias clients select it by. */
  readonly alias: string;
  /** Number of qubits, named QB1..QBn. */
  readonly qubits: number;
  /** Coupled pairs by qubit number (1-based, as the names); default a line QB1–QB2–…. */
  readonly connectivity?: readonly (readonly [number, number])[];
  readonly maxShots?: number;
  readonly maxCircuits?: number;
  readonly healthy?: boolean;
}

export type JobStatus = 'waiting' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface FakeServerError {
  readonly message: string;
  readonly error_code: string;
  readonly source: string;
}

export interface FakeJob {
  readonly id: string;
  readonly qc: string;
  status: JobStatus;
  readonly shots: number;
  readonly circuits: readonly { readonly name: string; readonly instructions: readonly FakeInstruction[] }[];
  readonly useTimeslot: boolean;
  readonly calibrationSetId: string | null;
  errors: FakeServerError[];
  results?: Measurements[];
  /** Set when a test armed a failure for it. */
  failWith?: FakeServerError;
  readonly timers: NodeJS.Timeout[];
  deleted: boolean;
}

export interface FakeTimeslot {
  readonly id: string;
  readonly qc: string;
  readonly start: string;
  readonly end: string;
  released: boolean;
}

export function qubitNames(spec: QuantumComputerSpec): string[] {
  return Array.from({ length: spec.qubits }, (_, i) => `QB${i + 1}`);
}

export function connectivityOf(spec: QuantumComputerSpec): [string, string][] {
  const pairs = spec.connectivity ?? Array.from({ length: Math.max(0, spec.qubits - 1) }, (_, i): [number, number] => [i + 1, i + 2]);
  return pairs.map(([a, b]) => [`QB${a}`, `QB${b}`]);
}

export class QuantumComputer {
  readonly id = randomUUID();
  readonly calibrationSetId = randomUUID();
  healthy: boolean;
  constructor(readonly spec: QuantumComputerSpec) {
    this.healthy = spec.healthy ?? true;
  }
  get names(): string[] {
    return qubitNames(this.spec);
  }
  get pairs(): [string, string][] {
    return connectivityOf(this.spec);
  }
  coupled(a: string, b: string): boolean {
    return this.pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  }
}
