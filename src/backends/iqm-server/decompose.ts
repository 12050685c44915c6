/**
 * Every standard gate as IQM's native ones can run it: 2- and 3-qubit gates are rewritten into CZ and
 * 1-qubit gates (exactly, up to a global phase of the whole circuit), and every 1-qubit gate becomes
 * Z–Y–Z Euler angles, whose Z rotations translate.ts turns into phase updates (virtual Z) and whose Y
 * rotation is one PRX. Decompositions are the textbook ones (Nielsen & Chuang §4.3 for controlled-U);
 * test/unit/backends/iqm-server/decompose.test.ts checks each against the simulator's own matrices.
 */
import { QrunError } from '../../errors.js';
import type { StandardGateName } from '../../circuit/ir.js';
import { gateMatrix } from '../../sim/gates.js';
import type { Matrix } from '../../sim/matrix.js';

/** A gate with numeric parameters, on compact qubit indices (controls first). */
export interface BoundGate {
  readonly name: StandardGateName;
  readonly qubits: readonly number[];
  readonly params: readonly number[];
}

/** U = e^{i·phase} · RZ(a) · RY(b) · RZ(c): apply RZ(c) first. */
export interface EulerZyz {
  readonly phase: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

const EPS = 1e-12;

function entry(m: Matrix, r: number, c: number): [number, number] {
  const i = 2 * (r * m.dim + c);
  return [m.data[i] ?? 0, m.data[i + 1] ?? 0];
}

/** Z–Y–Z Euler angles of a 2×2 unitary, global phase included (controlled-U needs it). */
export function eulerZyz(m: Matrix): EulerZyz {
  const [ar, ai] = entry(m, 0, 0);
  const [br, bi] = entry(m, 0, 1);
  const [cr, ci] = entry(m, 1, 0);
  const [dr, di] = entry(m, 1, 1);
  // det = ad − bc; U / sqrt(det) is in SU(2) = [[p, −q*], [q, p*]].
  const detRe = ar * dr - ai * di - (br * cr - bi * ci);
  const detIm = ar * di + ai * dr - (br * ci + bi * cr);
  const phase = Math.atan2(detIm, detRe) / 2;
  const rot = (re: number, im: number): [number, number] => [re * Math.cos(-phase) - im * Math.sin(-phase), re * Math.sin(-phase) + im * Math.cos(-phase)];
  const [qr, qi] = rot(cr, ci);
  const [pr, pi] = rot(dr, di);
  const q = Math.hypot(qr, qi);
  const p = Math.hypot(pr, pi);
  const b = 2 * Math.atan2(q, p);
  // p* = cos(b/2)·e^{i(a+c)/2} and q = sin(b/2)·e^{i(a−c)/2}; a factor multiplied by 0 is free.
  const sum = p < EPS ? 0 : 2 * Math.atan2(pi, pr);
  const diff = q < EPS ? 0 : 2 * Math.atan2(qi, qr);
  return { phase, a: (sum + diff) / 2, b, c: (sum - diff) / 2 };
}

const g = (name: StandardGateName, qubits: readonly number[], params: readonly number[] = []): BoundGate => ({ name, qubits, params });

/** The 2×2 unitary a controlled gate applies to its target. */
function controlledBase(gate: BoundGate): Matrix | undefined {
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0] = gate.params;
  switch (gate.name) {
    case 'cy':
      return gateMatrix('y');
    case 'ch':
      return gateMatrix('h');
    case 'cp':
      return gateMatrix('p', [p0]);
    case 'crx':
      return gateMatrix('rx', [p0]);
    case 'cry':
      return gateMatrix('ry', [p0]);
    case 'crz':
      return gateMatrix('rz', [p0]);
    case 'cu': {
      // cu(θ, φ, λ, γ) = e^{iγ} · u(θ, φ, λ) on the target.
      const u = gateMatrix('u', [p0, p1, p2]);
      const data = new Float64Array(u.data.length);
      for (let i = 0; i < u.data.length; i += 2) {
        const re = u.data[i] ?? 0;
        const im = u.data[i + 1] ?? 0;
        data[i] = re * Math.cos(p3) - im * Math.sin(p3);
        data[i + 1] = re * Math.sin(p3) + im * Math.cos(p3);
      }
      return { dim: 2, data };
    }
    default:
      return undefined;
  }
}

/** Controlled-U = P(α) on the control · A·CX·B·CX·C on the target, with ABC = I (N&C Corollary 4.2). */
function controlledU(control: number, target: number, u: Matrix): BoundGate[] {
  const { phase, a, b, c } = eulerZyz(u);
  return [
    g('rz', [target], [(c - a) / 2]),
    g('cx', [control, target]),
    g('rz', [target], [-(c + a) / 2]),
    g('ry', [target], [-b / 2]),
    g('cx', [control, target]),
    g('ry', [target], [b / 2]),
    g('rz', [target], [a]),
    g('p', [control], [phase]),
  ];
}

