/**
 * A bound circuit of the IR → the circuit a QB device accepts: native instructions in Qristal's XASM
 * form (`Rx(q[0],1.5707963268)`, `Ry(...)`, `CZ(q[0],q[1])`, or `ACZ(...)` on an ACZ model), angles in
 * fixed-point notation (the device's XASM reads no exponents) within (−π, π], and the measurements
 * apart, as [qubit, index] pairs in the order they come: the device returns each shot as one bit per
 * index. The device measures only at the end of a circuit, so what needs a mid-circuit measurement, a
 * reset, a condition or a delay is refused, naming the operation, before anything is sent.
 */
import { evalExpr, type Circuit, type Op } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';
import { fromRows, identity, matmul, type Matrix } from '../../sim/matrix.js';
import { nativeSteps, normalizeAngle, xyxAngles } from './decompose.js';
import type { QristalModel } from './schema.js';

export interface NativeCircuit {
  /** The device's instructions, in order. */
  readonly circuit: readonly string[];
  /** [device qubit, index]: index k is bit k of every shot the device returns. */
  readonly measure: readonly (readonly [number, number])[];
  /** clbits[k]: the circuit's classical bit that index k fills. */
  readonly clbits: readonly number[];
  /** Device qubits the circuit spans (qubits 0..width-1), the length of the device's `init`. */
  readonly width: number;
}

/** Digits after the point: far below any device's angle resolution, within what fixed notation prints. */
const ANGLE_DIGITS = 10;
/** A rotation smaller than this is left out. */
const ANGLE_EPSILON = 1e-10;
const X_GATE = fromRows([[[0, 0], [1, 0]], [[1, 0], [0, 0]]]);

function unsupported(what: string, pub: number | undefined, backend: string, hint: string): QrunError {
  const where = pub === undefined ? '' : `pubs[${pub}] circuit: `;
  return new QrunError('CIRCUIT_UNSUPPORTED', `${where}${what}, which ${backend} cannot run: a Quantum Brilliance device measures every qubit once, at the end of the circuit`, {
    hint,
    details: { backend, ...(pub === undefined ? {} : { pub }) },
  });
}

/**
 * Throws CIRCUIT_UNSUPPORTED for the first operation the device has no form for: a condition, a
 * delay, a reset after the qubit was used, a gate on a measured qubit, a qubit measured twice.
 */
export function checkNative(circuit: Circuit, backend: string, pub?: number): void {
  const touched = new Set<number>();
  const measured = new Set<number>();
  const walk = (op: Op): void => {
    switch (op.kind) {
      case 'if':
        throw unsupported('it has a condition on a measured bit (if/while)', pub, backend, 'Remove the classical control: the device runs no mid-circuit logic.');
      case 'delay':
        throw unsupported('it has a delay', pub, backend, 'Remove the delay (and dynamical decoupling from the mitigation options): the device has no timed idle instruction.');
      case 'reset':
        if (touched.has(op.qubit)) throw unsupported(`it resets qubit ${op.qubit} after using it`, pub, backend, 'Use a fresh qubit instead of a reset: every qubit starts in |0>.');
        return;
      case 'barrier':
        return;
      case 'measure':
        if (measured.has(op.qubit)) throw unsupported(`it measures qubit ${op.qubit} twice`, pub, backend, 'Measure each qubit once, at the end.');
        measured.add(op.qubit);
        touched.add(op.qubit);
        return;
      case 'gate':
        for (const q of op.qubits) {
          if (measured.has(q)) throw unsupported(`it applies ${op.name} to qubit ${q} after measuring it`, pub, backend, 'Move every measurement to the end of the circuit.');
          touched.add(q);
        }
        return;
    }
  };
  circuit.ops.forEach(walk);
}

function fixed(angle: number): string {
  const text = normalizeAngle(angle).toFixed(ANGLE_DIGITS);
  return text === `-${(0).toFixed(ANGLE_DIGITS)}` ? (0).toFixed(ANGLE_DIGITS) : text;
}

/** The circuit bound to `values` (one per circuit parameter, in declaration order) as the device's instructions. */
export function toNative(circuit: Circuit, values: readonly number[], model: QristalModel, backend: string, pub?: number): NativeCircuit {
  checkNative(circuit, backend, pub);
  const bindings = new Map(circuit.parameters.map((name, i) => [name, values[i] ?? Number.NaN]));
  const device = (q: number): number => circuit.physicalQubits?.[q] ?? q;
  const out: string[] = [];
  const pending = new Map<number, Matrix>();
  const apply = (q: number, m: Matrix): void => {
    pending.set(q, matmul(m, pending.get(q) ?? identity(2)));
  };
  const flush = (q: number): void => {
    const m = pending.get(q);
    if (m === undefined) return;
    pending.delete(q);
    const [a, b, c] = xyxAngles(m);
    const wire = `q[${device(q)}]`;
    // U = Rx(a)·Ry(b)·Rx(c): Rx(c) acts first.
    for (const [gate, angle] of [['Rx', c], ['Ry', b], ['Rx', a]] as const) {
      if (Math.abs(normalizeAngle(angle)) > ANGLE_EPSILON) out.push(`${gate}(${wire},${fixed(angle)})`);
    }
  };
  const measure: [number, number][] = [];
  const clbits: number[] = [];
  for (const op of circuit.ops) {
    if (op.kind === 'measure') {
      flush(op.qubit);
      measure.push([device(op.qubit), measure.length]);
      clbits.push(op.clbit);
      continue;
    }
    if (op.kind !== 'gate') continue;
    const params = op.params.map((e) => evalExpr(e, bindings));
    for (const step of nativeSteps(op.name, op.qubits, params)) {
      if (step.kind === 'unitary') {
        apply(step.qubit, step.matrix);
        continue;
      }
      const [a, b] = step.qubits;
      if (model === 'QB-QDK2-ACZ') {
        // CZ = X·ACZ·X on the control: ACZ flips the phase when the control is |0>.
        apply(a, X_GATE);
        flush(a);
        flush(b);
        out.push(`ACZ(q[${device(a)}],q[${device(b)}])`);
        apply(a, X_GATE);
      } else {
        flush(a);
        flush(b);
        out.push(`CZ(q[${device(a)}],q[${device(b)}])`);
      }
    }
  }
  for (const q of [...pending.keys()]) flush(q);
  const width = circuit.physicalQubits === null ? circuit.numQubits : Math.max(0, ...circuit.physicalQubits.map((p) => p + 1));
  return { circuit: out, measure, clbits, width };
}
