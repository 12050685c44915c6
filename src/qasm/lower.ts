/**
 * Lowering: resolves names, checks arity and ranges, expands broadcasts, inlines custom gates,
 * applies modifiers and unrolls classical control (for, while, switch, constants), turning the
 * syntax tree into the circuit IR. Everything a consumer could trip over (undefined names,
 * out-of-range indices, a qubit used twice in one gate) is rejected here with the position of the
 * offending token.
 *
 * Classical values come in two kinds. Those known while lowering (loop variables, constants, and
 * variables assigned from them) are plain numbers here: loops over them unroll. Those decided in a
 * shot (measured bits, and a variable copied from them, as Qiskit's `switch` target is) become the
 * IR's conditionals; a `while` on them unrolls into nested ifs up to MAX_WHILE_ITERATIONS.
 */
import { isStandardGate, STANDARD_GATES, type ClassicalRegister, type Circuit, type Expr, type GateOp, type Op } from '../circuit/ir.js';
import type { QrunError } from '../errors.js';
import type {
  BarrierNode,
  ClassicalType,
  ExprNode,
  GateCallNode,
  IndexNode,
  LoopSetNode,
  ModifierNode,
  OperandNode,
  ProgramNode,
  StatementNode,
} from './ast.js';
import { evalStatic, type StaticLookup } from './classical.js';
import { assemble, combine, FALSE, limitReached, not, TRUE, type Test } from './condition.js';
import { bin, call, CONSTANTS, exceedsSize, FUNCTIONS, isConstant, isExprFunction, neg, num, param } from './expr.js';
import { ALIASES, controlledOf, GPHASE_DEF, instantiate, inverseOf, powerOf, standardDef, type GateDef, type TemplateOp } from './gates.js';
import { qasmError, type Pos, type QasmErrorCode } from './source.js';

/** Ops created in total (circuit and gate templates). Bounds memory and time for hostile inputs. */
const MAX_OPS = 2_000_000;
/** Largest register or `$k`-compacted qubit count accepted. */
const MAX_REGISTER_SIZE = 1 << 20;
/** Largest expression (in nodes) that substitution through gate definitions may build. */
const MAX_EXPR_SIZE = 10_000;
/**
 * Iterations a `while` loop may run. A loop on measured bits is unrolled this deep; a shot that is
 * still in the loop after that fails with QASM_LOOP_LIMIT rather than leaving it early.
 */
const MAX_WHILE_ITERATIONS = 1000;
/** Elements a `for` loop may run over (its body is unrolled once per element). */
const MAX_FOR_ITERATIONS = 1_000_000;

const KNOWN_INCLUDES = new Set(['stdgates.inc', 'qelib1.inc']);

interface Register {
  readonly kind: 'qubits' | 'bits';
  readonly offset: number;
  readonly size: number;
  /** `qubit q;` / `bit b;`: a single qubit or bit that cannot be indexed. */
  readonly scalar: boolean;
  /** For `let` aliases: the qubits or bits, in order (offset is then unused). */
  readonly elements?: readonly number[];
}

/** A classical value: known now, copied from bits decided in a shot, or lost in a branch. */
type Value =
  | { readonly kind: 'static'; readonly value: number }
  | { readonly kind: 'bits'; readonly clbits: readonly number[]; readonly versions: readonly number[]; readonly from: string }
  | { readonly kind: 'unknown'; readonly why: string };

interface Variable {
  readonly kind: 'var';
  readonly name: string;
  readonly type: ClassicalType;
  readonly constant: boolean;
  /** The branch depth the variable was declared at (see Lowering.branches). */
  readonly depth: number;
  value: Value;
}

/** What a name stands for. */
type NameBinding = Register | Variable | { readonly kind: 'input' } | { readonly kind: 'gate' };

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
  /** Classical values known now (loop variables, constants); throws for anything else. */
  readonly statics: StaticLookup;
}

