/**
 * The device's state: who holds the reservation, the circuits it was sent and their lives (queued,
 * then run after `runDelayMs`, then done with their shots, failed, or cancelled).
 */
import { instructionToQasm, programOf, sample, type Model } from './execution.js';
import type { Fault } from './faults.js';

type CircuitStatus = 'queued' | 'done' | 'failed' | 'cancelled';

export interface FakeCircuit {
  readonly id: number;
  /** The reservation's session that sent it, or null when the device was not reserved. */
  readonly session: string | null;
  readonly body: unknown;
  readonly shots: number;
  status: CircuitStatus;
  data: number[][] | null;
  detail: string | null;
  timer: NodeJS.Timeout | null;
}

export interface Reservation {
  readonly session: string;
  readonly endTime: number;
}

export interface DeviceOptions {
  readonly model: Model;
  readonly qubits: number;
  readonly maxShots: number;
  runDelayMs: number;
}

export class BodyError extends Error {
  constructor(
    readonly loc: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Device {
  readonly circuits = new Map<number, FakeCircuit>();
  reservation: Reservation | null = null;
  private nextId = 1;

  constructor(readonly options: DeviceOptions) {}

  /** The reservation, unless its end time passed (the device frees itself then). */
  holder(nowSeconds: number): Reservation | null {
    if (this.reservation !== null && this.reservation.endTime <= nowSeconds) this.reservation = null;
    return this.reservation;
  }

  /** Checks a `POST /circuits` body as the device does; throws BodyError naming the field. */
  check(body: unknown): { program: string; indices: number; shots: number } {
    if (!isRecord(body)) throw new BodyError(['body'], 'expected a JSON object');
    if (body['command'] !== 'circuit') throw new BodyError(['body', 'command'], 'must be "circuit"');
    const settings = body['settings'];
    if (!isRecord(settings)) throw new BodyError(['body', 'settings'], 'field required');
    const shots = settings['shots'];
    if (typeof shots !== 'number' || !Number.isInteger(shots) || shots < 1) throw new BodyError(['body', 'settings', 'shots'], 'must be a positive integer');
    if (shots > this.options.maxShots) throw new BodyError(['body', 'settings', 'shots'], `must be at most ${this.options.maxShots}`);
    const init = body['init'];
    if (!Array.isArray(init) || init.some((v) => v !== 0 && v !== 1)) throw new BodyError(['body', 'init'], 'must be a list of 0 and 1');
    if (init.length > this.options.qubits) throw new BodyError(['body', 'init'], `has ${init.length} entries, the device has ${this.options.qubits} qubits`);
    const circuit = body['circuit'];
    if (!Array.isArray(circuit)) throw new BodyError(['body', 'circuit'], 'must be a list of instructions');
    const lines: string[] = init.flatMap((v, q) => (v === 1 ? [`x q[${q}];`] : []));
    circuit.forEach((instruction: unknown, i) => {
      const read = instructionToQasm(String(instruction), this.options.model, this.options.qubits);
      if ('error' in read) throw new BodyError(['body', 'circuit', i], read.error);
      lines.push(read.qasm);
    });
    const measure = body['measure'];
    if (!Array.isArray(measure)) throw new BodyError(['body', 'measure'], 'must be a list of [qubit, index]');
    const pairs: [number, number][] = [];
    measure.forEach((pair: unknown, i) => {
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((n) => Number.isInteger(n) && (n as number) >= 0)) throw new BodyError(['body', 'measure', i], 'must be [qubit, index]');
      const [qubit, index] = pair as [number, number];
      if (qubit >= this.options.qubits) throw new BodyError(['body', 'measure', i], `qubit ${qubit} does not exist`);
      if (index !== i) throw new BodyError(['body', 'measure', i], `index must be ${i}: indices run 0, 1, ... in order`);
      pairs.push([qubit, index]);
    });
    return { program: programOf(lines, pairs, this.options.qubits), indices: pairs.length, shots };
  }

  submit(body: unknown, session: string | null, fault: Fault | undefined): FakeCircuit {
    const { program, indices, shots } = this.check(body);
    const circuit: FakeCircuit = { id: this.nextId++, session, body, shots, status: 'queued', data: null, detail: null, timer: null };
    this.circuits.set(circuit.id, circuit);
    const finish = async (): Promise<void> => {
      circuit.timer = null;
      if (circuit.status !== 'queued') return;
      if (fault?.kind === 'circuit-failure') {
        circuit.status = 'failed';
        circuit.detail = fault.detail ?? 'QB hardware process failure: readout calibration lost';
        return;
      }
      const keep = fault?.kind === 'short-shots' ? Math.max(0, Math.min(shots, fault.keep)) : shots;
      const data = await sample(program, indices, keep);
      if (circuit.status !== 'queued') return;
      circuit.data = data;
      circuit.status = 'done';
    };
    circuit.timer = setTimeout(() => void finish(), this.options.runDelayMs);
    return circuit;
  }

  cancel(circuit: FakeCircuit): void {
    if (circuit.timer !== null) clearTimeout(circuit.timer);
    circuit.timer = null;
    if (circuit.status === 'queued') circuit.status = 'cancelled';
  }

  /** Frees the reservation and stops what its session still has queued. */
  release(session: string): void {
    if (this.reservation?.session === session) this.reservation = null;
    for (const circuit of this.circuits.values()) if (circuit.session === session) this.cancel(circuit);
  }

  shutdown(): void {
    for (const circuit of this.circuits.values()) if (circuit.timer !== null) clearTimeout(circuit.timer);
  }
}
