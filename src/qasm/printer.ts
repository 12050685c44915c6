/**
 * IR → OpenQASM 3. The output parses back (with parseQasm) to the same circuit, up to folding of
 * constant sub-expressions, and is valid for other OpenQASM 3 tools: standard gates missing from
 * stdgates.inc get a definition, as Qiskit's exporter does.
 */
import { STANDARD_GATES, isStandardGate, type Circuit, type Expr, type Op } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import { ALIASES } from './gates.js';
import { CONSTANTS, FUNCTIONS } from './expr.js';

/** Definitions of the other standard gates, in an order where each only uses earlier ones. */
export const DEFINITIONS: readonly { readonly name: string; readonly uses: readonly string[]; readonly text: string }[] = [
  { name: 'u', uses: [], text: 'gate u(theta, phi, lambda) a { U(theta, phi, lambda) a; }' },
  { name: 'sxdg', uses: [], text: 'gate sxdg a { s a; h a; s a; gphase(-pi/4); }' },
  { name: 'rzx', uses: [], text: 'gate rzx(theta) a, b { h b; cx a, b; rz(theta) b; cx a, b; h b; }' },
  { name: 'ecr', uses: ['rzx'], text: 'gate ecr a, b { rzx(pi/4) a, b; x a; rzx(-pi/4) a, b; }' },
  { name: 'rzz', uses: [], text: 'gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }' },
  { name: 'rxx', uses: [], text: 'gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b; }' },
  {
    name: 'ryy',
    uses: [],
    text: 'gate ryy(theta) a, b { rx(pi/2) a; rx(pi/2) b; cx a, b; rz(theta) b; cx a, b; rx(-pi/2) a; rx(-pi/2) b; }',
  },
  { name: 'iswap', uses: [], text: 'gate iswap a, b { s a; s b; h a; cx a, b; cx b, a; h b; }' },
  { name: 'ccz', uses: [], text: 'gate ccz a, b, c { h c; ccx a, b, c; h c; }' },
];

/** Words a register or parameter name must not be, or the output would not parse back. */
const RESERVED = new Set([
  'OPENQASM', 'include', 'input', 'output', 'qubit', 'bit', 'qreg', 'creg', 'gate', 'opaque', 'measure', 'reset', 'barrier',
  'delay', 'gphase', 'if', 'else', 'true', 'false', 'U', 'switch', 'for', 'while', 'def', 'defcal', 'cal', 'defcalgrammar',
  'box', 'extern', 'return', 'break', 'continue', 'end', 'pragma', 'let', 'const', 'int', 'uint', 'float', 'angle', 'bool',
  'complex', 'duration', 'stretch', 'array', 'inv', 'pow', 'ctrl', 'negctrl', 'in', 'case', 'default',
  ...Object.keys(STANDARD_GATES),
  ...Object.keys(ALIASES),
  ...Object.keys(CONSTANTS),
  ...FUNCTIONS,
]);

