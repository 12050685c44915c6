/**
 * Lowering: resolves names, checks arity and ranges, expands broadcasts, inlines custom gates and
 * applies modifiers, turning the syntax tree into the circuit IR. Everything a consumer could trip
 * over (undefined names, out-of-range indices, a qubit used twice in one gate) is rejected here with
 * the position of the offending token.
 */
import { isStandardGate, STANDARD_GATES, type ClassicalRegister, type Circuit, type Expr, type GateOp, type IfOp, type Op } from '../circuit/ir.js';
import type { QrunError } from '../errors.js';
import type { BarrierNode, ConditionNode, ExprNode, GateCallNode, ModifierNode, OperandNode, ProgramNode, StatementNode } from './ast.js';
import { bin, call, CONSTANTS, exceedsSize, FUNCTIONS, isConstant, isExprFunction, neg, num, param } from './expr.js';
import { ALIASES, controlledOf, instantiate, inverseOf, standardDef, type GateDef, type TemplateOp } from './gates.js';
import { qasmError, type Pos, type QasmErrorCode } from './source.js';

/** Ops created in total (circuit and gate templates). Bounds memory and time for hostile inputs. */
const MAX_OPS = 2_000_000;
/** Largest register or `$k`-compacted qubit count accepted. */
const MAX_REGISTER_SIZE = 1 << 20;
/** Largest expression (in nodes) that substitution through gate definitions may build. */
const MAX_EXPR_SIZE = 10_000;

const KNOWN_INCLUDES = new Set(['stdgates.inc', 'qelib1.inc']);

interface Register {
  readonly kind: 'qubits' | 'bits';
  readonly offset: number;
  readonly size: number;
  /** `qubit q;` / `bit b;`: a single qubit or bit that cannot be indexed. */
  readonly scalar: boolean;
}

/** What a name in the global scope stands for. */
type NameBinding = Register | { readonly kind: 'input' } | { readonly kind: 'gate' };

/** Qubits an operand denotes; `broadcast` when it stands for a register (one gate per element). */
interface Resolved {
  readonly qubits: readonly number[];
  readonly labels: readonly string[];
  readonly broadcast: boolean;
}

/** How names inside expressions and operands resolve: at the top level or inside a gate body. */
interface Scope {
  param(name: string, pos: Pos): Expr;
  qubits(operand: OperandNode): Resolved;
  /** Qubits `barrier;` with no operands covers. */
  allQubits(): readonly number[];
}

export function lower(program: ProgramNode, source: string, library: ReadonlyMap<string, GateDef>): Circuit {
  return new Lowering(program, source, library).run();
}

/** Lowers a program made only of gate definitions (the built-in library) and returns its gates. */
export function lowerGateLibrary(program: ProgramNode, source: string): Map<string, GateDef> {
  const lowering = new Lowering(program, source, new Map());
  lowering.run();
  return lowering.gates;
}

class Lowering {
  readonly gates = new Map<string, GateDef>();
  private readonly symbols = new Map<string, NameBinding>();
  private readonly parameters: string[] = [];
  private readonly clbitRegisters: ClassicalRegister[] = [];
  private numQubits = 0;
  private numClbits = 0;
  private opCount = 0;
  /** Physical index → compact index, when the program addresses `$k` qubits. */
  private physical: Map<number, number> | null = null;

  constructor(
    private readonly program: ProgramNode,
    private readonly source: string,
    private readonly library: ReadonlyMap<string, GateDef>,
  ) {}

  run(): Circuit {
    this.collectPhysicalQubits();
    const ops = this.statements(this.program.statements);
    const physicalQubits = this.physical === null ? null : [...this.physical.keys()];
    return {
      numQubits: this.numQubits,
      numClbits: this.numClbits,
      clbitRegisters: this.clbitRegisters,
      parameters: this.parameters,
      physicalQubits,
      ops,
    };
  }

  private error(code: QasmErrorCode, message: string, pos: Pos, hint?: string): QrunError {
    return qasmError(code, message, this.source, pos, hint);
  }

  /** Counts `n` new ops against MAX_OPS. */
  private spend(n: number, pos: Pos): void {
    this.opCount += n;
    if (this.opCount > MAX_OPS) {
      throw this.error('CIRCUIT_TOO_LARGE', `the program expands to more than ${MAX_OPS} operations`, pos);
    }
  }

