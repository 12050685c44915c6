/**
 * Gate definitions as templates, and the algebra the `inv`, `pow` and `ctrl` modifiers need on
 * standard gates. A template's qubits are argument positions and its parameters refer to the gate's
 * formal parameter names; instantiating substitutes both.
 */
import { STANDARD_GATES, isStandardGate, type BarrierOp, type Expr, type GateOp } from '../circuit/ir.js';
import { bin, neg, num, param, substitute } from './expr.js';

/**
 * A global phase e^{iθ}. The circuit has no place for it (no measurement can see it), but inside a
 * gate body it must be kept: under `ctrl @` it becomes a phase gate on the control.
 */
interface PhaseOp {
  readonly kind: 'gphase';
  readonly angle: Expr;
}

export type TemplateOp = GateOp | BarrierOp | PhaseOp;

/** `gphase(θ);` as a gate of no qubits, so modifiers apply to it like to any other. */
export const GPHASE_DEF: GateDef = { qubits: 0, paramNames: ['#0'], body: [{ kind: 'gphase', angle: param('#0') }] };

export interface GateDef {
  readonly qubits: number;
  readonly paramNames: readonly string[];
  readonly body: readonly TemplateOp[];
}

/** Names OpenQASM 2 and 3 libraries use for standard gates. */
export const ALIASES: Readonly<Record<string, string>> = {
  CX: 'cx',
  U: 'u',
  phase: 'p',
  cphase: 'cp',
  cu1: 'cp',
};

const standardDefs = new Map<string, GateDef>();

/** The template of a standard gate: a single op. Formal names start with '#' so they cannot clash. */
export function standardDef(name: string): GateDef | undefined {
  if (!isStandardGate(name)) return undefined;
  let def = standardDefs.get(name);
  if (def === undefined) {
    const spec = STANDARD_GATES[name];
    const paramNames = Array.from({ length: spec.params }, (_, i) => `#${i}`);
    const qubits = Array.from({ length: spec.qubits }, (_, i) => i);
    def = { qubits: spec.qubits, paramNames, body: [{ kind: 'gate', name, qubits, params: paramNames.map(param) }] };
    standardDefs.set(name, def);
  }
  return def;
}

/** Substitutes arguments into a template; `qubits[i]` is the qubit for argument position i. */
export function instantiate(def: GateDef, args: readonly Expr[], qubits: readonly number[]): TemplateOp[] {
  const values = new Map<string, Expr>();
  def.paramNames.forEach((name, i) => {
    const arg = args[i];
    if (arg !== undefined) values.set(name, arg);
  });
  const mapQubit = (position: number): number => qubits[position] ?? position;
  return def.body.map((op): TemplateOp => {
    switch (op.kind) {
      case 'barrier':
        return { kind: 'barrier', qubits: op.qubits.map(mapQubit) };
      case 'gphase':
        return { kind: 'gphase', angle: substitute(op.angle, values) };
      case 'gate':
        return { kind: 'gate', name: op.name, qubits: op.qubits.map(mapQubit), params: op.params.map((p) => substitute(p, values)) };
    }
  });
}

const SELF_INVERSE = new Set(['id', 'x', 'y', 'z', 'h', 'cx', 'cy', 'cz', 'ch', 'swap', 'ecr', 'ccx', 'ccz', 'cswap']);
const DAGGER_PAIRS: Readonly<Record<string, string>> = { s: 'sdg', sdg: 's', t: 'tdg', tdg: 't', sx: 'sxdg', sxdg: 'sx' };
const NEGATED_ANGLE = new Set(['rx', 'ry', 'rz', 'p', 'u1', 'crx', 'cry', 'crz', 'cp', 'rxx', 'ryy', 'rzz', 'rzx']);

/** The inverse of one standard gate as one standard gate, or null when there is none (iswap). */
export function inverseOf(op: GateOp): GateOp | null {
  const { name, qubits, params } = op;
  if (SELF_INVERSE.has(name)) return op;
  const pair = DAGGER_PAIRS[name];
  if (pair !== undefined) return { kind: 'gate', name: pair, qubits, params };
  if (NEGATED_ANGLE.has(name)) return { kind: 'gate', name, qubits, params: params.map(neg) };
  const [a, b, c, d] = params;
  switch (name) {
    // U(θ,φ,λ)† = U(-θ,-λ,-φ); u2(φ,λ) is U(π/2,φ,λ).
    case 'u':
    case 'u3':
      if (a === undefined || b === undefined || c === undefined) return null;
      return { kind: 'gate', name, qubits, params: [neg(a), neg(c), neg(b)] };
    case 'u2':
      if (a === undefined || b === undefined) return null;
      return { kind: 'gate', name: 'u3', qubits, params: [num(-Math.PI / 2), neg(b), neg(a)] };
    case 'cu':
      if (a === undefined || b === undefined || c === undefined || d === undefined) return null;
      return { kind: 'gate', name, qubits, params: [neg(a), neg(c), neg(b), neg(d)] };
    default:
      return null;
  }
}

