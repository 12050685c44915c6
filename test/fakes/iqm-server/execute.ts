/**
 * Runs an IQM circuit on the project's own TypeScript engine, the way an IQM quantum computer would
 * answer it: PRX(θ, φ) is RZ(φ)·RX(θ)·RZ(−φ), CZ is CZ, each `measure` instruction's key holds the
 * bits of its locus in locus order, per shot. Device qubits are compacted to the ones the circuit uses.
 */
import type { Circuit, Op } from '../../../src/circuit/ir.js';
import { createTsEngine } from '../../../src/sim/index.js';

export interface FakeInstruction {
  readonly name: string;
  readonly locus: readonly string[];
  readonly args: Readonly<Record<string, unknown>>;
}

export type Measurements = Record<string, number[][]>;

const num = (value: number) => ({ kind: 'num' as const, value });

export async function runIqmCircuit(instructions: readonly FakeInstruction[], shots: number, seed: number): Promise<Measurements> {
  const qubits = new Map<string, number>();
  const index = (name: string): number => {
    let i = qubits.get(name);
    if (i === undefined) {
      i = qubits.size;
      qubits.set(name, i);
    }
    return i;
  };
  const ops: Op[] = [];
  const keys: { key: string; offset: number; size: number }[] = [];
  let clbits = 0;
  for (const ins of instructions) {
    const locus = ins.locus.map(index);
    switch (ins.name) {
      case 'prx': {
        const angle = Number(ins.args['angle']);
        const phase = Number(ins.args['phase']);
        const q = locus[0] ?? 0;
        ops.push({ kind: 'gate', name: 'rz', qubits: [q], params: [num(-phase)] });
        ops.push({ kind: 'gate', name: 'rx', qubits: [q], params: [num(angle)] });
        ops.push({ kind: 'gate', name: 'rz', qubits: [q], params: [num(phase)] });
        break;
      }
      case 'cz':
        ops.push({ kind: 'gate', name: 'cz', qubits: locus, params: [] });
        break;
      case 'measure':
        keys.push({ key: String(ins.args['key']), offset: clbits, size: locus.length });
        for (const q of locus) ops.push({ kind: 'measure', qubit: q, clbit: clbits++ });
        break;
      case 'barrier':
        ops.push({ kind: 'barrier', qubits: locus });
        break;
      default:
        // delay: no effect on an ideal device.
        break;
    }
  }
  const circuit: Circuit = {
    numQubits: Math.max(1, qubits.size),
    numClbits: clbits,
    clbitRegisters: keys.map((k) => ({ name: k.key, size: k.size, offset: k.offset })),
    parameters: [],
    physicalQubits: null,
    ops,
  };
  const memory = await createTsEngine().sample(circuit, [], { shots, seed });
  const out: Measurements = {};
  for (const { key, offset, size } of keys) {
    const rows: number[][] = [];
    for (let shot = 0; shot < shots; shot++) {
      const row: number[] = [];
      for (let b = 0; b < size; b++) {
        const clbit = offset + b;
        row.push(((memory.memory[shot * memory.bytesPerShot + (clbit >> 3)] ?? 0) >> (clbit & 7)) & 1);
      }
      rows.push(row);
    }
    out[key] = rows;
  }
  return out;
}
