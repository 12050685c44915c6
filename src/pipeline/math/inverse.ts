/**
 * The inverse of each standard gate as standard gates, so a folded circuit (G G† G) stays in the IR
 * every engine and backend already accepts. Most inverses are one gate; iswap needs three.
 */
import type { Expr, GateOp } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';

const neg = (e: Expr): Expr => (e.kind === 'num' ? { kind: 'num', value: -e.value } : { kind: 'neg', arg: e });
const num = (value: number): Expr => ({ kind: 'num', value });

const SELF_INVERSE = new Set(['id', 'x', 'y', 'z', 'h', 'cx', 'cy', 'cz', 'ch', 'swap', 'ecr', 'ccx', 'ccz', 'cswap']);
const PAIRED: Record<string, string> = { s: 'sdg', sdg: 's', t: 'tdg', tdg: 't', sx: 'sxdg', sxdg: 'sx' };
const ROTATIONS = new Set(['rx', 'ry', 'rz', 'p', 'u1', 'cp', 'crx', 'cry', 'crz', 'rxx', 'ryy', 'rzz', 'rzx']);

function op(name: string, qubits: readonly number[], params: readonly Expr[] = []): GateOp {
  return { kind: 'gate', name, qubits, params };
}

/** Gates whose product is g⁻¹ (in application order). */
export function inverseGate(g: GateOp): GateOp[] {
  if (SELF_INVERSE.has(g.name)) return [g];
  const paired = PAIRED[g.name];
  if (paired !== undefined) return [op(paired, g.qubits)];
  if (ROTATIONS.has(g.name)) return [op(g.name, g.qubits, g.params.map(neg))];
  const [a, b, c, d] = g.params;
  switch (g.name) {
    // U(θ,φ,λ)† = U(−θ,−λ,−φ).
    case 'u':
    case 'u3':
      if (a && b && c) return [op(g.name, g.qubits, [neg(a), neg(c), neg(b)])];
      break;
    // U2(φ,λ) = U(π/2,φ,λ), so its inverse is U(−π/2,−λ,−φ).
    case 'u2':
      if (a && b) return [op('u', g.qubits, [num(-Math.PI / 2), neg(b), neg(a)])];
      break;
    // CU(θ,φ,λ,γ)† = CU(−θ,−λ,−φ,−γ).
    case 'cu':
      if (a && b && c && d) return [op('cu', g.qubits, [neg(a), neg(c), neg(b), neg(d)])];
      break;
    // iSWAP² = Z⊗Z, so iSWAP⁻¹ = iSWAP·(Z⊗Z) = (Z⊗Z) then iSWAP.
    case 'iswap': {
      const [q0, q1] = g.qubits;
      if (q0 !== undefined && q1 !== undefined) return [op('z', [q0]), op('z', [q1]), op('iswap', g.qubits)];
      break;
    }
  }
  throw new QrunError('CIRCUIT_UNSUPPORTED', `gate ${g.name} has no known inverse, so it cannot be folded`, {
    details: { gate: g.name },
  });
}