const CONTROLLED: Readonly<Record<string, string>> = {
  x: 'cx',
  y: 'cy',
  z: 'cz',
  h: 'ch',
  p: 'cp',
  u1: 'cp',
  rx: 'crx',
  ry: 'cry',
  rz: 'crz',
  swap: 'cswap',
  cx: 'ccx',
  cz: 'ccz',
};
const PHASE_OF: Readonly<Record<string, number>> = { s: Math.PI / 2, sdg: -Math.PI / 2, t: Math.PI / 4, tdg: -Math.PI / 4 };

/** `ctrl @ op` with `control` as the new first qubit as one standard gate, or null when none is one. */
function controlledGate(op: GateOp, control: number): GateOp | null {
  const qubits = [control, ...op.qubits];
  const name = CONTROLLED[op.name];
  if (name !== undefined) return { kind: 'gate', name, qubits, params: op.params };
  const phase = PHASE_OF[op.name];
  if (phase !== undefined) return { kind: 'gate', name: 'cp', qubits, params: [num(phase)] };
  if (op.name === 'u' || op.name === 'u3') return { kind: 'gate', name: 'cu', qubits, params: [...op.params, num(0)] };
  if (op.name === 'u2') {
    const [phi, lambda] = op.params;
    if (phi === undefined || lambda === undefined) return null;
    return { kind: 'gate', name: 'cu', qubits, params: [bin('/', num(Math.PI), num(2)), phi, lambda, num(0)] };
  }
  return null;
}

const g = (name: string, qubits: readonly number[], params: readonly Expr[] = []): GateOp => ({ kind: 'gate', name, qubits, params });
const half = (e: Expr): Expr => bin('/', e, num(2));

/**
 * Standard gates without a standard controlled form, written as gates that have one (global phase
 * included: under a control it is a real phase). Each is exact, checked as unitaries in the tests.
 */
function decompose(op: GateOp): TemplateOp[] | null {
  const [a, b] = op.qubits;
  const [theta] = op.params;
  if (a === undefined) return null;
  switch (op.name) {
    case 'id':
      return [];
    // sx = e^{iπ/4} rx(π/2); sxdg = e^{-iπ/4} rx(-π/2).
    case 'sx':
      return [{ kind: 'gphase', angle: num(Math.PI / 4) }, g('rx', [a], [num(Math.PI / 2)])];
    case 'sxdg':
      return [{ kind: 'gphase', angle: num(-Math.PI / 4) }, g('rx', [a], [num(-Math.PI / 2)])];
  }
  if (b === undefined) return null;
  const c = op.qubits[2];
  if (c !== undefined) {
    switch (op.name) {
      // Qiskit's Toffoli: T gates and CNOTs, exact.
      case 'ccx':
        return [
          g('h', [c]), g('cx', [b, c]), g('tdg', [c]), g('cx', [a, c]), g('t', [c]), g('cx', [b, c]), g('tdg', [c]), g('cx', [a, c]),
          g('t', [b]), g('t', [c]), g('h', [c]), g('cx', [a, b]), g('t', [a]), g('tdg', [b]), g('cx', [a, b]),
        ];
      case 'ccz':
        return [g('h', [c]), g('ccx', [a, b, c]), g('h', [c])];
      case 'cswap':
        return [g('cx', [c, b]), g('ccx', [a, b, c]), g('cx', [c, b])];
      default:
        return null;
    }
  }
  switch (op.name) {
    case 'cy':
      return [g('sdg', [b]), g('cx', [a, b]), g('s', [b])];
    case 'ch':
      return [g('s', [b]), g('h', [b]), g('t', [b]), g('cx', [a, b]), g('tdg', [b]), g('h', [b]), g('sdg', [b])];
    case 'iswap':
      return [g('s', [a]), g('s', [b]), g('h', [a]), g('cx', [a, b]), g('cx', [b, a]), g('h', [b])];
    // ECR = RZX(π/4) · (X ⊗ I) · RZX(-π/4), as Qiskit defines it.
    case 'ecr':
      return [g('rzx', [a, b], [num(Math.PI / 4)]), g('x', [a]), g('rzx', [a, b], [num(-Math.PI / 4)])];
  }
  if (theta === undefined) return null;
  const [, phi, lambda, gamma] = op.params;
  if (op.name === 'cu' && phi !== undefined && lambda !== undefined && gamma !== undefined) {
    // Qiskit's definition of CU.
    const sum = bin('+', lambda, phi);
    return [
      g('p', [a], [gamma]),
      g('p', [a], [half(sum)]),
      g('p', [b], [half(bin('-', lambda, phi))]),
      g('cx', [a, b]),
      g('u', [b], [neg(half(theta)), num(0), neg(half(sum))]),
      g('cx', [a, b]),
      g('u', [b], [half(theta), phi, num(0)]),
    ];
  }
  switch (op.name) {
    case 'cp':
      return [g('p', [a], [half(theta)]), g('cx', [a, b]), g('p', [b], [neg(half(theta))]), g('cx', [a, b]), g('p', [b], [half(theta)])];
    case 'crz':
      return [g('rz', [b], [half(theta)]), g('cx', [a, b]), g('rz', [b], [neg(half(theta))]), g('cx', [a, b])];
    case 'cry':
      return [g('ry', [b], [half(theta)]), g('cx', [a, b]), g('ry', [b], [neg(half(theta))]), g('cx', [a, b])];
    case 'crx':
      return [g('h', [b]), ...(decompose(g('crz', [a, b], [theta])) ?? []), g('h', [b])];
    case 'rzz':
      return [g('cx', [a, b]), g('rz', [b], [theta]), g('cx', [a, b])];
    case 'rxx':
      return [g('h', [a]), g('h', [b]), g('cx', [a, b]), g('rz', [b], [theta]), g('cx', [a, b]), g('h', [a]), g('h', [b])];
    case 'ryy':
      return [g('rx', [a], [num(Math.PI / 2)]), g('rx', [b], [num(Math.PI / 2)]), g('cx', [a, b]), g('rz', [b], [theta]), g('cx', [a, b]), g('rx', [a], [num(-Math.PI / 2)]), g('rx', [b], [num(-Math.PI / 2)])];
    case 'rzx':
      return [g('h', [b]), g('cx', [a, b]), g('rz', [b], [theta]), g('cx', [a, b]), g('h', [b])];
    default:
      return null;
  }
}