  /**
   * `$k` qubits are compacted to 0..n-1 in order of physical index, so the pre-pass must see every
   * use before the first op is lowered.
   */
  private collectPhysicalQubits(): void {
    const seen = new Set<number>();
    let first: Pos | null = null;
    const visitOperand = (op: OperandNode): void => {
      if (op.kind !== 'physical') return;
      seen.add(op.index);
      first ??= op.pos;
    };
    const visit = (stmts: readonly StatementNode[]): void => {
      for (const s of stmts) {
        switch (s.kind) {
          case 'call':
          case 'barrier':
          case 'reset':
          case 'delay':
            s.operands.forEach(visitOperand);
            break;
          case 'measure':
            visitOperand(s.source);
            break;
          case 'bits':
            if (s.measure !== null) visitOperand(s.measure);
            break;
          case 'if':
            visit(s.then);
            visit(s.else);
            break;
          default:
            break;
        }
      }
    };
    visit(this.program.statements);
    if (first === null) return;
    const declared = this.program.statements.find((s) => s.kind === 'qubits');
    if (declared !== undefined) {
      throw this.error('QASM_SEMANTIC', 'physical qubits ($0, $1, ...) cannot be mixed with declared qubits', first);
    }
    if (seen.size > MAX_REGISTER_SIZE) throw this.error('CIRCUIT_TOO_LARGE', `more than ${MAX_REGISTER_SIZE} physical qubits`, first);
    const sorted = [...seen].sort((a, b) => a - b);
    this.physical = new Map(sorted.map((p, i) => [p, i]));
    this.numQubits = sorted.length;
  }

  private statements(stmts: readonly StatementNode[]): Op[] {
    const ops: Op[] = [];
    for (const s of stmts) for (const op of this.statement(s)) ops.push(op);
    return ops;
  }

  private statement(s: StatementNode): Op[] {
    switch (s.kind) {
      case 'include':
        if (!KNOWN_INCLUDES.has(s.path)) {
          throw this.error(
            'QASM_UNSUPPORTED',
            `cannot include "${s.path}": only "stdgates.inc" and "qelib1.inc" are known (include files are not read from disk)`,
            s.pos,
            'Define the gates in the program itself instead of including them.',
          );
        }
        return [];
      case 'input':
        this.declare(s.name, { kind: 'input' }, s.pos);
        this.parameters.push(s.name);
        return [];
      case 'qubits': {
        if (this.physical !== null) throw this.error('QASM_SEMANTIC', 'declared qubits cannot be mixed with physical qubits ($0, ...)', s.pos);
        const size = this.registerSize(s.size, s.pos);
        this.declare(s.name, { kind: 'qubits', offset: this.numQubits, size, scalar: s.size === null }, s.pos);
        this.numQubits += size;
        return [];
      }
      case 'bits': {
        const size = this.registerSize(s.size, s.pos);
        this.declare(s.name, { kind: 'bits', offset: this.numClbits, size, scalar: s.size === null }, s.pos);
        this.clbitRegisters.push({ name: s.name, size, offset: this.numClbits });
        this.numClbits += size;
        if (s.measure === null) return [];
        return this.measure(s.measure, { kind: 'ref', name: s.name, index: null, pos: s.pos }, s.pos);
      }
      case 'gatedef':
        this.defineGate(s);
        return [];
      case 'call':
        return this.call(s, this.topScope());
      case 'barrier':
        return this.barrier(s, this.topScope());
      case 'measure':
        return this.measure(s.source, s.target, s.pos);
      case 'reset': {
        const scope = this.topScope();
        const qubits = s.operands.flatMap((o) => scope.qubits(o).qubits);
        this.spend(qubits.length, s.pos);
        return qubits.map((qubit) => ({ kind: 'reset', qubit }));
      }
      case 'delay': {
        const scope = this.topScope();
        const qubits = s.operands.length === 0 ? scope.allQubits() : unique(s.operands.flatMap((o) => scope.qubits(o).qubits));
        if (qubits.length === 0) return [];
        this.spend(1, s.pos);
        return [{ kind: 'delay', qubits, duration: s.duration }];
      }
      case 'if':
        return [this.ifOp(s.condition, s.then, s.else)];
    }
  }

  private registerSize(size: number | null, pos: Pos): number {
    if (size === null) return 1;
    if (size < 1) throw this.error('QASM_SEMANTIC', 'a register must hold at least one element', pos);
    if (size > MAX_REGISTER_SIZE) throw this.error('CIRCUIT_TOO_LARGE', `registers larger than ${MAX_REGISTER_SIZE} are not supported`, pos);
    return size;
  }

