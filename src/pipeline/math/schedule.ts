/**
 * Timing of a circuit from gate durations: when each op starts and ends, and where each qubit sits
 * idle between two operations — the windows dynamical decoupling fills. Durations are in seconds;
 * `delay` ops occupy their qubits (they are idle time by definition), barriers line their qubits up.
 */
import type { Circuit, DelayOp, Op } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';

export interface Timing {
  readonly durations: Readonly<Record<string, number>>;
  /** Device tick in seconds, for `delay[…dt]`. */
  readonly dt?: number | undefined;
}

const UNIT_SECONDS = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 } as const;

export function delaySeconds(op: DelayOp, dt: number | undefined): number {
  const { value, unit } = op.duration;
  if (unit === 'dt') {
    if (dt === undefined) throw new QrunError('OPTION_INVALID', 'the circuit has a delay in dt but the backend metadata gives no dt');
    return value * dt;
  }
  return value * UNIT_SECONDS[unit];
}

export function qubitsOf(op: Op): readonly number[] {
  switch (op.kind) {
    case 'gate':
    case 'barrier':
    case 'delay':
      return op.qubits;
    case 'measure':
    case 'reset':
      return [op.qubit];
    case 'if':
      return [...new Set([...op.then, ...op.else].flatMap(qubitsOf))];
  }
}

function durationOf(op: Op, timing: Timing): number {
  const need = (name: string): number => {
    const d = timing.durations[name];
    if (d === undefined) {
      throw new QrunError('OPTION_INVALID', `no duration is known for "${name}", so the circuit cannot be scheduled`, {
        hint: 'Add it to the backend metadata gate_durations (seconds), or to the step option `durations`.',
        details: { operation: name },
      });
    }
    return d;
  };
  switch (op.kind) {
    case 'gate':
      return need(op.name);
    case 'measure':
      return need('measure');
    case 'reset':
      return need('reset');
    case 'delay':
      return delaySeconds(op, timing.dt);
    case 'barrier':
      return 0;
    case 'if':
      throw new QrunError('CIRCUIT_UNSUPPORTED', 'circuits with conditionals cannot be scheduled ahead of time');
  }
}

/** As-soon-as-possible start times; `alap` schedules the reversed circuit and mirrors it. */
export function schedule(circuit: Circuit, timing: Timing, method: 'asap' | 'alap'): { start: number[]; end: number[]; total: number } {
  const ops = method === 'asap' ? circuit.ops : [...circuit.ops].reverse();
  const free = new Array<number>(circuit.numQubits).fill(0);
  const start: number[] = [];
  const end: number[] = [];
  for (const op of ops) {
    const qs = qubitsOf(op);
    const t = Math.max(0, ...qs.map((q) => free[q] ?? 0));
    const d = durationOf(op, timing);
    for (const q of qs) free[q] = t + d;
    start.push(t);
    end.push(t + d);
  }
  const total = Math.max(0, ...free);
  if (method === 'asap') return { start, end, total };
  // Mirror: reversed op k at [s, e] is original op (n-1-k) at [total - e, total - s].
  const n = ops.length;
  return {
    start: Array.from({ length: n }, (_, i) => total - end[n - 1 - i]!),
    end: Array.from({ length: n }, (_, i) => total - start[n - 1 - i]!),
    total,
  };
}
