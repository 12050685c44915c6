/**
 * Prepared PUBs (after the mitigation pipeline rewrote them) → Sampler/Estimator V2 params a vendor's
 * runtime accepts: each circuit printed back to OpenQASM 3, its parameter values as numbers, and
 * observables as `{label: coeff}` dicts. The pipeline may have twirled, folded or added circuits, so
 * what is sent is always printed from the IR, never the text the user wrote.
 */
import type { Circuit } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';
import type { EstimatorPub, PrimitiveKind, SamplerPub } from '../../pipeline/types.js';
import { parseQasm, printQasm3 } from '../../qasm/index.js';
import { nest, type NestedOf } from '../../primitives/shape.js';

export type V2Pub = readonly unknown[];

/** Params of a Qiskit Runtime `sampler` or `estimator` job (what `POST /v1/jobs` carries as `params`). */
export interface V2Params {
  readonly pubs: readonly V2Pub[];
  readonly version: 2;
  /** Estimator only: 0, because mitigation already ran in the gateway and must not run twice. */
  readonly resilience_level?: number;
}

export type PubsOf<K extends PrimitiveKind> = K extends 'sampler' ? readonly SamplerPub[] : readonly EstimatorPub[];

interface Printed {
  readonly qasm: string;
  /** For each parameter column sent, the column of the prepared PUB's bindings it takes. */
  readonly columns: readonly number[];
}

function sortedByName(names: readonly string[]): number[] {
  return names.map((_, i) => i).sort((a, b) => ((names[a] ?? '') < (names[b] ?? '') ? -1 : (names[a] ?? '') > (names[b] ?? '') ? 1 : 0));
}

function isSorted(names: readonly string[]): boolean {
  return names.every((name, i) => i === 0 || (names[i - 1] ?? '') <= name);
}

/**
 * Qiskit binds parameter values in the order of `QuantumCircuit.parameters`, which is sorted by name,
 * while OpenQASM declares them in any order (and this project binds in declaration order). Printing
 * the parameters already sorted by their printed names makes both readings agree. The printer may
 * rename a parameter (one called `p` or `pi` clashes with a gate or a constant), so the names are
 * read back from the printed text, not assumed.
 */
function printForVendor(circuit: Circuit): Printed {
  const first = printQasm3(circuit);
  if (circuit.parameters.length === 0) return { qasm: first, columns: [] };
  const printedNames = parseQasm(first).parameters;
  if (isSorted(printedNames)) return { qasm: first, columns: circuit.parameters.map((_, i) => i) };
  const columns = sortedByName(printedNames);
  const reordered: Circuit = { ...circuit, parameters: columns.map((i) => circuit.parameters[i] ?? '') };
  const qasm = printQasm3(reordered);
  if (!isSorted(parseQasm(qasm).parameters)) {
    throw new QrunError('INTERNAL', 'cannot print the circuit with its parameters in the order the vendor binds them', {
      hint: 'This is a bug in slurm-qpu; rename the circuit parameters (letters and digits only) and report it.',
      details: { parameters: [...circuit.parameters] },
    });
  }
  return { qasm, columns };
}

function parameterValues(pub: SamplerPub | EstimatorPub, columns: readonly number[]): NestedOf<number[]> | null {
  if (columns.length === 0) return null;
  const rows = pub.bindings.rows.map((row) => columns.map((c) => row[c] ?? 0));
  return nest(rows, pub.bindings.shape);
}

/**
 * Observables on the circuit's compact qubits → labels the vendor reads against the circuit it
 * receives: as wide as the circuit for virtual qubits, as wide as the device (up to the highest
 * physical qubit used) for a circuit printed on physical qubits `$k`.
 */
function vendorLabel(label: string, circuit: Circuit): string {
  const physical = circuit.physicalQubits;
  if (physical === null || physical.length !== circuit.numQubits) return label;
  const width = Math.max(-1, ...physical) + 1;
  const chars = new Array<string>(width).fill('I');
  const n = circuit.numQubits;
  for (let q = 0; q < n; q++) chars[width - 1 - (physical[q] ?? q)] = label[n - 1 - q] ?? 'I';
  return chars.join('');
}

function observables(pub: EstimatorPub): NestedOf<Record<string, number>> {
  const dicts = pub.observables.map((sum) => {
    const dict: Record<string, number> = {};
    for (const term of sum.terms) {
      const label = vendorLabel(term.label, pub.circuit);
      dict[label] = (dict[label] ?? 0) + term.coeff;
    }
    // Every term vanished under the layout (prepare dropped them): the identity times 0 is the same observable.
    if (Object.keys(dict).length === 0) dict[vendorLabel('I'.repeat(pub.circuit.numQubits), pub.circuit)] = 0;
    return dict;
  });
  return nest(dicts, pub.observableShape);
}

export function samplerPubToV2(pub: SamplerPub): V2Pub {
  const printed = printForVendor(pub.circuit);
  return [printed.qasm, parameterValues(pub, printed.columns), pub.shots];
}

export function estimatorPubToV2(pub: EstimatorPub): V2Pub {
  const printed = printForVendor(pub.circuit);
  return [printed.qasm, observables(pub), parameterValues(pub, printed.columns), pub.precision];
}

/** The V2 params of one vendor job: every PUB of one kind, in the batch's order. */
export function preparedToV2Params(kind: 'sampler', pubs: readonly SamplerPub[]): V2Params;
export function preparedToV2Params(kind: 'estimator', pubs: readonly EstimatorPub[]): V2Params;
export function preparedToV2Params(kind: PrimitiveKind, pubs: readonly SamplerPub[] | readonly EstimatorPub[]): V2Params;
export function preparedToV2Params(kind: PrimitiveKind, pubs: readonly SamplerPub[] | readonly EstimatorPub[]): V2Params {
  if (kind === 'sampler') return { pubs: (pubs as readonly SamplerPub[]).map(samplerPubToV2), version: 2 };
  return { pubs: (pubs as readonly EstimatorPub[]).map(estimatorPubToV2), version: 2, resilience_level: 0 };
}