const IDENT = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export function printQasm3(circuit: Circuit): string {
  const taken = new Set<string>();
  const nameFor = (wanted: string, fallback: string): string => {
    let base = wanted.replace(/[^\p{L}\p{N}_]/gu, '_');
    if (!IDENT.test(base) || RESERVED.has(base)) base = `${fallback}_${base}`.replace(/^_+/, '') || fallback;
    if (!IDENT.test(base)) base = fallback;
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };

  const lines = ['OPENQASM 3.0;', 'include "stdgates.inc";'];

  const used = new Set<string>();
  collectGates(circuit.ops, used);
  for (const name of used) if (!isStandardGate(name)) throw printError(`gate '${name}' is not a standard gate`);
  const needed = new Set<string>();
  for (const def of DEFINITIONS) if (used.has(def.name)) [def.name, ...def.uses].forEach((n) => needed.add(n));
  for (const def of DEFINITIONS) if (needed.has(def.name)) lines.push(def.text);

  const params = new Map(circuit.parameters.map((p) => [p, nameFor(p, 'p')]));
  for (const name of params.values()) lines.push(`input float[64] ${name};`);

  // Registers print as declared when they tile the classical bits in order; otherwise one register.
  let tiled = true;
  let offset = 0;
  for (const reg of circuit.clbitRegisters) {
    if (reg.offset !== offset || reg.size < 1) tiled = false;
    offset += reg.size;
  }
  if (offset !== circuit.numClbits) tiled = false;
  const bitRefs: string[] = [];
  const wholeRegisters = new Map<string, string>();
  if (tiled) {
    for (const reg of circuit.clbitRegisters) {
      const name = nameFor(reg.name, 'c');
      lines.push(`bit[${reg.size}] ${name};`);
      for (let i = 0; i < reg.size; i++) bitRefs.push(`${name}[${i}]`);
      wholeRegisters.set(rangeKey(reg.offset, reg.size), name);
    }
  } else if (circuit.numClbits > 0) {
    const name = nameFor('c', 'c');
    lines.push(`bit[${circuit.numClbits}] ${name};`);
    for (let i = 0; i < circuit.numClbits; i++) bitRefs.push(`${name}[${i}]`);
    wholeRegisters.set(rangeKey(0, circuit.numClbits), name);
  }

  const physical = circuit.physicalQubits;
  let qubitRef: (q: number) => string;
  if (physical !== null && physical.length === circuit.numQubits) {
    qubitRef = (q) => `$${physical[q] ?? q}`;
  } else {
    const name = nameFor('q', 'q');
    if (circuit.numQubits > 0) lines.push(`qubit[${circuit.numQubits}] ${name};`);
    qubitRef = (q) => `${name}[${q}]`;
  }
  const bitRef = (b: number): string => bitRefs[b] ?? `${bitRefs.length === 0 ? 'c' : ''}[${b}]`;
  const expr = (e: Expr): string => printExpr(e, 0, params);

  const emit = (ops: readonly Op[], indent: string): void => {
    for (const op of ops) {
      switch (op.kind) {
        case 'gate': {
          const args = op.params.length === 0 ? '' : `(${op.params.map(expr).join(', ')})`;
          lines.push(`${indent}${op.name}${args} ${op.qubits.map(qubitRef).join(', ')};`);
          break;
        }
        case 'measure':
          lines.push(`${indent}${bitRef(op.clbit)} = measure ${qubitRef(op.qubit)};`);
          break;
        case 'reset':
          lines.push(`${indent}reset ${qubitRef(op.qubit)};`);
          break;
        case 'barrier':
          // `barrier;` would mean every qubit, so an empty barrier is simply left out.
          if (op.qubits.length > 0) lines.push(`${indent}barrier ${op.qubits.map(qubitRef).join(', ')};`);
          break;
        case 'delay': {
          const { value, unit } = op.duration;
          if (!Number.isFinite(value) || value < 0) throw printError(`a delay of ${value}${unit} cannot be written`);
          if (op.qubits.length > 0) lines.push(`${indent}delay[${String(value)}${unit}] ${op.qubits.map(qubitRef).join(', ')};`);
          break;
        }
        case 'if':
          if (op.loopLimit !== undefined) throw printError(`the iteration limit of the while loop at line ${op.loopLimit.line} has no OpenQASM form`);
          emitIf(op.condition.clbits, op.condition.value, op.then, op.else, indent);
          break;
      }
    }
  };

  const emitIf = (clbits: readonly number[], value: number, then: readonly Op[], otherwise: readonly Op[], indent: string): void => {
    const first = clbits[0];
    const whole = first === undefined ? undefined : wholeRegisters.get(rangeKey(first, clbits.length));
    const contiguous = clbits.every((b, i) => b === (first ?? 0) + i);
    let test: string | null = null;
    if (whole !== undefined && contiguous && value < 2 ** clbits.length) test = `${whole} == ${value}`;
    else if (clbits.length === 1 && first !== undefined && (value === 0 || value === 1)) test = `${bitRef(first)} == ${value}`;
    if (test !== null) {
      lines.push(`${indent}if (${test}) {`);
      emit(then, `${indent}  `);
      if (otherwise.length > 0) {
        lines.push(`${indent}} else {`);
        emit(otherwise, `${indent}  `);
      }
      lines.push(`${indent}}`);
      return;
    }
    // Bits that are not one whole register: test them one at a time (bit i of the value for bit i).
    if (first === undefined || value >= 2 ** clbits.length || !Number.isInteger(value) || value < 0) {
      emit(first === undefined && value === 0 ? then : otherwise, indent);
      return;
    }
    const rest = clbits.slice(1);
    lines.push(`${indent}if (${bitRef(first)} == ${value % 2}) {`);
    emitIf(rest, Math.floor(value / 2), then, otherwise, `${indent}  `);
    if (otherwise.length > 0) {
      lines.push(`${indent}} else {`);
      emit(otherwise, `${indent}  `);
    }
    lines.push(`${indent}}`);
  };

  emit(circuit.ops, '');
  return `${lines.join('\n')}\n`;
}

function rangeKey(offset: number, size: number): string {
  return `${offset}+${size}`;
}

function collectGates(ops: readonly Op[], into: Set<string>): void {
  for (const op of ops) {
    if (op.kind === 'gate') into.add(op.name);
    else if (op.kind === 'if') {
      collectGates(op.then, into);
      collectGates(op.else, into);
    }
  }
}

function printError(message: string): QrunError {
  return new QrunError('QASM_UNSUPPORTED', `cannot print the circuit as OpenQASM 3: ${message}`);
}

/** Binding strength: atoms 5, `**` 4, unary minus (and negative literals) 3, `* /` 2, `+ -` 1. */
const PREC = { '+': 1, '-': 1, '*': 2, '/': 2, '**': 4 } as const;

function precOf(e: Expr): number {
  switch (e.kind) {
    case 'num':
      return e.value < 0 || Object.is(e.value, -0) ? 3 : 5;
    case 'param':
    case 'call':
      return 5;
    case 'neg':
      return 3;
    case 'bin':
      return PREC[e.op];
  }
}

function printNumber(value: number): string {
  if (Number.isNaN(value)) return '(0.0/0.0)';
  if (value === Infinity) return '(1.0/0.0)';
  if (value === -Infinity) return '(-1.0/0.0)';
  // `-0` would print as `0`; keep the sign so a round trip is exact.
  if (Object.is(value, -0)) return '-0.0';
  return String(value);
}

function printExpr(e: Expr, minPrec: number, params: ReadonlyMap<string, string>): string {
  const wrap = (s: string, prec: number): string => (prec < minPrec ? `(${s})` : s);
  switch (e.kind) {
    case 'num':
      return wrap(printNumber(e.value), precOf(e));
    case 'param':
      return params.get(e.name) ?? e.name;
    case 'call':
      return `${e.fn}(${printExpr(e.arg, 0, params)})`;
    case 'neg':
      return wrap(`-${printExpr(e.arg, 4, params)}`, 3);
    case 'bin': {
      const prec = PREC[e.op];
      // `**` is right-associative and binds tighter than unary minus on its left: `(-2) ** x`.
      const left = e.op === '**' ? printExpr(e.left, 5, params) : printExpr(e.left, prec, params);
      const right = e.op === '**' ? printExpr(e.right, 3, params) : printExpr(e.right, prec + 1, params);
      return wrap(`${left} ${e.op} ${right}`, prec);
    }
  }
}
