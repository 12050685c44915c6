/**
 * Pauli twirling of Clifford two-qubit gates and of measurements.
 *
 * Gates: for a Clifford G and a random Pauli pair P before it, Q = G P G† is again a Pauli pair (up to
 * a phase), so Q·G·P = phase·G: the same operation, while the gate's coherent errors are averaged
 * into Pauli noise over randomizations. The table of Q for each P is computed from the gate matrices
 * (src/sim/gates.ts) rather than written by hand, so it cannot disagree with what the engines run.
 *
 * Measurements: an X before a measurement (and the recorded bit flipped back afterwards) turns an
 * asymmetric readout error into a symmetric one (IBM's measurement twirling, part of TREX).
 */
import type { Circuit, GateOp, Op } from '../../circuit/ir.js';
import { gateMatrix, dagger, kron, matmul, type Matrix } from '../../sim/index.js';
import type { Prng } from '../../sim/prng.js';

export const TWIRLABLE_GATES = ['cx', 'cz', 'ecr'] as const;
export type TwirlableGate = (typeof TWIRLABLE_GATES)[number];

const PAULI_NAMES = ['id', 'x', 'y', 'z'] as const;
type PauliIndex = 0 | 1 | 2 | 3;
const PAULI: readonly Matrix[] = PAULI_NAMES.map((n) => gateMatrix(n));

/** P on qubits[0] ⊗ … : kron puts its first argument on qubits[1]. */
const pair = (p0: PauliIndex, p1: PauliIndex): Matrix => kron(PAULI[p1]!, PAULI[p0]!);

/** Whether a = c·b for one complex c (a phase, as both are unitary). */
function phaseBetween(a: Matrix, b: Matrix): boolean {
  let ratio: [number, number] | null = null;
  for (let i = 0; i < a.data.length; i += 2) {
    const [ar, ai, br, bi] = [a.data[i]!, a.data[i + 1]!, b.data[i]!, b.data[i + 1]!];
    const bAbs = br * br + bi * bi;
    if (bAbs < 1e-12) {
      if (ar * ar + ai * ai > 1e-12) return false;
      continue;
    }
    const r: [number, number] = [(ar * br + ai * bi) / bAbs, (ai * br - ar * bi) / bAbs];
    if (ratio === null) ratio = r;
    else if (Math.abs(ratio[0] - r[0]) > 1e-9 || Math.abs(ratio[1] - r[1]) > 1e-9) return false;
  }
  return ratio !== null;
}

/** For each Pauli pair before the gate (index p0 + 4·p1), the pair after it. */
function conjugationTable(gate: TwirlableGate): [PauliIndex, PauliIndex][] {
  const g = gateMatrix(gate);
  const table: [PauliIndex, PauliIndex][] = [];
  for (let code = 0; code < 16; code++) {
    const before = pair((code & 3) as PauliIndex, (code >> 2) as PauliIndex);
    const after = matmul(matmul(g, before), dagger(g));
    let found: [PauliIndex, PauliIndex] | undefined;
    for (let q = 0; q < 16 && found === undefined; q++) {
      if (phaseBetween(after, pair((q & 3) as PauliIndex, (q >> 2) as PauliIndex))) found = [(q & 3) as PauliIndex, (q >> 2) as PauliIndex];
    }
    if (found === undefined) throw new Error(`${gate} is not Clifford`);
    table.push(found);
  }
  return table;
}

/** Built once at load: pure data derived from the gate matrices, never written afterwards. */
const TABLES: Readonly<Record<TwirlableGate, readonly [PauliIndex, PauliIndex][]>> = {
  cx: conjugationTable('cx'),
  cz: conjugationTable('cz'),
  ecr: conjugationTable('ecr'),
};

function pauliOps(p0: PauliIndex, p1: PauliIndex, qubits: readonly number[]): GateOp[] {
  const out: GateOp[] = [];
  const [q0, q1] = qubits;
  // Identity factors are left out: no gate, no extra gate noise.
  if (p0 !== 0 && q0 !== undefined) out.push({ kind: 'gate', name: PAULI_NAMES[p0], qubits: [q0], params: [] });
  if (p1 !== 0 && q1 !== undefined) out.push({ kind: 'gate', name: PAULI_NAMES[p1], qubits: [q1], params: [] });
  return out;
}

/** One random twirl of every top-level cx/cz/ecr in `gates`; the circuit's unitary is unchanged up to global phase. */
export function twirlGates(circuit: Circuit, gates: readonly TwirlableGate[], rng: Prng): Circuit {
  const ops: Op[] = [];
  for (const o of circuit.ops) {
    const table = o.kind === 'gate' && (gates as readonly string[]).includes(o.name) ? TABLES[o.name as TwirlableGate] : undefined;
    if (o.kind !== 'gate' || table === undefined) {
      ops.push(o);
      continue;
    }
    const code = Math.floor(rng.nextDouble() * 16);
    const [a0, a1] = [(code & 3) as PauliIndex, (code >> 2) as PauliIndex];
    const [b0, b1] = table[code]!;
    ops.push(...pauliOps(a0, a1, o.qubits), o, ...pauliOps(b0, b1, o.qubits));
  }
  return { ...circuit, ops };
}

/**
 * Random X before each top-level measurement. Returns the circuit and the mask of clbits whose
 * recorded value must be flipped back. A qubit used again after its measurement gets a second X, so
 * the rest of the circuit sees the state it would have seen.
 */
export function twirlMeasurements(circuit: Circuit, rng: Prng): { circuit: Circuit; flip: number } {
  let flip = 0;
  const ops: Op[] = [];
  circuit.ops.forEach((o, i) => {
    if (o.kind !== 'measure' || rng.nextDouble() < 0.5) {
      ops.push(o);
      return;
    }
    const x: Op = { kind: 'gate', name: 'x', qubits: [o.qubit], params: [] };
    const usedLater = circuit.ops.slice(i + 1).some((later) => touches(later, o.qubit));
    ops.push(x, o, ...(usedLater ? [x] : []));
    flip ^= 1 << o.clbit;
  });
  return { circuit: { ...circuit, ops }, flip: flip >>> 0 };
}

function touches(o: Op, q: number): boolean {
  switch (o.kind) {
    case 'gate':
      return o.qubits.includes(q);
    case 'barrier':
    case 'delay':
      return false;
    case 'measure':
    case 'reset':
      return o.qubit === q;
    case 'if':
      return [...o.then, ...o.else].some((inner) => touches(inner, q));
  }
}
