/**
 * A circuit of the project's IR, its parameters bound, as an IQM Server circuit: instructions
 * `{name, locus, args}` in IQM's native operations, `prx` (angle, phase in radians, as iqm-client 36
 * sends them), `cz`, `measure` (with a key), `barrier` and `delay`, on the device's qubit names.
 *
 * Z rotations are never sent: each qubit carries a frame angle z (the circuit so far is RZ(z) after
 * what was sent), so RZ(θ) adds θ to z and a later PRX(θ, φ) goes out as PRX(θ, φ − z), because
 * RZ(z)† · PRX(θ, φ) · RZ(z) = PRX(θ, φ − z). CZ and Z-basis measurements commute with RZ, so frames
 * pass through them, and whatever is left at the end changes no measured outcome.
 *
 * Classical registers stay the circuit's own: each run of consecutive measurements (on distinct
 * qubits) is one `measure` instruction with a key of ours, and the result's bits are put back into
 * the circuit's clbits through `measurements` (results.ts).
 */
import { evalExpr, type Circuit, type Op } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';
import { toNativeSteps } from './decompose.js';

export interface IqmInstruction {
  readonly name: 'prx' | 'cz' | 'measure' | 'barrier' | 'delay';
  readonly locus: readonly string[];
  readonly args: Readonly<Record<string, number | string>>;
  readonly implementation: null;
}

export interface IqmCircuit {
  readonly name: string;
  readonly instructions: readonly IqmInstruction[];
  readonly metadata: null;
}

/** Where the bits of one measurement key go: bit i of the key's result is clbit `clbits[i]`. */
export interface MeasurementKey {
  readonly key: string;
  readonly clbits: readonly number[];
}

export interface Translated {
  readonly circuit: IqmCircuit;
  /** In the order the keys are measured; a clbit measured twice keeps the later value. */
  readonly measurements: readonly MeasurementKey[];
  readonly numClbits: number;
}

const TURN = 2 * Math.PI;
const ANGLE_EPS = 1e-10;
const SECONDS: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };

/** An angle in (−π, π]: the same rotation, and the smallest number on the wire. */
function wrap(angle: number): number {
  const r = angle - TURN * Math.floor((angle + Math.PI) / TURN);
  return r === -Math.PI ? Math.PI : r;
}

function unsupported(backend: string, pub: number | undefined, what: string, hint: string): QrunError {
  const where = pub === undefined ? '' : `pubs[${pub}] circuit: `;
  return new QrunError('CIRCUIT_DOES_NOT_FIT', `${where}${what}, which ${backend} (IQM Server) cannot run`, { hint, details: { backend, ...(pub === undefined ? {} : { pub }) } });
}

export interface TranslateOptions {
  /** The device's qubit names by device index (the static architecture's `qubits`). */
  readonly qubitNames: readonly string[];
  readonly backend: string;
  readonly pub?: number | undefined;
  readonly name: string;
}

export function translateCircuit(circuit: Circuit, values: ReadonlyMap<string, number>, options: TranslateOptions): Translated {
  const { qubitNames, backend, pub } = options;
  const name = (q: number): string => {
    const device = circuit.physicalQubits?.[q] ?? q;
    const found = qubitNames[device];
    if (found === undefined) throw unsupported(backend, pub, `qubit ${device} does not exist on the device (it has ${qubitNames.length})`, 'Choose a smaller circuit or a larger backend.');
    return found;
  };
  const frame = new Float64Array(circuit.numQubits);
  const out: IqmInstruction[] = [];
  const measurements: MeasurementKey[] = [];
  let pending: { qubits: number[]; clbits: number[] } | null = null;

  const flushMeasure = (): void => {
    if (pending === null) return;
    const key = `m${measurements.length}`;
    out.push({ name: 'measure', locus: pending.qubits.map(name), args: { key }, implementation: null });
    measurements.push({ key, clbits: pending.clbits });
    pending = null;
  };
  const prx = (qubit: number, angle: number, phase: number): void => {
    // A rotation by a multiple of 2π is a global phase: nothing to send.
    if (Math.abs(wrap(angle)) < ANGLE_EPS) return;
    out.push({ name: 'prx', locus: [name(qubit)], args: { angle: wrap(angle), phase: wrap(phase - (frame[qubit] ?? 0)) }, implementation: null });
  };

  const visit = (op: Op): void => {
    if (op.kind !== 'measure') flushMeasure();
    switch (op.kind) {
      case 'measure': {
        if (pending !== null && pending.qubits.includes(op.qubit)) flushMeasure();
        pending ??= { qubits: [], clbits: [] };
        pending.qubits.push(op.qubit);
        pending.clbits.push(op.clbit);
        return;
      }
      case 'barrier':
        if (op.qubits.length > 0) out.push({ name: 'barrier', locus: op.qubits.map(name), args: {}, implementation: null });
        return;
      case 'delay': {
        const unit = SECONDS[op.duration.unit];
        if (unit === undefined) throw unsupported(backend, pub, `a delay in dt (device ticks)`, 'Give the delay in s, ms, us or ns: IQM Server takes delays in seconds.');
        out.push({ name: 'delay', locus: op.qubits.map(name), args: { duration: op.duration.value * unit }, implementation: null });
        return;
      }
      case 'reset':
        throw unsupported(backend, pub, 'it resets a qubit mid-circuit', 'Remove the reset: every circuit starts from |0⟩ on IQM Server.');
      case 'if':
        throw unsupported(backend, pub, 'it has a classically controlled block (if on a measured bit)', 'Remove the condition (run the branches as separate circuits).');
      case 'gate': {
        const params = op.params.map((p) => evalExpr(p, values));
        for (const step of toNativeSteps({ name: op.name as never, qubits: op.qubits, params })) {
          if (step.kind === 'cz') {
            out.push({ name: 'cz', locus: [name(step.qubits[0]), name(step.qubits[1])], args: {}, implementation: null });
            continue;
          }
          // RZ(c) first, then RY(b) = PRX(b, π/2), then RZ(a); the global phase is dropped.
          const { a, b, c } = step.angles;
          frame[step.qubit] = (frame[step.qubit] ?? 0) + c;
          prx(step.qubit, b, Math.PI / 2);
          frame[step.qubit] = wrap((frame[step.qubit] ?? 0) + a);
        }
        return;
      }
    }
  };
  for (const op of circuit.ops) visit(op);
  flushMeasure();
  return { circuit: { name: options.name, instructions: out, metadata: null }, measurements, numClbits: circuit.numClbits };
}
