import { describe, expect, it } from 'vitest';
import type { Circuit, Op } from '../../../../src/circuit/ir.js';
import { delaySeconds } from '../../../../src/pipeline/math/schedule.js';
import { insertDd, type DdSequence } from '../../../../src/pipeline/steps/dd.js';
import { builtinRegistry, resolvePipeline, runPipeline } from '../../../../src/pipeline/index.js';
import { statevector } from '../../../../src/sim/index.js';
import { batchOf, circuit, gate, request, samplerPub } from '../helpers.js';
import { distanceUpToPhase } from '../unitary.js';

const durations = { x: 50e-9, y: 50e-9, rx: 50e-9, h: 50e-9, cx: 300e-9, measure: 1e-6 };

/** A static Z error: every idle interval of t seconds rotates the qubit by rz(ω·t). */
function withStaticZ(c: Circuit, omega: number): Circuit {
  const ops: Op[] = c.ops.flatMap((o): Op[] =>
    o.kind === 'delay' ? o.qubits.map((q) => gate('rz', [q], omega * delaySeconds(o, 1e-9))) : [o],
  );
  return { ...c, ops };
}

/** q0 idles 2 µs between two H gates while q1 runs a long chain of CX-free work. */
const idle = circuit(2, [gate('h', [0]), { kind: 'delay', qubits: [0], duration: { value: 2, unit: 'us' } }, gate('h', [0])]);
const column = (c: Circuit): Float64Array[] => [statevector(c, [])];

describe('dynamical decoupling', () => {
  it('without decoupling, a static Z error during the idle window changes the state', () => {
    const noisy = withStaticZ(idle, 2 * Math.PI * 0.3e6);
    expect(distanceUpToPhase(column(noisy), column(idle))).toBeGreaterThan(0.5);
  });

  it.each<DdSequence>(['XX', 'XpXm', 'XY4'])('%s cancels a static Z error exactly', (sequence) => {
    const { circuit: padded, windows } = insertDd(idle, sequence, { durations }, 'asap');
    expect(windows).toBe(1);
    // The padding replaces the original delay and keeps the window's length.
    const total = padded.ops.filter((o) => o.kind === 'delay').reduce((s, o) => s + (o.kind === 'delay' ? delaySeconds(o, undefined) : 0), 0);
    const pulses = padded.ops.filter((o) => o.kind === 'gate' && o.name !== 'h').length;
    expect(total + pulses * 50e-9).toBeCloseTo(2e-6, 15);
    for (const omega of [1e5, 2 * Math.PI * 0.3e6, 4.1e6]) {
      expect(distanceUpToPhase(column(withStaticZ(padded, omega)), column(idle))).toBeLessThan(1e-12);
    }
  });

  it('finds idle windows from gate durations (a qubit waiting on a long CX elsewhere)', () => {
    const c = circuit(3, [gate('h', [0]), gate('cx', [1, 2]), gate('cx', [1, 2]), gate('cx', [0, 1])]);
    const { circuit: padded, windows } = insertDd(c, 'XX', { durations }, 'asap');
    expect(windows).toBe(1);
    expect(distanceUpToPhase(column(padded), column(c))).toBeLessThan(1e-12);
  });

  it('rounds padding to whole device ticks when the backend has dt', () => {
    const { circuit: padded } = insertDd(idle, 'XX', { durations, dt: 1e-9 }, 'alap');
    const delays = padded.ops.filter((o) => o.kind === 'delay');
    expect(delays.every((o) => o.kind === 'delay' && o.duration.unit === 'dt' && Number.isInteger(o.duration.value))).toBe(true);
    expect(delays.reduce((s, o) => s + (o.kind === 'delay' ? o.duration.value : 0), 0)).toBe(2000 - 100);
  });

  it('refuses a circuit with a gate whose duration is unknown, naming it', () => {
    const c = circuit(1, [gate('t', [0]), { kind: 'delay', qubits: [0], duration: { value: 1, unit: 'us' } }, gate('t', [0])]);
    expect(() => insertDd(c, 'XX', { durations }, 'asap')).toThrow(/"t"/);
  });

  it('as a step, skips backends without gate durations and says so', async () => {
    const steps = resolvePipeline([{ name: 'dynamical_decoupling' }], builtinRegistry(), 'sampler');
    const c = circuit(1, [gate('x', [0]), { kind: 'measure', qubit: 0, clbit: 0 }], 1);
    const run = await runPipeline(steps, batchOf({ sampler: [samplerPub(c, 10)] }), request('sampler'), async (b) => {
      expect(b.sampler[0]!.circuit).toBe(c);
      return { sampler: [], estimator: [], metadata: {} };
    });
    expect(run.results.metadata.pipeline).toEqual([{ name: 'dynamical_decoupling', version: '1.0.0', applied: false, reason: 'the backend metadata has no gate_durations' }]);
  });
});
