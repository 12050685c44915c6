/**
 * The circuit-fit check: does a circuit fit a backend? Compares what the circuit needs (qubits,
 * gates, 2-qubit connectivity, shots, experiments) with the backend's metadata and refuses with the
 * first violation named, before any time is spent. The local runner calls it against the simulator's
 * own limits; the job gateway calls it against the catalogue's metadata for a QPU.
 */
import type { BackendMetadata } from '../backends/metadata.js';
import { QrunError } from '../errors.js';
import type { Circuit, GateOp, Op } from './ir.js';

export interface FitRequirements {
  /** Shots per circuit execution (per PUB element). */
  readonly shots: number;
  /** Circuits in the task: PUB elements across all PUBs. */
  readonly experiments: number;
  /** The PUB's index in the request, named in the error (a task may hold a hundred PUBs). */
  readonly pub?: number;
}

/** What checkPubsFit needs of a PUB: its index, circuit, shots and number of elements. */
export interface FitPub {
  readonly index: number;
  readonly circuit: Circuit;
  readonly shots: number;
  readonly elements: number;
}

function* gatesOf(ops: readonly Op[]): Generator<GateOp> {
  for (const op of ops) {
    if (op.kind === 'gate') yield op;
    else if (op.kind === 'if') {
      // A while loop nests ifs a thousand deep: walk them with a loop, not a thousand generators.
      const stack: (readonly Op[])[] = [op.else, op.then];
      for (let ops = stack.pop(); ops !== undefined; ops = stack.pop()) {
        for (const inner of ops) {
          if (inner.kind === 'gate') yield inner;
          else if (inner.kind === 'if') stack.push(inner.else, inner.then);
        }
      }
    }
    // measure, reset, barrier and delay are not gates: every backend runs them, whatever its basis.
  }
}

function doesNotFit(backend: string, pub: number | undefined, message: string, hint: string, details: Record<string, unknown>): QrunError {
  const where = pub === undefined ? '' : `pubs[${pub}] circuit: `;
  return new QrunError('CIRCUIT_DOES_NOT_FIT', `${where}${message}`, { hint, details: { backend, ...(pub === undefined ? {} : { pub }), ...details } });
}

/** Checks every PUB of a task, each error naming its PUB; experiments count elements across all of them. */
export function checkPubsFit(pubs: readonly FitPub[], metadata: BackendMetadata, backendName: string): void {
  const experiments = pubs.reduce((n, p) => n + p.elements, 0);
  for (const p of pubs) checkCircuitFits(p.circuit, metadata, { shots: p.shots, experiments, pub: p.index }, backendName);
}

/**
 * Throws CIRCUIT_DOES_NOT_FIT naming the first violation. Qubit indices are the device's: a circuit on
 * physical qubits `$k` is checked on those; a circuit on virtual qubits is taken to sit on qubits
 * 0..n-1 (what a backend does with an untranspiled circuit).
 *
 * The coupling map is treated as undirected: a 2-qubit gate against the listed direction is the
 * listed one conjugated by 1-qubit gates, which every basis can express, so direction is a matter of
 * transpilation rather than of whether the circuit can run; the vendor's own check still applies.
 */
export function checkCircuitFits(circuit: Circuit, metadata: BackendMetadata, needs: FitRequirements, backendName: string): void {
  const device = (q: number): number => circuit.physicalQubits?.[q] ?? q;
  const width = circuit.physicalQubits === null ? circuit.numQubits : Math.max(0, ...circuit.physicalQubits.map((p) => p + 1));
  if (width > metadata.num_qubits) {
    const what = circuit.physicalQubits === null ? `${width} qubits` : `${width} qubits (it uses physical qubit $${width - 1})`;
    throw doesNotFit(backendName, needs.pub, `needs ${what}, ${backendName} has ${metadata.num_qubits}`, 'Choose a larger backend or a smaller circuit.', {
      needed: width,
      available: metadata.num_qubits,
    });
  }

  const basis = metadata.basis_gates === undefined ? null : new Set(metadata.basis_gates);
  const coupled =
    metadata.coupling_map === undefined ? null : new Set(metadata.coupling_map.flatMap(([a, b]) => [`${a},${b}`, `${b},${a}`]));
  for (const gate of gatesOf(circuit.ops)) {
    if (basis !== null && !basis.has(gate.name)) {
      throw doesNotFit(
        backendName,
        needs.pub,
        `gate ${gate.name} not in basis ${[...basis].join(',')} of ${backendName}`,
        'Transpile the circuit for this backend first (qiskit.transpile(circuit, backend)).',
        { gate: gate.name, basis_gates: [...basis] },
      );
    }
    if (coupled !== null && gate.qubits.length >= 2) {
      const qubits = gate.qubits.map(device);
      for (let i = 0; i < qubits.length; i++) {
        for (let j = i + 1; j < qubits.length; j++) {
          const a = qubits[i] ?? 0;
          const b = qubits[j] ?? 0;
          if (!coupled.has(`${a},${b}`)) {
            throw doesNotFit(backendName, needs.pub, `${gate.name} on ${a}–${b} not in coupling map of ${backendName}`, 'Transpile the circuit for this backend first so 2-qubit gates act on coupled qubits.', {
              gate: gate.name,
              qubits: [a, b],
            });
          }
        }
      }
    }
  }

  if (metadata.max_shots !== undefined && needs.shots > metadata.max_shots) {
    throw doesNotFit(backendName, needs.pub, `needs ${needs.shots} shots, ${backendName} allows at most ${metadata.max_shots}`, 'Ask for fewer shots (or a coarser precision).', {
      needed: needs.shots,
      available: metadata.max_shots,
    });
  }
  if (metadata.max_experiments !== undefined && needs.experiments > metadata.max_experiments) {
    throw doesNotFit(
      backendName,
      needs.pub,
      `needs ${needs.experiments} circuit executions, ${backendName} allows at most ${metadata.max_experiments} per task`,
      'Split the PUBs (or the parameter sweep) across several runs.',
      { needed: needs.experiments, available: metadata.max_experiments },
    );
  }
}