function ccx(a: number, b: number, c: number): BoundGate[] {
  return [
    g('h', [c]),
    g('cx', [b, c]),
    g('tdg', [c]),
    g('cx', [a, c]),
    g('t', [c]),
    g('cx', [b, c]),
    g('tdg', [c]),
    g('cx', [a, c]),
    g('t', [b]),
    g('t', [c]),
    g('h', [c]),
    g('cx', [a, b]),
    g('t', [a]),
    g('tdg', [b]),
    g('cx', [a, b]),
  ];
}

function rzz(a: number, b: number, theta: number): BoundGate[] {
  return [g('cx', [a, b]), g('rz', [b], [theta]), g('cx', [a, b])];
}

/**
 * One step of rewriting a multi-qubit gate: what it is made of, in time order, or `native` for CZ,
 * or undefined for a 1-qubit gate (the caller turns that into Euler angles).
 */
function rewrite(gate: BoundGate): BoundGate[] | 'native' | undefined {
  const [q0 = 0, q1 = 0, q2 = 0] = gate.qubits;
  const theta = gate.params[0] ?? 0;
  switch (gate.name) {
    case 'cz':
      return 'native';
    case 'cx':
      return [g('h', [q1]), g('cz', [q0, q1]), g('h', [q1])];
    case 'swap':
      return [g('cx', [q0, q1]), g('cx', [q1, q0]), g('cx', [q0, q1])];
    case 'iswap':
      return [g('s', [q0]), g('s', [q1]), g('h', [q0]), g('cx', [q0, q1]), g('cx', [q1, q0]), g('h', [q1])];
    case 'rzz':
      return rzz(q0, q1, theta);
    case 'rxx':
      return [g('h', [q0]), g('h', [q1]), ...rzz(q0, q1, theta), g('h', [q0]), g('h', [q1])];
    case 'ryy':
      return [g('rx', [q0], [Math.PI / 2]), g('rx', [q1], [Math.PI / 2]), ...rzz(q0, q1, theta), g('rx', [q0], [-Math.PI / 2]), g('rx', [q1], [-Math.PI / 2])];
    case 'rzx':
      return [g('h', [q1]), ...rzz(q0, q1, theta), g('h', [q1])];
    case 'ecr':
      return [g('rzx', [q0, q1], [Math.PI / 4]), g('x', [q0]), g('rzx', [q0, q1], [-Math.PI / 4])];
    case 'ccx':
      return ccx(q0, q1, q2);
    case 'ccz':
      return [g('h', [q2]), ...ccx(q0, q1, q2), g('h', [q2])];
    case 'cswap':
      return [g('cx', [q2, q1]), ...ccx(q0, q1, q2), g('cx', [q2, q1])];
    default: {
      const base = controlledBase(gate);
      if (base !== undefined) return controlledU(q0, q1, base);
      if (gate.qubits.length === 1) return undefined;
      throw new QrunError('INTERNAL', `no IQM decomposition for gate ${gate.name}`, { hint: 'This is a bug in slurm-qpu; report it with the circuit.', details: { gate: gate.name } });
    }
  }
}

/** What a gate becomes on IQM hardware: CZs and 1-qubit gates with their Euler angles. */
export type NativeStep = { readonly kind: 'cz'; readonly qubits: readonly [number, number] } | { readonly kind: 'euler'; readonly qubit: number; readonly angles: EulerZyz };

export function toNativeSteps(gate: BoundGate): NativeStep[] {
  const out: NativeStep[] = [];
  const stack: BoundGate[] = [gate];
  // Depth-first, in time order: a rewrite's parts replace it at the top of the stack, first part last.
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const parts = rewrite(next);
    if (parts === 'native') out.push({ kind: 'cz', qubits: [next.qubits[0] ?? 0, next.qubits[1] ?? 0] });
    else if (parts === undefined) out.push({ kind: 'euler', qubit: next.qubits[0] ?? 0, angles: eulerZyz(gateMatrix(next.name, next.params)) });
    else for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i] as BoundGate);
  }
  return out;
}

/** The standard gates this backend translates: all of them (src/circuit/ir.ts STANDARD_GATES). */
export const TRANSLATED_GATES: readonly StandardGateName[] = [
  'id', 'x', 'y', 'z', 'h', 's', 'sdg', 't', 'tdg', 'sx', 'sxdg', 'rx', 'ry', 'rz', 'p', 'u1', 'u2', 'u3', 'u',
  'cx', 'cy', 'cz', 'ch', 'swap', 'iswap', 'ecr', 'cp', 'crx', 'cry', 'crz', 'cu', 'rxx', 'ryy', 'rzz', 'rzx',
  'ccx', 'ccz', 'cswap',
];