  private declare(name: string, symbol: NameBinding, pos: Pos): void {
    if (isConstant(name)) throw this.error('QASM_SEMANTIC', `'${name}' is a built-in constant and cannot be redeclared`, pos);
    const existing = this.symbols.get(name);
    if (existing !== undefined) {
      throw this.error('QASM_SEMANTIC', `'${name}' is already declared (as ${describeSymbol(existing)})`, pos);
    }
    this.symbols.set(name, symbol);
  }

  // ---- scopes ------------------------------------------------------------------------------------

  private topScope(): Scope {
    return {
      param: (name, pos) => {
        const sym = this.symbols.get(name);
        if (sym?.kind === 'input') return param(name);
        if (sym !== undefined) throw this.error('QASM_SEMANTIC', `'${name}' is ${describeSymbol(sym)}, not a parameter`, pos);
        throw this.error('QASM_SEMANTIC', `undefined parameter '${name}'`, pos, this.program.version === 3 ? `Declare it with: input float[64] ${name};` : undefined);
      },
      qubits: (operand) => this.resolve(operand, 'qubits'),
      allQubits: () => Array.from({ length: this.numQubits }, (_, i) => i),
    };
  }

  /** Resolves a top-level operand to qubit or bit indices, checking kinds and ranges. */
  private resolve(operand: OperandNode, kind: 'qubits' | 'bits'): Resolved {
    if (operand.kind === 'physical') {
      if (kind === 'bits') throw this.error('QASM_SEMANTIC', `expected a bit, found the physical qubit $${operand.index}`, operand.pos);
      const index = this.physical?.get(operand.index);
      if (index === undefined) throw this.error('QASM_SEMANTIC', `physical qubit $${operand.index} cannot be used here`, operand.pos);
      return { qubits: [index], labels: [`$${operand.index}`], broadcast: false };
    }
    const sym = this.symbols.get(operand.name);
    const noun = kind === 'qubits' ? 'qubit' : 'bit';
    if (sym === undefined) throw this.error('QASM_SEMANTIC', `undefined ${noun} register '${operand.name}'`, operand.pos);
    if (sym.kind !== kind) throw this.error('QASM_SEMANTIC', `'${operand.name}' is ${describeSymbol(sym)}, expected a ${noun} register`, operand.pos);
    const index = operand.index;
    if (index === null) {
      const all = Array.from({ length: sym.size }, (_, i) => sym.offset + i);
      const labels = sym.scalar ? [operand.name] : all.map((_, i) => `${operand.name}[${i}]`);
      return { qubits: all, labels, broadcast: !sym.scalar };
    }
    if (sym.scalar) throw this.error('QASM_SEMANTIC', `'${operand.name}' is a single ${noun}, not a register, and cannot be indexed`, index.pos);
    const check = (i: number): number => {
      if (i >= sym.size) {
        throw this.error('QASM_SEMANTIC', `index ${i} is out of range for '${operand.name}', which has ${sym.size} ${noun}${sym.size === 1 ? '' : 's'} (0..${sym.size - 1})`, index.pos);
      }
      return i;
    };
    if (index.kind === 'single') {
      const i = check(index.index);
      return { qubits: [sym.offset + i], labels: [`${operand.name}[${i}]`], broadcast: false };
    }
    const picked: number[] = [];
    const { start, step, end } = index;
    for (let i = start; step > 0 ? i <= end : i >= end; i += step) {
      picked.push(check(i));
      if (picked.length > sym.size) break;
    }
    return { qubits: picked.map((i) => sym.offset + i), labels: picked.map((i) => `${operand.name}[${i}]`), broadcast: true };
  }

  private gateScope(params: ReadonlySet<string>, qubitArgs: readonly string[], gate: string): Scope {
    return {
      param: (name, pos) => {
        if (params.has(name)) return param(name);
        throw this.error('QASM_SEMANTIC', `undefined parameter '${name}' in gate ${gate}`, pos, `Gate ${gate} can only use its own parameters and constants such as pi.`);
      },
      qubits: (operand) => {
        if (operand.kind === 'physical' || operand.index !== null) {
          throw this.error('QASM_SEMANTIC', `inside gate ${gate}, operands must be the gate's qubit arguments (${qubitArgs.join(', ')}), not indexed or physical qubits`, operand.pos);
        }
        const position = qubitArgs.indexOf(operand.name);
        if (position < 0) throw this.error('QASM_SEMANTIC', `'${operand.name}' is not a qubit argument of gate ${gate}`, operand.pos);
        return { qubits: [position], labels: [operand.name], broadcast: false };
      },
      allQubits: () => qubitArgs.map((_, i) => i),
    };
  }

