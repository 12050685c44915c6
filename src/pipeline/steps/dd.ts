/**
 * Dynamical decoupling: fill every window in which a qubit idles between two operations with a pulse
 * sequence whose product is the identity (XX, Xp·Xm, or XY4 = X·Y·X·Y), spaced so that a static
 * Z-type error picked up during the window cancels: the pulses flip the sign of the accumulated phase
 * halfway. Windows come from a schedule built with the backend's gate durations
 * (metadata.gate_durations, seconds); delays already in a window are absorbed into the padding.
 * Qiskit's spacing is used: n pulses with free time F split as F/2n, F/n, …, F/n, F/2n.
 */
import { z } from 'zod';
import type { Circuit, DelayOp, GateOp, Op } from '../../circuit/ir.js';
import { defineStep } from '../step.js';
import { qubitsOf, schedule, type Timing } from '../math/schedule.js';

const DD_SEQUENCES = ['XX', 'XpXm', 'XY4'] as const;
export type DdSequence = (typeof DD_SEQUENCES)[number];

const ddOptionsSchema = z
  .object({
    sequence_type: z.enum(DD_SEQUENCES).default('XX'),
    /** Where idle time sits: gates as late as possible (IBM's default) or as soon as possible. */
    scheduling_method: z.enum(['alap', 'asap']).default('alap'),
    /** Gate durations in seconds by name (and `measure`, `reset`); override the backend metadata's. */
    durations: z.record(z.string(), z.number().nonnegative()).optional(),
  })
  .strict();

export type DdOptions = z.output<typeof ddOptionsSchema>;

const PI = { kind: 'num', value: Math.PI } as const;
const MINUS_PI = { kind: 'num', value: -Math.PI } as const;

function pulses(sequence: DdSequence, q: number): GateOp[] {
  const g = (name: string, params: GateOp['params'] = []): GateOp => ({ kind: 'gate', name, qubits: [q], params });
  switch (sequence) {
    case 'XX':
      return [g('x'), g('x')];
    case 'XpXm':
      return [g('rx', [PI]), g('rx', [MINUS_PI])];
    case 'XY4':
      return [g('x'), g('y'), g('x'), g('y')];
  }
}

function pulseDuration(p: GateOp, timing: Timing): number {
  // An Xm/Xp pulse is an X pulse with another phase; a Y pulse takes as long as an X where no y is listed.
  return timing.durations[p.name] ?? timing.durations.x ?? 0;
}

function delay(q: number, seconds: number, dt: number | undefined): DelayOp {
  return dt === undefined
    ? { kind: 'delay', qubits: [q], duration: { value: seconds, unit: 's' } }
    : { kind: 'delay', qubits: [q], duration: { value: Math.round(seconds / dt), unit: 'dt' } };
}

/** The padded sequence for a window of `length` seconds, or null when the pulses do not fit. */
function padding(sequence: DdSequence, q: number, length: number, timing: Timing): Op[] | null {
  const ps = pulses(sequence, q);
  const busy = ps.reduce((s, p) => s + pulseDuration(p, timing), 0);
  const free = length - busy;
  if (free < -1e-15 || length <= 0) return null;
  const n = ps.length;
  const spacing = Array.from({ length: n + 1 }, (_, k) => (k === 0 || k === n ? 1 / (2 * n) : 1 / n));
  const dt = timing.dt;
  let gaps = spacing.map((s) => s * Math.max(0, free));
  if (dt !== undefined) {
    // Whole ticks only: round each gap down and give the leftover ticks to the middle gap.
    const ticks = gaps.map((g) => Math.floor(g / dt + 1e-9));
    const leftover = Math.round(Math.max(0, free) / dt) - ticks.reduce((a, b) => a + b, 0);
    const mid = Math.floor(n / 2);
    ticks[mid] = ticks[mid]! + leftover;
    gaps = ticks.map((t) => t * dt);
  }
  const out: Op[] = [];
  gaps.forEach((gap, k) => {
    if (gap > 0) out.push(delay(q, gap, dt));
    const p = ps[k];
    if (p !== undefined) out.push(p);
  });
  return out;
}

/** The circuit with every idle window padded; returns how many windows were filled. */
export function insertDd(circuit: Circuit, sequence: DdSequence, timing: Timing, method: 'asap' | 'alap'): { circuit: Circuit; windows: number } {
  const { start, end } = schedule(circuit, timing, method);
  const before = new Map<number, Op[]>();
  /** delay op index → qubits whose part of it is absorbed by padding. */
  const absorbed = new Map<number, Set<number>>();
  let windows = 0;
  for (let q = 0; q < circuit.numQubits; q++) {
    const busy = circuit.ops.flatMap((op, i) => (op.kind !== 'delay' && op.kind !== 'barrier' && qubitsOf(op).includes(q) ? [i] : []));
    for (let k = 1; k < busy.length; k++) {
      const a = busy[k - 1]!;
      const b = busy[k]!;
      const pad = padding(sequence, q, start[b]! - end[a]!, timing);
      if (pad === null || pad.length === 0) continue;
      windows++;
      before.set(b, [...(before.get(b) ?? []), ...pad]);
      for (let i = a + 1; i < b; i++) {
        const op = circuit.ops[i]!;
        if (op.kind === 'delay' && op.qubits.includes(q)) absorbed.set(i, (absorbed.get(i) ?? new Set()).add(q));
      }
    }
  }
  const ops: Op[] = [];
  circuit.ops.forEach((op, i) => {
    ops.push(...(before.get(i) ?? []));
    const gone = absorbed.get(i);
    if (op.kind === 'delay' && gone !== undefined) {
      const rest = op.qubits.filter((q) => !gone.has(q));
      if (rest.length > 0) ops.push({ ...op, qubits: rest });
      return;
    }
    ops.push(op);
  });
  return { circuit: { ...circuit, ops }, windows };
}

export const ddStep = defineStep<DdOptions>({
  name: 'dynamical_decoupling',
  version: '1.0.0',
  description: 'Dynamical decoupling: pad idle windows with XX, XpXm or XY4 sequences, timed by the backend gate durations.',
  kinds: ['sampler', 'estimator'],
  options: ddOptionsSchema,
  pre(batch, ctx, options) {
    const durations = { ...(ctx.request.metadata.gate_durations ?? {}), ...(options.durations ?? {}) };
    if (Object.keys(durations).length === 0) {
      // A backend without timing (the simulator) has no idle noise to suppress: run unchanged, say so.
      ctx.note('applied', false);
      ctx.note('reason', 'the backend metadata has no gate_durations');
      return batch;
    }
    const timing: Timing = { durations, dt: ctx.request.metadata.dt };
    let windows = 0;
    const pad = (circuit: Circuit): Circuit => {
      if (circuit.ops.some((op) => op.kind === 'if')) return circuit;
      const r = insertDd(circuit, options.sequence_type, timing, options.scheduling_method);
      windows += r.windows;
      return r.circuit;
    };
    const out = {
      sampler: batch.sampler.map((pub) => ({ ...pub, circuit: pad(pub.circuit) })),
      estimator: batch.estimator.map((pub) => ({ ...pub, circuit: pad(pub.circuit) })),
    };
    ctx.note('applied', true);
    ctx.note('sequence_type', options.sequence_type);
    ctx.note('windows', windows);
    return out;
  },
});
