/**
 * Every standard gate of the circuit IR as a QB device runs it: one-qubit unitaries and CZ. Gates on
 * two or three qubits are rewritten with Qiskit's own definitions (exact up to a global phase) into
 * one-qubit gates and CX, and CX into H·CZ·H; the caller multiplies the one-qubit gates between two
 * CZs into one matrix per qubit and writes each as at most three native rotations (`xyxAngles`).
 */
import { isStandardGate, STANDARD_GATES, type StandardGateName } from '../../circuit/ir.js';
import { gateMatrix } from '../../sim/gates.js';
import type { Matrix } from '../../sim/matrix.js';

export type NativeStep = { readonly kind: 'unitary'; readonly qubit: number; readonly matrix: Matrix } | { readonly kind: 'cz'; readonly qubits: readonly [number, number] };

type Call = readonly [StandardGateName, readonly number[], readonly number[]];

const PI = Math.PI;

/** Gates on 2-3 qubits in terms of smaller ones; qubits are the gate's own, params its bound values. */
function rewrite(name: StandardGateName, q: readonly number[], p: readonly number[]): readonly Call[] | null {
  const [a = 0, b = 0, c = 0] = q;
  const [x = 0, y = 0, z = 0, w = 0] = p;
  switch (name) {
    case 'cx':
      return [['h', [b], []], ['cz', [a, b], []], ['h', [b], []]];
    case 'cy':
      return [['sdg', [b], []], ['cx', [a, b], []], ['s', [b], []]];
    case 'ch':
      return [['s', [b], []], ['h', [b], []], ['t', [b], []], ['cx', [a, b], []], ['tdg', [b], []], ['h', [b], []], ['sdg', [b], []]];
    case 'swap':
      return [['cx', [a, b], []], ['cx', [b, a], []], ['cx', [a, b], []]];
    case 'iswap':
      return [['s', [a], []], ['s', [b], []], ['h', [a], []], ['cx', [a, b], []], ['cx', [b, a], []], ['h', [b], []]];
    case 'ecr':
      return [['rzx', [a, b], [PI / 4]], ['x', [a], []], ['rzx', [a, b], [-PI / 4]]];
    case 'cp':
      return [['p', [a], [x / 2]], ['cx', [a, b], []], ['p', [b], [-x / 2]], ['cx', [a, b], []], ['p', [b], [x / 2]]];
    case 'crx':
      return [['p', [b], [PI / 2]], ['cx', [a, b], []], ['u', [b], [-x / 2, 0, 0]], ['cx', [a, b], []], ['u', [b], [x / 2, -PI / 2, 0]]];
    case 'cry':
      return [['ry', [b], [x / 2]], ['cx', [a, b], []], ['ry', [b], [-x / 2]], ['cx', [a, b], []]];
    case 'crz':
      return [['rz', [b], [x / 2]], ['cx', [a, b], []], ['rz', [b], [-x / 2]], ['cx', [a, b], []]];
    case 'cu':
      // cu(θ, φ, λ, γ): γ is the phase of the controlled block, a phase on the control.
      return [
        ['p', [a], [w]],
        ['p', [a], [(z + y) / 2]],
        ['p', [b], [(z - y) / 2]],
        ['cx', [a, b], []],
        ['u', [b], [-x / 2, 0, -(y + z) / 2]],
        ['cx', [a, b], []],
        ['u', [b], [x / 2, y, 0]],
      ];
    case 'rxx':
      return [['h', [a], []], ['h', [b], []], ['cx', [a, b], []], ['rz', [b], [x]], ['cx', [a, b], []], ['h', [a], []], ['h', [b], []]];
    case 'ryy':
      return [['rx', [a], [PI / 2]], ['rx', [b], [PI / 2]], ['cx', [a, b], []], ['rz', [b], [x]], ['cx', [a, b], []], ['rx', [a], [-PI / 2]], ['rx', [b], [-PI / 2]]];
    case 'rzz':
      return [['cx', [a, b], []], ['rz', [b], [x]], ['cx', [a, b], []]];
    case 'rzx':
      return [['h', [b], []], ['cx', [a, b], []], ['rz', [b], [x]], ['cx', [a, b], []], ['h', [b], []]];
    case 'ccx':
      return [
        ['h', [c], []], ['cx', [b, c], []], ['tdg', [c], []], ['cx', [a, c], []], ['t', [c], []], ['cx', [b, c], []], ['tdg', [c], []],
        ['cx', [a, c], []], ['t', [b], []], ['t', [c], []], ['h', [c], []], ['cx', [a, b], []], ['t', [a], []], ['tdg', [b], []], ['cx', [a, b], []],
      ];
    case 'ccz':
      return [['h', [c], []], ['ccx', [a, b, c], []], ['h', [c], []]];
    case 'cswap':
      return [['cx', [c, b], []], ['ccx', [a, b, c], []], ['cx', [c, b], []]];
    default:
      return null;
  }
}

