/**
 * Gate definitions as templates, and the algebra the `inv`, `pow` and `ctrl` modifiers need on
 * standard gates. A template's qubits are argument positions and its parameters refer to the gate's
 * formal parameter names; instantiating substitutes both.
 */
import { STANDARD_GATES, isStandardGate, type BarrierOp, type Expr, type GateOp } from '../circuit/ir.js';
import { bin, neg, num, param, substitute } from './expr.js';

export type TemplateOp = GateOp | BarrierOp;

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
  return def.body.map((op) =>
    op.kind === 'barrier'
      ? { kind: 'barrier', qubits: op.qubits.map(mapQubit) }
      : { kind: 'gate', name: op.name, qubits: op.qubits.map(mapQubit), params: op.params.map((p) => substitute(p, values)) },
  );
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

/** `ctrl @ op` with `control` as the new first qubit, or null when no standard gate expresses it. */
export function controlledOf(op: GateOp, control: number): GateOp | null {
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