  // ---- expressions ---------------------------------------------------------------------------------

  private expr(node: ExprNode, scope: Scope): Expr {
    switch (node.kind) {
      case 'num':
        return num(node.value);
      case 'ident': {
        const constant = CONSTANTS[node.name];
        return constant === undefined ? scope.param(node.name, node.pos) : num(constant);
      }
      case 'neg':
        return neg(this.expr(node.arg, scope));
      case 'bin':
        return bin(node.op, this.expr(node.left, scope), this.expr(node.right, scope));
      case 'call': {
        if (!isExprFunction(node.fn)) {
          throw this.error('QASM_SEMANTIC', `unknown function '${node.fn}'; expected one of ${[...FUNCTIONS].join(', ')}`, node.pos);
        }
        const [arg] = node.args;
        if (arg === undefined || node.args.length !== 1) {
          throw this.error('QASM_SEMANTIC', `${node.fn} takes 1 argument, got ${node.args.length}`, node.pos);
        }
        return call(node.fn, this.expr(arg, scope));
      }
    }
  }

  // ---- gates ---------------------------------------------------------------------------------------

  private lookupGate(name: string): GateDef | undefined {
    return this.gates.get(name) ?? standardDef(ALIASES[name] ?? name) ?? this.library.get(name);
  }

  private defineGate(s: Extract<StatementNode, { kind: 'gatedef' }>): void {
    if (this.gates.has(s.name)) throw this.error('QASM_SEMANTIC', `gate '${s.name}' is already defined`, s.pos);
    const sym = this.symbols.get(s.name);
    if (sym !== undefined) throw this.error('QASM_SEMANTIC', `'${s.name}' is already declared (as ${describeSymbol(sym)})`, s.pos);
    const paramNames = new Set<string>();
    for (const p of s.params) {
      if (isConstant(p.name)) throw this.error('QASM_SEMANTIC', `'${p.name}' is a built-in constant and cannot name a parameter`, p.pos);
      if (paramNames.has(p.name)) throw this.error('QASM_SEMANTIC', `parameter '${p.name}' appears twice in gate ${s.name}`, p.pos);
      paramNames.add(p.name);
    }
    const qubitArgs: string[] = [];
    for (const q of s.qubits) {
      if (qubitArgs.includes(q.name)) throw this.error('QASM_SEMANTIC', `qubit argument '${q.name}' appears twice in gate ${s.name}`, q.pos);
      qubitArgs.push(q.name);
    }
    // A definition of a standard gate (Qiskit emits them for gates outside stdgates.inc) becomes
    // the standard gate itself, so engines see `rzz` rather than its decomposition.
    if (isStandardGate(s.name)) {
      const spec = STANDARD_GATES[s.name];
      const std = standardDef(s.name);
      if (std !== undefined && spec.qubits === qubitArgs.length && spec.params === paramNames.size) {
        this.gates.set(s.name, std);
        this.symbols.set(s.name, { kind: 'gate' });
        return;
      }
    }
    const scope = this.gateScope(paramNames, qubitArgs, s.name);
    const body: TemplateOp[] = [];
    for (const stmt of s.body) {
      const ops = stmt.kind === 'call' ? this.call(stmt, scope) : this.barrier(stmt, scope);
      for (const op of ops) {
        if (op.kind === 'gate' || op.kind === 'barrier') body.push(op);
      }
    }
    this.gates.set(s.name, { qubits: qubitArgs.length, paramNames: [...paramNames], body });
    this.symbols.set(s.name, { kind: 'gate' });
  }

  private barrier(s: BarrierNode, scope: Scope): Op[] {
    const qubits = s.operands.length === 0 ? scope.allQubits() : unique(s.operands.flatMap((o) => scope.qubits(o).qubits));
    if (qubits.length === 0) return [];
    this.spend(1, s.pos);
    return [{ kind: 'barrier', qubits }];
  }