/** The gate as native steps; throws RangeError for a name that is not a standard gate. */
export function nativeSteps(name: string, qubits: readonly number[], params: readonly number[]): NativeStep[] {
  if (!isStandardGate(name)) throw new RangeError(`${name} is not a standard gate`);
  if (name === 'id') return [];
  if (name === 'cz') return [{ kind: 'cz', qubits: [qubits[0] ?? 0, qubits[1] ?? 0] }];
  if (STANDARD_GATES[name].qubits === 1) return [{ kind: 'unitary', qubit: qubits[0] ?? 0, matrix: gateMatrix(name, params) }];
  const calls = rewrite(name, qubits, params);
  if (calls === null) throw new RangeError(`${name} has no native rewrite`);
  return calls.flatMap(([n, q, p]) => nativeSteps(n, q, p));
}

/** Every gate the device runs after this module's rewriting: all of the IR's standard gates. */
export const TRANSLATED_GATES: readonly string[] = Object.keys(STANDARD_GATES);

const argOf = (re: number, im: number): number => Math.atan2(im, re);

/**
 * Angles (a, b, c) with U = e^{iφ}·Rx(a)·Ry(b)·Rx(c) for a 2x2 unitary U. Conjugating by H turns
 * X into Z and Y into −Y, so this is the Z-Y-Z decomposition of H·U·H with the middle angle negated.
 */
export function xyxAngles(u: Matrix): [number, number, number] {
  const d = u.data;
  const s = Math.SQRT1_2;
  // V = H U H, entries from U's (H = s[[1,1],[1,-1]]).
  const u00 = [d[0] ?? 0, d[1] ?? 0] as const;
  const u01 = [d[2] ?? 0, d[3] ?? 0] as const;
  const u10 = [d[4] ?? 0, d[5] ?? 0] as const;
  const u11 = [d[6] ?? 0, d[7] ?? 0] as const;
  const h = s * s;
  const v00 = [h * (u00[0] + u01[0] + u10[0] + u11[0]), h * (u00[1] + u01[1] + u10[1] + u11[1])];
  const v01 = [h * (u00[0] - u01[0] + u10[0] - u11[0]), h * (u00[1] - u01[1] + u10[1] - u11[1])];
  const v10 = [h * (u00[0] + u01[0] - u10[0] - u11[0]), h * (u00[1] + u01[1] - u10[1] - u11[1])];
  const v11 = [h * (u00[0] - u01[0] - u10[0] + u11[0]), h * (u00[1] - u01[1] - u10[1] + u11[1])];
  // Take out the global phase (det V = e^{2iφ}), so that V' is in SU(2) and the half-angles come out
  // directly: V'11 = e^{i(α+γ)/2}·cos(β/2), V'10 = e^{i(α−γ)/2}·sin(β/2).
  const detRe = (v00[0] ?? 0) * (v11[0] ?? 0) - (v00[1] ?? 0) * (v11[1] ?? 0) - ((v01[0] ?? 0) * (v10[0] ?? 0) - (v01[1] ?? 0) * (v10[1] ?? 0));
  const detIm = (v00[0] ?? 0) * (v11[1] ?? 0) + (v00[1] ?? 0) * (v11[0] ?? 0) - ((v01[0] ?? 0) * (v10[1] ?? 0) + (v01[1] ?? 0) * (v10[0] ?? 0));
  const phase = argOf(detRe, detIm) / 2;
  const unphase = (z: readonly number[]): [number, number] => {
    const [re = 0, im = 0] = z;
    const [c, s] = [Math.cos(-phase), Math.sin(-phase)];
    return [re * c - im * s, re * s + im * c];
  };
  const w11 = unphase(v11);
  const w10 = unphase(v10);
  const cosHalf = Math.hypot(...w11);
  const sinHalf = Math.hypot(...w10);
  const beta = 2 * Math.atan2(sinHalf, cosHalf);
  const eps = 1e-12;
  // When one half-angle is free (β = 0 or β = π), the whole rotation goes into one gate, not two halves.
  const sumHalf = cosHalf > eps ? argOf(...w11) : null;
  const diffHalf = sinHalf > eps ? argOf(...w10) : null;
  const alpha = sumHalf === null ? 2 * (diffHalf ?? 0) : diffHalf === null ? 2 * sumHalf : sumHalf + diffHalf;
  const gamma = sumHalf === null || diffHalf === null ? 0 : sumHalf - diffHalf;
  return [alpha, -beta, gamma];
}

/** The angle in (−π, π]: a rotation by 2π is the identity up to a global phase. */
export function normalizeAngle(angle: number): number {
  const turned = angle - 2 * PI * Math.floor((angle + PI) / (2 * PI));
  return turned <= -PI ? turned + 2 * PI : turned;
}
