/**
 * The translation into IQM's native gates keeps what a circuit does: every standard gate, with
 * random angles and a random state before it, prepares the same state (up to a global phase) when
 * its prx/cz translation is read back (PRX(θ, φ) = RZ(φ)·RX(θ)·RZ(−φ)), on the project's own engine,
 * followed by a layer of random 1-qubit gates so that a wrong phase anywhere would show in the magnitudes.
 */
import { describe, expect, it } from 'vitest';
import { STANDARD_GATES, type Circuit, type Op, type StandardGateName } from '../../../../src/circuit/ir.js';
import { TRANSLATED_GATES } from '../../../../src/backends/iqm-server/decompose.js';
import { translateCircuit } from '../../../../src/backends/iqm-server/translate.js';
import { createPrng, statevector } from '../../../../src/sim/index.js';

const NAMES = ['QB1', 'QB2', 'QB3'];
const num = (value: number) => ({ kind: 'num' as const, value });

function circuitOf(ops: Op[], numQubits: number): Circuit {
  return { numQubits, numClbits: 0, clbitRegisters: [], parameters: [], physicalQubits: null, ops };
}

function readBack(circuit: Circuit): Circuit {
  const { circuit: iqm } = translateCircuit(circuit, new Map(), { qubitNames: NAMES, backend: 'iqm', name: 't' });
  const ops: Op[] = [];
  for (const ins of iqm.instructions) {
    const qubits = ins.locus.map((n) => NAMES.indexOf(n));
    if (ins.name === 'cz') ops.push({ kind: 'gate', name: 'cz', qubits, params: [] });
    if (ins.name === 'prx') {
      const q = qubits[0] ?? 0;
      const phase = Number(ins.args['phase']);
      ops.push({ kind: 'gate', name: 'rz', qubits: [q], params: [num(-phase)] });
      ops.push({ kind: 'gate', name: 'rx', qubits: [q], params: [num(Number(ins.args['angle']))] });
      ops.push({ kind: 'gate', name: 'rz', qubits: [q], params: [num(phase)] });
    }
  }
  return circuitOf(ops, circuit.numQubits);
}

/**
 * The largest difference of |amplitude| over the basis states. The Z rotations never sent leave a
 * diagonal frame on each qubit at the end, which changes phases only, so the magnitudes (and every
 * Z-basis measurement) must agree exactly.
 */
function magnitudeGap(a: Float64Array, b: Float64Array): number {
  let gap = 0;
  for (let i = 0; i < a.length; i += 2) gap = Math.max(gap, Math.abs(Math.hypot(a[i] ?? 0, a[i + 1] ?? 0) - Math.hypot(b[i] ?? 0, b[i + 1] ?? 0)));
  return gap;
}

describe('translation into prx and cz', () => {
  it('covers every standard gate', () => {
    expect([...TRANSLATED_GATES].sort()).toEqual(Object.keys(STANDARD_GATES).sort());
  });

  const random = createPrng(20260101);
  const angle = (): number => (random.nextDouble() * 2 - 1) * 2 * Math.PI;
  for (const name of Object.keys(STANDARD_GATES) as StandardGateName[]) {
    it(`keeps the state ${name} prepares`, () => {
      const spec = STANDARD_GATES[name];
      for (let trial = 0; trial < 4; trial++) {
        const prelude: Op[] = [0, 1, 2].flatMap((q) => [
          { kind: 'gate' as const, name: 'u', qubits: [q], params: [num(angle()), num(angle()), num(angle())] },
        ]);
        const order = trial % 2 === 0 ? [0, 1, 2] : [2, 0, 1];
        const gate: Op = { kind: 'gate', name, qubits: order.slice(0, spec.qubits), params: Array.from({ length: spec.params }, () => num(angle())) };
        const after: Op[] = [0, 1, 2].map((q) => ({ kind: 'gate' as const, name: 'u', qubits: [q], params: [num(angle()), num(angle()), num(angle())] }));
        const circuit = circuitOf([...prelude, gate, { kind: 'gate', name: 'cz', qubits: [0, 1], params: [] }, ...after, { kind: 'gate', name: 'cz', qubits: [1, 2], params: [] }, ...after], 3);
        expect(magnitudeGap(statevector(circuit, []), statevector(readBack(circuit), []))).toBeLessThan(1e-9);
      }
    });
  }

  it('sends no Z rotation and drops rotations by 2π', () => {
    const circuit = circuitOf([
      { kind: 'gate', name: 'rz', qubits: [0], params: [num(0.7)] },
      { kind: 'gate', name: 'rx', qubits: [0], params: [num(2 * Math.PI)] },
      { kind: 'gate', name: 't', qubits: [1], params: [] },
    ], 2);
    const { circuit: iqm } = translateCircuit(circuit, new Map(), { qubitNames: NAMES, backend: 'iqm', name: 't' });
    expect(iqm.instructions).toEqual([]);
  });
});