type Flow = 'break' | 'continue' | null;

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
  /** scopes[0] is the global scope; blocks and loop bodies push their own. */
  private readonly scopes: Map<string, NameBinding>[] = [new Map<string, NameBinding>()];
  private readonly parameters: string[] = [];
  private readonly clbitRegisters: ClassicalRegister[] = [];
  private numQubits = 0;
  private numClbits = 0;
  private opCount = 0;
  /** Physical index → compact index, when the program addresses `$k` qubits. */
  private physical: Map<number, number> | null = null;
  /** How often each bit has been measured into so far: a copy of bits is stale once one changes. */
  private readonly clbitVersions: number[] = [];
  /** Per enclosing run-time branch: variables written inside it, with their value before. */
  private readonly branchWrites: Map<Variable, Value>[] = [];
  /** Loops being unrolled, and what a `break` or `continue` just asked of the innermost one. */
  private loopDepth = 0;
  private flow: Flow = null;

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
          case 'alias':
            s.parts.forEach(visitOperand);
            break;
          case 'if':
            visit(s.then);
            visit(s.else);
            break;
          case 'for':
          case 'while':
          case 'block':
            visit(s.body);
            break;
          case 'switch':
            s.cases.forEach((c) => visit(c.body));
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

  /** Lowers statements in order, stopping where a `break` or `continue` leaves them. */
  private statements(stmts: readonly StatementNode[]): Op[] {
    const ops: Op[] = [];
    for (const s of stmts) {
      for (const op of this.statement(s)) ops.push(op);
      if (this.flow !== null) break;
    }
    return ops;
  }

  /** Lowers a body in a scope of its own. */
  private block(stmts: readonly StatementNode[]): Op[] {
    this.scopes.push(new Map());
    try {
      return this.statements(stmts);
    } finally {
      this.scopes.pop();
    }
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
      case 'pragma':
        // Pragmas steer other compilers; nothing here depends on them.
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
      case 'classical':
        this.declareVariable(s);
        return [];
      case 'assign':
        this.assign(s);
        return [];
      case 'alias':
        this.alias(s);
        return [];
      case 'gatedef':
        this.defineGate(s);
        return [];
      case 'call':
        return this.call(s, this.topScope()).filter((op): op is GateOp => op.kind === 'gate');
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
      case 'block':
        return this.block(s.body);
      case 'if':
        return this.ifStatement(s.condition, s.then, s.else);
      case 'for':
        return this.forLoop(s);
      case 'while':
        return this.whileLoop(s);
      case 'switch':
        return this.switchStatement(s);
      case 'break':
      case 'continue':
        if (this.loopDepth === 0) throw this.error('QASM_SEMANTIC', `'${s.kind}' outside a loop`, s.pos);
        this.flow = s.kind;
        return [];
    }
  }

  private registerSize(size: ExprNode | null, pos: Pos): number {
    if (size === null) return 1;
    const n = this.staticInteger(size, 'a register size', this.topScope().statics);
    if (n < 1) throw this.error('QASM_SEMANTIC', 'a register must hold at least one element', pos);
    if (n > MAX_REGISTER_SIZE) throw this.error('CIRCUIT_TOO_LARGE', `registers larger than ${MAX_REGISTER_SIZE} are not supported`, pos);
    return n;
  }

  private lookup(name: string): NameBinding | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const found = this.scopes[i]?.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Names are unique in their scope and never hide a global one; a block may reuse an outer block's name (Qiskit nests `for int _`). */
  private declare(name: string, symbol: NameBinding, pos: Pos): void {
    if (isConstant(name)) throw this.error('QASM_SEMANTIC', `'${name}' is a built-in constant and cannot be redeclared`, pos);
    const scope = this.scopes[this.scopes.length - 1];
    const existing = scope?.get(name) ?? this.scopes[0]?.get(name);
    if (existing !== undefined) {
      throw this.error('QASM_SEMANTIC', `'${name}' is already declared (as ${describeSymbol(existing)})`, pos);
    }
    scope?.set(name, symbol);
  }

  // ---- classical values ------------------------------------------------------------------------------

  private declareVariable(s: Extract<StatementNode, { kind: 'classical' }>): void {
    let value: Value = { kind: 'unknown', why: `'${s.name}' is declared without a value` };
    if (s.init !== null) value = this.valueOf(s.init, s.name);
    if (s.constant && value.kind !== 'static') {
      throw this.error('QASM_SEMANTIC', `the constant '${s.name}' needs a value known before the program runs`, s.init?.pos ?? s.pos);
    }
    const variable: Variable = { kind: 'var', name: s.name, type: s.type, constant: s.constant, depth: this.branchWrites.length, value: coerce(s.type, value) };
    this.declare(s.name, variable, s.pos);
  }

  private assign(s: Extract<StatementNode, { kind: 'assign' }>): void {
    const target = this.lookup(s.name);
    if (target === undefined) throw this.error('QASM_SEMANTIC', `undefined variable '${s.name}'`, s.pos);
    if (target.kind !== 'var') {
      const what = target.kind === 'bits' ? '; bits take only measurements (c = measure q;)' : '';
      throw this.error('QASM_UNSUPPORTED', `cannot assign to '${s.name}', which is ${describeSymbol(target)}${what}`, s.pos);
    }
    if (target.constant) throw this.error('QASM_SEMANTIC', `'${s.name}' is a constant and cannot be assigned`, s.pos);
    let value: Value;
    if (s.op === '=') {
      value = this.valueOf(s.value, s.name);
    } else {
      const op = s.op.slice(0, -1);
      const node: ExprNode = { kind: 'bin', op: op as '+', left: { kind: 'ident', name: s.name, pos: s.pos }, right: s.value, pos: s.pos };
      value = { kind: 'static', value: evalStatic(node, this.topScope().statics) };
    }
    this.write(target, coerce(target.type, value));
  }

  /** The value an expression gives a variable: a number now, or a copy of bits decided in a shot. */
  private valueOf(node: ExprNode, into: string): Value {
    const bits = this.dynamicBits(node);
    if (bits !== null) {
      return { kind: 'bits', clbits: bits.clbits, versions: bits.clbits.map((c) => this.clbitVersions[c] ?? 0), from: bits.label };
    }
    try {
      return { kind: 'static', value: evalStatic(node, this.topScope().statics) };
    } catch (error) {
      // Arithmetic on measured bits would need classical computation in the shot.
      if (this.mentionsBits(node)) {
        throw this.error('QASM_UNSUPPORTED', `'${into}' can copy measured bits (x = c;) but not compute with them`, startOf(node));
      }
      throw error;
    }
  }

  private write(v: Variable, value: Value): void {
    const log = this.branchWrites[this.branchWrites.length - 1];
    if (log !== undefined && v.depth < this.branchWrites.length && !log.has(v)) log.set(v, v.value);
    v.value = value;
  }

  /**
   * Lowers each branch of a construct decided in a shot. A variable a branch changes holds, after
   * the construct, a value that depends on the shot: it is then unknown here, and using it is an error.
   */
  private branches(bodies: readonly (() => Op[])[], what: string): Op[][] {
    const changed = new Set<Variable>();
    const results = bodies.map((body) => {
      const log = new Map<Variable, Value>();
      this.branchWrites.push(log);
      try {
        return body();
      } finally {
        this.branchWrites.pop();
        for (const [v, before] of log) {
          v.value = before;
          changed.add(v);
        }
      }
    });
    for (const v of changed) this.write(v, { kind: 'unknown', why: `'${v.name}' changes inside ${what} decided by measured bits` });
    return results;
  }

  /** Where a name or `c[i]` stands for bits decided in a shot: those bits. */
  private dynamicBits(node: ExprNode): { clbits: number[]; label: string } | null {
    if (node.kind === 'ident') {
      const sym = this.lookup(node.name);
      if (sym?.kind === 'bits') return { clbits: [...this.resolve({ kind: 'ref', name: node.name, index: null, pos: node.pos }, 'bits').qubits], label: node.name };
      if (sym?.kind === 'var' && sym.value.kind === 'bits') {
        const { clbits, versions, from } = sym.value;
        if (clbits.some((c, i) => (this.clbitVersions[c] ?? 0) !== versions[i])) {
          throw this.error('QASM_UNSUPPORTED', `'${node.name}' holds a copy of ${from}, which has been measured into again since`, node.pos, `Assign '${node.name}' again right before using it.`);
        }
        return { clbits: [...clbits], label: node.name };
      }
      return null;
    }
    if (node.kind === 'index') {
      const sym = this.lookup(node.name);
      if (sym?.kind !== 'bits') return null;
      const resolved = this.resolve({ kind: 'ref', name: node.name, index: node.index, pos: node.pos }, 'bits');
      return { clbits: [...resolved.qubits], label: resolved.labels.length === 1 ? (resolved.labels[0] ?? node.name) : node.name };
    }
    return null;
  }

  private mentionsBits(node: ExprNode): boolean {
    switch (node.kind) {
      case 'num':
        return false;
      case 'ident':
      case 'index':
        return this.dynamicBits(node) !== null;
      case 'neg':
      case 'not':
        return this.mentionsBits(node.arg);
      case 'call':
        return node.args.some((a) => this.mentionsBits(a));
      case 'bin':
        return this.mentionsBits(node.left) || this.mentionsBits(node.right);
    }
  }

  private staticInteger(node: ExprNode, what: string, statics: StaticLookup): number {
    const value = evalStatic(node, statics);
    if (!Number.isSafeInteger(value)) throw this.error('QASM_SEMANTIC', `${what} must be an integer, got ${value}`, node.pos);
    return value;
  }

  private staticsAt(): StaticLookup {
    return {
      name: (name, pos) => {
        const sym = this.lookup(name);
        if (sym === undefined) throw this.error('QASM_SEMANTIC', `undefined name '${name}'`, pos);
        if (sym.kind !== 'var') {
          const hint = sym.kind === 'input' ? 'An input is bound per PUB element, after the circuit is built: use a constant or a loop variable here.' : undefined;
          throw this.error('QASM_UNSUPPORTED', `'${name}' is ${describeSymbol(sym)}, and its value is not known while the circuit is built`, pos, hint);
        }
        if (sym.value.kind === 'static') return sym.value.value;
        if (sym.value.kind === 'bits') throw this.error('QASM_UNSUPPORTED', `'${name}' holds measured bits, which are only known in a shot; only a condition (if, while, switch) can test them`, pos);
        throw this.error('QASM_UNSUPPORTED', `the value of '${name}' is not known here: ${sym.value.why}`, pos);
      },
      index: (node) => {
        throw this.error('QASM_UNSUPPORTED', `${node.name}[...] is only known in a shot; only a condition (if, while, switch) can test it`, node.pos);
      },
      fail: (message, pos) => this.error('QASM_SEMANTIC', message, pos),
    };
  }

  // ---- scopes ------------------------------------------------------------------------------------

  private topScope(): Scope {
    const statics = this.staticsAt();
    return {
      param: (name, pos) => {
        const sym = this.lookup(name);
        if (sym?.kind === 'input') return param(name);
        if (sym?.kind === 'var') return num(statics.name(name, pos));
        if (sym !== undefined) throw this.error('QASM_SEMANTIC', `'${name}' is ${describeSymbol(sym)}, not a parameter`, pos);
        throw this.error('QASM_SEMANTIC', `undefined parameter '${name}'`, pos, this.program.version === 3 ? `Declare it with: input float[64] ${name};` : undefined);
      },
      qubits: (operand) => this.resolve(operand, 'qubits'),
      allQubits: () => Array.from({ length: this.numQubits }, (_, i) => i),
      statics,
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
    const sym = this.lookup(operand.name);
    const noun = kind === 'qubits' ? 'qubit' : 'bit';
    if (sym === undefined) throw this.error('QASM_SEMANTIC', `undefined ${noun} register '${operand.name}'`, operand.pos);
    if (sym.kind !== kind) throw this.error('QASM_SEMANTIC', `'${operand.name}' is ${describeSymbol(sym)}, expected a ${noun} register`, operand.pos);
    const element = (i: number): number => sym.elements?.[i] ?? sym.offset + i;
    const index = operand.index;
    if (index === null) {
      const all = Array.from({ length: sym.size }, (_, i) => element(i));
      const labels = sym.scalar ? [operand.name] : all.map((_, i) => `${operand.name}[${i}]`);
      return { qubits: all, labels, broadcast: !sym.scalar };
    }
    if (sym.scalar) throw this.error('QASM_SEMANTIC', `'${operand.name}' is a single ${noun}, not a register, and cannot be indexed`, index.pos);
    const picked = this.indices(index, sym.size, operand.name, noun);
    return {
      qubits: picked.map(element),
      labels: picked.map((i) => `${operand.name}[${i}]`),
      broadcast: index.kind !== 'single',
    };
  }

  /** The positions an index picks from a register of `size`; negative indices count from the end. */
  private indices(index: IndexNode, size: number, name: string, noun: string): number[] {
    const statics = this.staticsAt();
    const check = (node: ExprNode, raw: number): number => {
      const i = raw < 0 ? raw + size : raw;
      if (i < 0 || i >= size) {
        throw this.error('QASM_SEMANTIC', `index ${raw} is out of range for '${name}', which has ${size} ${noun}${size === 1 ? '' : 's'} (0..${size - 1})`, node.pos);
      }
      return i;
    };
    const at = (node: ExprNode): number => check(node, this.staticInteger(node, 'an index', statics));
    switch (index.kind) {
      case 'single':
        return [at(index.index)];
      case 'set':
        return index.items.map(at);
      case 'range': {
        const start = at(index.start);
        const end = at(index.end);
        const step = index.step === null ? 1 : this.staticInteger(index.step, 'a range step', statics);
        if (step === 0) throw this.error('QASM_SEMANTIC', 'a range step must not be zero', index.step?.pos ?? index.pos);
        const picked: number[] = [];
        for (let i = start; step > 0 ? i <= end : i >= end; i += step) {
          picked.push(i);
          if (picked.length > size) break;
        }
        return picked;
      }
    }
  }

  private alias(s: Extract<StatementNode, { kind: 'alias' }>): void {
    const kinds = new Set<'qubits' | 'bits'>();
    const elements: number[] = [];
    for (const part of s.parts) {
      const sym = part.kind === 'ref' ? this.lookup(part.name) : undefined;
      const kind = sym?.kind === 'bits' ? 'bits' : 'qubits';
      kinds.add(kind);
      elements.push(...this.resolve(part, kind).qubits);
    }
    const [kind] = kinds;
    if (kinds.size > 1 || kind === undefined) throw this.error('QASM_SEMANTIC', `alias '${s.name}' joins qubits and bits`, s.pos);
    if (kind === 'qubits' && new Set(elements).size !== elements.length) {
      throw this.error('QASM_SEMANTIC', `alias '${s.name}' names a qubit twice`, s.pos);
    }
    this.declare(s.name, { kind, offset: 0, size: elements.length, scalar: false, elements }, s.pos);
  }

  private gateScope(params: ReadonlySet<string>, qubitArgs: readonly string[], gate: string): Scope {
    const constant = (name: string): number | undefined => {
      const sym = this.scopes[0]?.get(name);
      return sym?.kind === 'var' && sym.constant && sym.value.kind === 'static' ? sym.value.value : undefined;
    };
    return {
      param: (name, pos) => {
        if (params.has(name)) return param(name);
        const value = constant(name);
        if (value !== undefined) return num(value);
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
      statics: {
        name: (name, pos) => {
          const value = constant(name);
          if (value !== undefined) return value;
          if (params.has(name)) throw this.error('QASM_UNSUPPORTED', `the parameter '${name}' of gate ${gate} is not known while the gate is defined; a constant is needed here`, pos);
          throw this.error('QASM_SEMANTIC', `undefined name '${name}' in gate ${gate}`, pos);
        },
        index: (node) => {
          throw this.error('QASM_SEMANTIC', `inside gate ${gate}, ${node.name}[...] cannot be used`, node.pos);
        },
        fail: (message, pos) => this.error('QASM_SEMANTIC', message, pos),
      },
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
        if (node.op === '+' || node.op === '-' || node.op === '*' || node.op === '/' || node.op === '**') {
          return bin(node.op, this.expr(node.left, scope), this.expr(node.right, scope));
        }
        return num(evalStatic(node, scope.statics));
      case 'not':
      case 'index':
        return num(evalStatic(node, scope.statics));
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
    if (name === 'gphase') return GPHASE_DEF;
    return this.gates.get(name) ?? standardDef(ALIASES[name] ?? name) ?? this.library.get(name);
  }

  private defineGate(s: Extract<StatementNode, { kind: 'gatedef' }>): void {
    if (this.gates.has(s.name)) throw this.error('QASM_SEMANTIC', `gate '${s.name}' is already defined`, s.pos);
    const sym = this.lookup(s.name);
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
        this.scopes[0]?.set(s.name, { kind: 'gate' });
        return;
      }
    }
    const scope = this.gateScope(paramNames, qubitArgs, s.name);
    const body: TemplateOp[] = [];
    for (const stmt of s.body) {
      const ops = stmt.kind === 'call' ? this.call(stmt, scope) : this.barrier(stmt, scope);
      for (const op of ops) {
        if (op.kind === 'gate' || op.kind === 'barrier' || op.kind === 'gphase') body.push(op);
      }
    }
    this.gates.set(s.name, { qubits: qubitArgs.length, paramNames: [...paramNames], body });
    this.scopes[0]?.set(s.name, { kind: 'gate' });
  }

  private barrier(s: BarrierNode, scope: Scope): Op[] {
    const qubits = s.operands.length === 0 ? scope.allQubits() : unique(s.operands.flatMap((o) => scope.qubits(o).qubits));
    if (qubits.length === 0) return [];
    this.spend(1, s.pos);
    return [{ kind: 'barrier', qubits }];
  }

  private call(s: GateCallNode, scope: Scope): TemplateOp[] {
    const def = this.lookupGate(s.name);
    if (def === undefined) {
      const hint = this.program.version === 2 ? 'Define it with gate ... { ... } or include "qelib1.inc".' : 'Define it with gate ... { ... } before use.';
      throw this.error('QASM_SEMANTIC', `undefined gate '${s.name}'`, s.pos, hint);
    }
    if (s.args.length !== def.paramNames.length) {
      throw this.error('QASM_SEMANTIC', `gate ${s.name} takes ${plural(def.paramNames.length, 'parameter')}, got ${s.args.length}`, s.pos);
    }
    const counts = s.modifiers.map((m) => this.controlCount(m, scope));
    const controls = counts.reduce((n, c) => n + c, 0);
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
        const result = this.modify(m, powers[k] ?? 0, counts[k] ?? 0, ops, remaining, s);
        ops = result.ops;
        remaining = result.remaining;
      }
      for (const op of ops) out.push(op);
    }
    return out;
  }

  /** Qubits a modifier adds in front of the gate's own: `ctrl(2) @` two, `negctrl @` one, the others none. */
  private controlCount(m: ModifierNode, scope: Scope): number {
    if (m.kind !== 'ctrl' && m.kind !== 'negctrl') return 0;
    if (m.count === null) return 1;
    const n = this.staticInteger(m.count, 'a control count', scope.statics);
    if (n < 1) throw this.error('QASM_SEMANTIC', `a control count must be at least 1, got ${n}`, m.count.pos);
    return n;
  }

  private checkExprSize(op: GateOp, pos: Pos): void {
    if (op.params.some((p) => exceedsSize(p, MAX_EXPR_SIZE))) {
      throw this.error('CIRCUIT_TOO_LARGE', `a parameter expression of ${op.name} grows beyond ${MAX_EXPR_SIZE} terms`, pos);
    }
  }

  /** `pow(k)` needs a k known while the circuit is built: an input would change the circuit's shape. */
  private exponent(node: ExprNode, scope: Scope): number {
    const e = this.expr(node, scope);
    if (e.kind !== 'num' || !Number.isFinite(e.value)) {
      throw this.error('QASM_UNSUPPORTED', 'pow(k) @ is only supported with a constant k', node.pos);
    }
    return e.value;
  }

  private modify(m: ModifierNode, power: number, count: number, ops: TemplateOp[], controls: number[], s: GateCallNode): { ops: TemplateOp[]; remaining: number[] } {
    switch (m.kind) {
      case 'inv':
        return { ops: this.invert(ops, s), remaining: controls };
      case 'pow': {
        if (!Number.isInteger(power)) return { ops: this.fractionalPower(ops, power, m, s), remaining: controls };
        const base = power < 0 ? this.invert(ops, s) : ops;
        const times = Math.abs(power);
        this.spend(base.length * times, m.pos);
        const out: TemplateOp[] = [];
        for (let i = 0; i < times; i++) for (const op of base) out.push(op);
        return { ops: out, remaining: controls };
      }
      case 'ctrl':
      case 'negctrl': {
        const mine = controls.slice(controls.length - count);
        const remaining = controls.slice(0, controls.length - count);
        let out = ops;
        for (let i = mine.length - 1; i >= 0; i--) {
          const control = mine[i];
          if (control === undefined) continue;
          const controlled = controlledOf(out, control);
          if (typeof controlled === 'string') {
            const where = controlled === s.name ? '' : ` (gate ${s.name} uses ${controlled})`;
            throw this.error('QASM_UNSUPPORTED', `${m.kind} @ ${controlled} is not supported${where}: no standard gate expresses it`, m.pos);
          }
          // A negative control is a positive one between two X gates on the control qubit.
          const flip: GateOp = { kind: 'gate', name: 'x', qubits: [control], params: [] };
          out = m.kind === 'negctrl' ? [flip, ...controlled, flip] : controlled;
        }
        this.spend(out.length, m.pos);
        return { ops: out, remaining };
      }
    }
  }

  /** `pow(k) @` with k not an integer: defined for one rotation or phase gate (and global phases). */
  private fractionalPower(ops: readonly TemplateOp[], k: number, m: ModifierNode, s: GateCallNode): TemplateOp[] {
    const gates = ops.filter((op) => op.kind === 'gate');
    if (gates.length > 1) {
      throw this.error('QASM_UNSUPPORTED', `pow(${k}) @ ${s.name} is not supported: a non-integer power is defined here only for a single rotation or phase gate, and ${s.name} is ${gates.length} gates`, m.pos);
    }
    return ops.map((op) => {
      const powered = powerOf(op, k);
      if (powered === null) {
        const name = op.kind === 'gate' ? op.name : s.name;
        throw this.error('QASM_UNSUPPORTED', `pow(${k}) @ ${name} is not supported: a non-integer power is defined here only for rotations (rx, ry, rz, rxx, ...) and phase gates (p, z, s, t, ...)`, m.pos);
      }
      return powered;
    });
  }

  private invert(ops: readonly TemplateOp[], s: GateCallNode): TemplateOp[] {
    return [...ops].reverse().map((op): TemplateOp => {
      if (op.kind === 'barrier') return op;
      if (op.kind === 'gphase') return { kind: 'gphase', angle: neg(op.angle) };
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
    for (const c of dst.qubits) this.clbitVersions[c] = (this.clbitVersions[c] ?? 0) + 1;
    return src.qubits.map((qubit, i) => ({ kind: 'measure', qubit, clbit: dst.qubits[i] ?? 0 }));
  }

  private ifStatement(condition: ExprNode, thenNodes: readonly StatementNode[], elseNodes: readonly StatementNode[]): Op[] {
    const test = this.condition(condition);
    if (test.kind === 'const') return this.block(test.value ? thenNodes : elseNodes);
    this.spend(1, condition.pos);
    const [then = [], otherwise = []] = this.branches([() => this.runtimeBlock(thenNodes, condition.pos), () => this.runtimeBlock(elseNodes, condition.pos)], 'an if');
    return assemble(test, then, otherwise);
  }

  /** A body that runs or not depending on a shot: `break` and `continue` cannot be unrolled from there. */
  private runtimeBlock(stmts: readonly StatementNode[], pos: Pos): Op[] {
    const ops = this.block(stmts);
    if (this.flow !== null) {
      const flow = this.flow;
      this.flow = null;
      throw this.error('QASM_UNSUPPORTED', `'${flow}' inside a branch decided by measured bits is not supported`, pos, 'Move the loop\'s remaining statements into an else branch instead.');
    }
    return ops;
  }

  private forLoop(s: Extract<StatementNode, { kind: 'for' }>): Op[] {
    const values = this.loopValues(s.set);
    const ops: Op[] = [];
    this.loopDepth++;
    try {
      for (const value of values) {
        this.scopes.push(new Map());
        try {
          const variable: Variable = { kind: 'var', name: s.variable, type: s.type ?? 'int', constant: false, depth: this.branchWrites.length, value: { kind: 'static', value } };
          this.declare(s.variable, variable, s.pos);
          for (const op of this.statements(s.body)) ops.push(op);
        } finally {
          this.scopes.pop();
        }
        const flow = this.flow;
        this.flow = null;
        if (flow === 'break') break;
      }
    } finally {
      this.loopDepth--;
    }
    return ops;
  }

  private loopValues(set: LoopSetNode): number[] {
    const statics = this.staticsAt();
    switch (set.kind) {
      case 'set':
        return set.items.map((item) => evalStatic(item, statics));
      case 'expr':
        throw this.error('QASM_UNSUPPORTED', 'a for loop runs over a range [a:b], [a:step:b] or a set {a, b, ...} here', set.pos);
      case 'range': {
        const start = this.staticInteger(set.start, 'a loop bound', statics);
        const end = this.staticInteger(set.end, 'a loop bound', statics);
        const step = set.step === null ? 1 : this.staticInteger(set.step, 'a loop step', statics);
        if (step === 0) throw this.error('QASM_SEMANTIC', 'a range step must not be zero', set.step?.pos ?? set.pos);
        const count = Math.max(0, Math.floor((end - start) / step) + 1);
        if (count > MAX_FOR_ITERATIONS) throw this.error('CIRCUIT_TOO_LARGE', `a for loop of ${count} iterations is more than the ${MAX_FOR_ITERATIONS} supported`, set.pos);
        return Array.from({ length: count }, (_, i) => start + i * step);
      }
    }
  }

  /**
   * A while loop, unrolled: each iteration is the body followed by the next test, nested in the
   * previous test's branch. A condition known now simply repeats; one on measured bits nests ifs
   * MAX_WHILE_ITERATIONS deep and ends in a marker that fails a shot still looping there.
   */
  private whileLoop(s: Extract<StatementNode, { kind: 'while' }>): Op[] {
    // Built level by level rather than by recursion: a thousand nested iterations would otherwise
    // need a thousand nested lowering calls. Each level's body is lowered inside the branches of
    // all levels before it, which stay open (their write logs pushed) until the loop is done.
    const prefix: Op[] = [];
    const levels: { test: Test; ops: Op[] }[] = [];
    let tail: Op[] = [];
    const opened = this.branchWrites.length;
    this.loopDepth++;
    try {
      for (let k = 0; ; k++) {
        const test = this.condition(s.condition);
        if (test.kind === 'const' && !test.value) break;
        if (k >= MAX_WHILE_ITERATIONS) {
          if (test.kind === 'const') {
            throw this.error('QASM_LOOP_LIMIT', `the while loop is still running after ${MAX_WHILE_ITERATIONS} iterations, the most supported`, s.pos, 'Make sure the loop ends: its condition must become false.');
          }
          tail = limitReached(test, { iterations: MAX_WHILE_ITERATIONS, line: s.pos.line, column: s.pos.column });
          break;
        }
        const into = levels[levels.length - 1]?.ops ?? prefix;
        if (test.kind === 'const') {
          for (const op of this.block(s.body)) into.push(op);
          const flow = this.flow;
          this.flow = null;
          if (flow === 'break') break;
          continue;
        }
        this.spend(1, s.pos);
        this.branchWrites.push(new Map());
        levels.push({ test, ops: this.runtimeBlock(s.body, s.pos) });
      }
    } finally {
      this.loopDepth--;
      while (this.branchWrites.length > opened) this.closeBranch('a while loop');
    }
    let inner = tail;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i];
      if (level !== undefined) inner = assemble(level.test, [...level.ops, ...inner], []);
    }
    return [...prefix, ...inner];
  }

  /** Closes the innermost open branch: what it changed is restored, then unknown (see branches). */
  private closeBranch(what: string): void {
    const log = this.branchWrites.pop();
    if (log === undefined) return;
    for (const [v, before] of log) v.value = before;
    for (const v of log.keys()) this.write(v, { kind: 'unknown', why: `'${v.name}' changes inside ${what} decided by measured bits` });
  }

  /** `switch (x)`: the first case listing x's value runs, else `default`; on measured bits a chain of ifs. */
  private switchStatement(s: Extract<StatementNode, { kind: 'switch' }>): Op[] {
    const statics = this.staticsAt();
    const bits = this.dynamicBits(s.target);
    const cases = s.cases.map((c) => ({ values: c.values.map((v) => this.staticInteger(v, 'a case value', statics)), body: c.body, pos: c.pos }));
    const seen = new Set<number>();
    for (const c of cases) {
      c.values.forEach((v, i) => {
        if (seen.has(v)) throw this.error('QASM_SEMANTIC', `case ${v} appears twice in the switch`, s.cases[cases.indexOf(c)]?.values[i]?.pos ?? c.pos);
        seen.add(v);
      });
    }
    const fallback = cases.find((c) => c.values.length === 0);
    const explicit = cases.filter((c) => c.values.length > 0);
    if (bits === null) {
      const value = this.staticInteger(s.target, 'a switch target', statics);
      const chosen = explicit.find((c) => c.values.includes(value)) ?? fallback;
      return chosen === undefined ? [] : this.block(chosen.body);
    }
    this.spend(cases.length, s.pos);
    const bodies = this.branches([...explicit, ...(fallback === undefined ? [] : [fallback])].map((c) => () => this.runtimeBlock(c.body, c.pos)), 'a switch');
    let ops: Op[] = fallback === undefined ? [] : (bodies[explicit.length] ?? []);
    for (let i = explicit.length - 1; i >= 0; i--) {
      const c = explicit[i];
      if (c === undefined) continue;
      const test = c.values.reduce<Test>((t, v) => combine('or', t, this.equals(bits.clbits, v, c.pos)), FALSE);
      ops = assemble(test, bodies[i] ?? [], ops);
    }
    return ops;
  }

  /** `bits == value`, false when the value cannot fit (a case no shot can take). */
  private equals(clbits: readonly number[], value: number, pos: Pos): Test {
    if (!Number.isSafeInteger(value)) throw this.error('QASM_SEMANTIC', `a condition compares with ${value}, not an integer`, pos);
    if (value < 0 || (clbits.length < 53 && value >= 2 ** clbits.length)) return FALSE;
    return { kind: 'bits', clbits, value };
  }

  /**
   * A condition as a test on bits decided in a shot, or a constant when everything in it is known
   * now. Comparisons take one side of bits and one known value; `&&`, `||`, `!` combine any tests.
   */
  private condition(node: ExprNode): Test {
    const statics = this.staticsAt();
    const truth = (value: number): Test => (value !== 0 ? TRUE : FALSE);
    const bits = this.dynamicBits(node);
    if (bits !== null) {
      // `if (c[0])` is c[0] == 1; `if (c)` on a register means c != 0.
      return bits.clbits.length === 1 ? { kind: 'bits', clbits: bits.clbits, value: 1 } : not({ kind: 'bits', clbits: bits.clbits, value: 0 });
    }
    switch (node.kind) {
      case 'not':
        if (node.op === '!' || this.isSingleBit(node.arg)) return not(this.condition(node.arg));
        break;
      case 'bin': {
        switch (node.op) {
          case '&&':
            return combine('and', this.condition(node.left), this.condition(node.right));
          case '||':
            return combine('or', this.condition(node.left), this.condition(node.right));
          case '&':
          case '|':
          case '^': {
            if (!this.mentionsBits(node)) break;
            if (!this.isSingleBit(node.left) || !this.isSingleBit(node.right)) {
              throw this.error('QASM_UNSUPPORTED', `'${node.op}' on measured registers is not supported in a condition; compare the register with == instead`, node.pos);
            }
            const kind = node.op === '&' ? 'and' : node.op === '|' ? 'or' : 'xor';
            return combine(kind, this.condition(node.left), this.condition(node.right));
          }
          case '==':
          case '!=': {
            if (!this.mentionsBits(node)) break;
            const left = this.dynamicBits(node.left);
            const right = this.dynamicBits(node.right);
            let test: Test;
            if (left !== null && right !== null) {
              if (left.clbits.length !== 1 || right.clbits.length !== 1) {
                throw this.error('QASM_UNSUPPORTED', 'comparing two measured registers is not supported; compare each with a value', node.pos);
              }
              test = not(combine('xor', this.condition(node.left), this.condition(node.right)));
            } else {
              const side = left ?? right;
              const other = left === null ? node.left : node.right;
              if (side === null) {
                throw this.error('QASM_UNSUPPORTED', 'a comparison in a condition takes measured bits on one side and a value on the other', node.pos);
              }
              const value = evalStatic(other, statics);
              const at = left === null ? node.right.pos : node.left.pos;
              if (Number.isSafeInteger(value) && (value < 0 || (side.clbits.length < 53 && value >= 2 ** side.clbits.length))) {
                throw this.error('QASM_SEMANTIC', `${value} does not fit in the ${plural(side.clbits.length, 'bit')} being compared`, at);
              }
              test = this.equals(side.clbits, value, at);
            }
            return node.op === '==' ? test : not(test);
          }
          case '<':
          case '>':
          case '<=':
          case '>=':
            if (this.mentionsBits(node)) {
              throw this.error('QASM_UNSUPPORTED', `conditions with '${node.op}' on measured bits are not supported; use == or !=`, node.pos);
            }
            break;
          default:
            break;
        }
        break;
      }
      case 'index':
      case 'ident': {
        const sym = this.lookup(node.name);
        if (sym?.kind === 'qubits') throw this.error('QASM_SEMANTIC', 'a condition must test a bit or a bit register, not a qubit', node.pos);
        break;
      }
      default:
        break;
    }
    return truth(evalStatic(node, statics));
  }

  private isSingleBit(node: ExprNode): boolean {
    if (node.kind === 'num') return node.value === 0 || node.value === 1;
    if (node.kind === 'ident' && (node.name === 'true' || node.name === 'false')) return true;
    if (node.kind === 'not' || (node.kind === 'bin' && ['&&', '||', '==', '!=', '<', '>', '<=', '>='].includes(node.op))) return true;
    if (node.kind === 'bin' && (node.op === '&' || node.op === '|' || node.op === '^')) return this.isSingleBit(node.left) && this.isSingleBit(node.right);
    const bits = this.dynamicBits(node);
    return bits?.clbits.length === 1;
  }
}

/** A value stored in a variable of `type`: bool keeps 0/1, integers truncate. */
function coerce(type: ClassicalType, value: Value): Value {
  if (value.kind !== 'static') return value;
  switch (type) {
    case 'bool':
      return { kind: 'static', value: value.value !== 0 ? 1 : 0 };
    case 'int':
    case 'uint':
      return { kind: 'static', value: Math.trunc(value.value) };
    default:
      return value;
  }
}

/** Where an expression begins in the source (a binary node's own position is its operator's). */
function startOf(node: ExprNode): Pos {
  return node.kind === 'bin' ? startOf(node.left) : node.pos;
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
      if (sym.elements !== undefined) return 'a qubit alias';
      return sym.scalar ? 'a qubit' : 'a qubit register';
    case 'bits':
      if (sym.elements !== undefined) return 'a bit alias';
      return sym.scalar ? 'a bit' : 'a bit register';
    case 'input':
      return 'an input parameter';
    case 'gate':
      return 'a gate';
    case 'var':
      return sym.constant ? `a constant ${sym.type}` : `a classical ${sym.type} variable`;
  }
}