/**
 * `ctrl @` applied to a list of ops, with `control` as the new first qubit of each: a product is
 * controlled factor by factor, a global phase becomes a phase gate on the control. Returns the name
 * of the first gate that has no controlled form when there is one.
 */
export function controlledOf(ops: readonly TemplateOp[], control: number): TemplateOp[] | string {
  const out: TemplateOp[] = [];
  const add = (op: TemplateOp, depth: number): string | null => {
    switch (op.kind) {
      case 'barrier':
        out.push({ kind: 'barrier', qubits: [control, ...op.qubits] });
        return null;
      case 'gphase':
        out.push(g('p', [control], [op.angle]));
        return null;
      case 'gate': {
        const direct = controlledGate(op, control);
        if (direct !== null) {
          out.push(direct);
          return null;
        }
        const parts = depth < 3 ? decompose(op) : null;
        if (parts === null) return op.name;
        for (const part of parts) {
          const failed = add(part, depth + 1);
          if (failed !== null) return op.name;
        }
        return null;
      }
    }
  };
  for (const op of ops) {
    const failed = add(op, 0);
    if (failed !== null) return failed;
  }
  return out;
}

/** Rotations and phases: U(θ)^k = U(kθ) (how Qiskit defines their power). */
const ANGLE_POWER = new Set(['rx', 'ry', 'rz', 'p', 'u1', 'crx', 'cry', 'crz', 'cp', 'rxx', 'ryy', 'rzz', 'rzx']);
/** Diagonal gates that are a phase gate with a fixed angle. */
const PHASE_GATES: Readonly<Record<string, number>> = { z: Math.PI, s: Math.PI / 2, sdg: -Math.PI / 2, t: Math.PI / 4, tdg: -Math.PI / 4 };
const CONTROLLED_PHASE_GATES: Readonly<Record<string, number>> = { cz: Math.PI };

/** `pow(k) @ op` for a k that is not an integer, or null when the power of this gate is not defined here. */
export function powerOf(op: TemplateOp, k: number): TemplateOp | null {
  switch (op.kind) {
    case 'barrier':
      return op;
    case 'gphase':
      return { kind: 'gphase', angle: bin('*', num(k), op.angle) };
    case 'gate': {
      const scale = (e: Expr): Expr => bin('*', num(k), e);
      if (ANGLE_POWER.has(op.name)) return { ...op, params: op.params.map(scale) };
      const phase = PHASE_GATES[op.name];
      if (phase !== undefined) return g('p', op.qubits, [num(k * phase)]);
      const cphase = CONTROLLED_PHASE_GATES[op.name];
      if (cphase !== undefined) return g('cp', op.qubits, [num(k * cphase)]);
      return op.name === 'id' ? op : null;
    }
  }
}