  private call(s: GateCallNode, scope: Scope): TemplateOp[] {
    if (s.name === 'gphase') {
      // A global phase is unobservable without a control, and the IR has no place for it.
      if (s.modifiers.some((m) => m.kind === 'ctrl' || m.kind === 'negctrl')) {
        throw this.error('QASM_UNSUPPORTED', 'controlled gphase is not supported', s.pos);
      }
      if (s.args.length !== 1) throw this.error('QASM_SEMANTIC', `gphase takes 1 parameter, got ${s.args.length}`, s.pos);
      s.args.forEach((a) => this.expr(a, scope));
      s.operands.forEach((o) => scope.qubits(o));
      return [];
    }
    const def = this.lookupGate(s.name);
    if (def === undefined) {
      const hint = this.program.version === 2 ? 'Define it with gate ... { ... } or include "qelib1.inc".' : 'Define it with gate ... { ... } before use.';
      throw this.error('QASM_SEMANTIC', `undefined gate '${s.name}'`, s.pos, hint);
    }
    if (s.args.length !== def.paramNames.length) {
      throw this.error('QASM_SEMANTIC', `gate ${s.name} takes ${plural(def.paramNames.length, 'parameter')}, got ${s.args.length}`, s.pos);
    }
    const controls = s.modifiers.reduce((n, m) => n + (m.kind === 'ctrl' ? m.count : 0), 0);
    const arity = def.qubits + controls;
    if (s.operands.length !== arity) {
      throw this.error('QASM_SEMANTIC', `gate ${s.name}${controls > 0 ? ` with ${plural(controls, 'control')}` : ''} takes ${plural(arity, 'qubit')}, got ${s.operands.length}`, s.pos);
    }
    const args = s.args.map((a) => this.expr(a, scope));
    const powers = s.modifiers.map((m) => (m.kind === 'pow' ? this.exponent(m.exponent, scope) : 0));
    const tuples = this.broadcast(s, scope);
    const out: TemplateOp[] = [];
    for (const tuple of tuples) {
      this.spend(def.body.length, s.pos);
      let ops = instantiate(def, args, tuple.slice(controls));
      for (const op of ops) if (op.kind === 'gate') this.checkExprSize(op, s.pos);
      let remaining = tuple.slice(0, controls);
      for (let k = s.modifiers.length - 1; k >= 0; k--) {
        const m = s.modifiers[k];
        if (m === undefined) continue;
        const result = this.modify(m, powers[k] ?? 0, ops, remaining, s);
        ops = result.ops;
        remaining = result.remaining;
      }
      for (const op of ops) out.push(op);
    }
    return out;
  }

  private checkExprSize(op: GateOp, pos: Pos): void {
    if (op.params.some((p) => exceedsSize(p, MAX_EXPR_SIZE))) {
      throw this.error('CIRCUIT_TOO_LARGE', `a parameter expression of ${op.name} grows beyond ${MAX_EXPR_SIZE} terms`, pos);
    }
  }

  /** `pow(k)` needs a constant integer: repeating the body is the only meaning the IR can hold. */
  private exponent(node: ExprNode, scope: Scope): number {
    const e = this.expr(node, scope);
    if (e.kind !== 'num' || !Number.isInteger(e.value)) {
      throw this.error('QASM_UNSUPPORTED', 'pow(k) @ is only supported with a constant integer k', node.pos);
    }
    return e.value;
  }

  private modify(m: ModifierNode, power: number, ops: TemplateOp[], controls: number[], s: GateCallNode): { ops: TemplateOp[]; remaining: number[] } {
    switch (m.kind) {
      case 'inv':
        return { ops: this.invert(ops, s), remaining: controls };
      case 'pow': {
        const base = power < 0 ? this.invert(ops, s) : ops;
        const times = Math.abs(power);
        this.spend(base.length * times, m.pos);
        const out: TemplateOp[] = [];
        for (let i = 0; i < times; i++) for (const op of base) out.push(op);
        return { ops: out, remaining: controls };
      }
      case 'ctrl': {
        const mine = controls.slice(controls.length - m.count);
        const remaining = controls.slice(0, controls.length - m.count);
        const gates = ops.filter((op) => op.kind === 'gate');
        if (gates.length === 0) return { ops: [], remaining };
        const [only] = gates;
        if (gates.length > 1 || only === undefined) {
          throw this.error('QASM_UNSUPPORTED', `ctrl @ is only supported on standard gates, not on the custom gate ${s.name}`, m.pos);
        }
        let op: GateOp = only;
        for (let i = mine.length - 1; i >= 0; i--) {
          const control = mine[i];
          const next = control === undefined ? null : controlledOf(op, control);
          if (next === null) throw this.error('QASM_UNSUPPORTED', `ctrl @ ${op.name} is not supported: no standard gate expresses it`, m.pos);
          op = next;
        }
        return { ops: [op], remaining };
      }
      case 'negctrl':
        throw this.error('QASM_UNSUPPORTED', 'negctrl @ is not supported', m.pos);
    }
  }

  private invert(ops: readonly TemplateOp[], s: GateCallNode): TemplateOp[] {
    return [...ops].reverse().map((op) => {
      if (op.kind === 'barrier') return op;
      const inv = inverseOf(op);
      if (inv === null) throw this.error('QASM_UNSUPPORTED', `inv @ ${s.name} is not supported: the inverse of ${op.name} is not a standard gate`, s.pos);
      return inv;
    });
  }

  /**
   * `h q;` applies h to every qubit of q and `cx q, r;` pairs the registers element by element; a
   * single qubit next to a register is reused for every element.
   */
  private broadcast(s: GateCallNode, scope: Scope): number[][] {
    const resolved = s.operands.map((o) => scope.qubits(o));
    let length = 1;
    let sizedBy: OperandNode | null = null;
    resolved.forEach((r, i) => {
      if (!r.broadcast) return;
      const operand = s.operands[i];
      if (sizedBy !== null && r.qubits.length !== length && operand !== undefined) {
        throw this.error('QASM_SEMANTIC', `registers of different sizes (${length} and ${r.qubits.length}) in one ${s.name} call`, operand.pos);
      }
      length = r.qubits.length;
      sizedBy = operand ?? null;
    });
    const tuples: number[][] = [];
    for (let k = 0; k < length; k++) {
      const tuple: number[] = [];
      const labels: string[] = [];
      resolved.forEach((r) => {
        const idx = r.broadcast ? k : 0;
        tuple.push(r.qubits[idx] ?? -1);
        labels.push(r.labels[idx] ?? '?');
      });
      const seen = new Map<number, number>();
      tuple.forEach((q, i) => {
        const before = seen.get(q);
        if (before !== undefined) {
          const operand = s.operands[i];
          throw this.error('QASM_SEMANTIC', `qubit ${labels[i] ?? '?'} is used twice in one ${s.name} gate`, operand?.pos ?? s.pos);
        }
        seen.set(q, i);
      });
      tuples.push(tuple);
    }
    return tuples;
  }

  // ---- measurement and control flow -------------------------------------------------------------------

  private measure(sourceNode: OperandNode, targetNode: OperandNode, pos: Pos): Op[] {
    const src = this.resolve(sourceNode, 'qubits');
    const dst = this.resolve(targetNode, 'bits');
    if (src.qubits.length !== dst.qubits.length) {
      throw this.error('QASM_SEMANTIC', `cannot measure ${plural(src.qubits.length, 'qubit')} into ${plural(dst.qubits.length, 'bit')}`, pos);
    }
    this.spend(src.qubits.length, pos);
    return src.qubits.map((qubit, i) => ({ kind: 'measure', qubit, clbit: dst.qubits[i] ?? 0 }));
  }

  private ifOp(cond: ConditionNode, thenNodes: readonly StatementNode[], elseNodes: readonly StatementNode[]): IfOp {
    const bits = this.resolve(cond.target, 'bits');
    const single = bits.qubits.length === 1;
    let value: number;
    let swap = cond.negated;
    if (cond.value === null) {
      // `if (c[0])` is c[0] == 1; `if (c)` on a register means c != 0.
      value = single ? 1 : 0;
      if (!single) swap = !swap;
    } else {
      value = cond.value;
      if (bits.qubits.length < 53 && value >= 2 ** bits.qubits.length) {
        throw this.error('QASM_SEMANTIC', `${value} does not fit in the ${plural(bits.qubits.length, 'bit')} being compared`, cond.pos);
      }
    }
    // A single bit has only two values, so a negated test is the test for the other value.
    if (single && swap) {
      value = 1 - value;
      swap = false;
    }
    this.spend(1, cond.pos);
    const then = this.statements(thenNodes);
    const otherwise = this.statements(elseNodes);
    return { kind: 'if', condition: { clbits: bits.qubits, value }, then: swap ? otherwise : then, else: swap ? then : otherwise };
  }
}

function unique(xs: readonly number[]): number[] {
  return [...new Set(xs)];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeSymbol(sym: NameBinding): string {
  switch (sym.kind) {
    case 'qubits':
      return sym.scalar ? 'a qubit' : 'a qubit register';
    case 'bits':
      return sym.scalar ? 'a bit' : 'a bit register';
    case 'input':
      return 'an input parameter';
    case 'gate':
      return 'a gate';
  }
}
