/**
 * Recursive-descent parser for the OpenQASM 3 subset Qiskit emits (gates, modifiers, if/else, for,
 * while, switch, classical values, aliases) and for OpenQASM 2. Both versions
 * share one grammar; the version only decides which words are keywords (an OpenQASM 2 program may
 * name a register `bit`) and whether `^` means power.
 */
import type {
  BarrierNode,
  ClassicalType,
  ExprNode,
  GateCallNode,
  LoopSetNode,
  ModifierNode,
  OperandNode,
  ProgramNode,
  StatementNode,
  SwitchCaseNode,
} from './ast.js';
import { Cursor } from './cursor.js';
import { tokenize, type Token } from './lexer.js';
import { parseExpr, parseIndex, parseSetItems } from './parse-expr.js';

/** OpenQASM 3 words that start statements this project does not support, with what to say about them. */
const UNSUPPORTED_V3: Readonly<Record<string, string>> = {
  def: "subroutines ('def') are not supported",
  defcal: "pulse calibrations ('defcal') are not supported",
  cal: "pulse calibrations ('cal') are not supported",
  defcalgrammar: "pulse calibrations ('defcalgrammar') are not supported",
  box: "'box' is not supported",
  extern: "'extern' functions are not supported",
  return: "'return' is not supported outside subroutines",
  end: "'end' is not supported",
  output: "'output' declarations are not supported",
};

/** Classical types whose variables hold one number (or truth value) this project can track. */
const VALUE_TYPES = new Set<ClassicalType>(['int', 'uint', 'float', 'angle', 'bool']);
/** Classical types declaring variables of which is out of scope. */
const OTHER_TYPES = new Set(['complex', 'duration', 'stretch', 'array']);

const MODIFIERS = new Set(['inv', 'pow', 'ctrl', 'negctrl']);

interface Context {
  readonly top: boolean;
  readonly inGate: boolean;
}

export function parseProgram(source: string): ProgramNode {
  const tokens = tokenize(source);
  const version = readVersion(source, tokens);
  const cur = new Cursor(source, tokens, version);
  if (cur.isWord('OPENQASM')) {
    cur.next();
    cur.next();
    cur.expectPunct(';', 'after the OPENQASM version');
  }
  const statements: StatementNode[] = [];
  while (cur.peek().kind !== 'eof') statements.push(parseStatement(cur, { top: true, inGate: false }));
  return { version, statements };
}

/** The header is optional in OpenQASM 3; without one the program is read as OpenQASM 3. */
function readVersion(source: string, tokens: readonly Token[]): 2 | 3 {
  const first = tokens[0];
  if (first === undefined || first.kind !== 'ident' || first.text !== 'OPENQASM') return 3;
  const cur = new Cursor(source, tokens, 3);
  cur.next();
  const tok = cur.peek();
  if (tok.kind !== 'int' && tok.kind !== 'float') cur.fail('a version number after OPENQASM (2.0 or 3.0)');
  if (tok.value === 3) return 3;
  if (tok.value === 2) return 2;
  throw cur.error('QASM_UNSUPPORTED', `OpenQASM version ${tok.text} is not supported; expected 2.0 or 3.0`, tok.pos);
}

function parseStatement(cur: Cursor, ctx: Context): StatementNode {
  const tok = cur.peek();
  if (tok.kind === 'punct' && tok.text === '@' && cur.version === 3) {
    throw cur.error('QASM_UNSUPPORTED', 'annotations (@...) are not supported', tok.pos);
  }
  if (tok.kind === 'pragma') {
    cur.next();
    return { kind: 'pragma', text: tok.text, pos: tok.pos };
  }
  if (tok.kind === 'punct' && tok.text === '{' && cur.version === 3 && !ctx.inGate) {
    return { kind: 'block', body: parseBranch(cur), pos: tok.pos };
  }
  if (tok.kind !== 'ident') return cur.fail('a statement');
  const word = tok.text;
  const v3 = cur.version === 3;

  const onlyTop = (what: string): void => {
    if (!ctx.top) {
      throw cur.error(
        ctx.inGate ? 'QASM_SEMANTIC' : 'QASM_UNSUPPORTED',
        `${what} ${ctx.inGate ? 'is not allowed inside a gate definition' : 'is only supported at the top level'}`,
        tok.pos,
      );
    }
  };
  const notInGate = (what: string): void => {
    if (ctx.inGate) throw cur.error('QASM_SEMANTIC', `${what} is not allowed inside a gate definition`, tok.pos);
  };

  switch (word) {
    case 'OPENQASM':
      throw cur.error('QASM_SYNTAX', 'the OPENQASM version line must be the first statement', tok.pos);
    case 'include': {
      onlyTop("'include'");
      cur.next();
      const path = cur.peek();
      if (path.kind !== 'string') cur.fail('a file name in quotes after include');
      cur.next();
      cur.expectPunct(';', 'after the include file name');
      return { kind: 'include', path: path.text, pos: tok.pos };
    }
    case 'qreg':
    case 'creg': {
      onlyTop(`'${word}' declaration`);
      cur.next();
      const name = cur.expectIdent('a register name');
      cur.expectPunct('[', `after the register name (${word} name[size];)`);
      const sizeTok = cur.expectInt('a register size');
      cur.expectPunct(']', 'after the register size');
      cur.expectPunct(';', 'after the declaration');
      const size: ExprNode = { kind: 'num', value: sizeTok.value, pos: sizeTok.pos };
      return word === 'qreg'
        ? { kind: 'qubits', name: name.text, size, pos: name.pos }
        : { kind: 'bits', name: name.text, size, measure: null, pos: name.pos };
    }
    case 'gate':
      onlyTop('a gate definition');
      return parseGateDef(cur);
    case 'opaque':
      throw cur.error('QASM_UNSUPPORTED', "opaque gates are not supported: a gate needs a body or a standard name", tok.pos);
    case 'measure': {
      notInGate("'measure'");
      cur.next();
      const source = parseOperand(cur);
      if (!cur.isPunct('->')) {
        if (cur.isPunct(';') && v3) {
          throw cur.error('QASM_UNSUPPORTED', 'a measurement must store its result: write c = measure q; or measure q -> c;', tok.pos);
        }
        cur.fail("'->' and a target bit after measure");
      }
      cur.next();
      const target = parseOperand(cur);
      cur.expectPunct(';', 'after the measurement');
      return { kind: 'measure', source, target, pos: tok.pos };
    }
    case 'reset': {
      notInGate("'reset'");
      cur.next();
      const operands = parseOperands(cur, 'a qubit to reset');
      cur.expectPunct(';', 'after reset');
      return { kind: 'reset', operands, pos: tok.pos };
    }
    case 'barrier':
      return parseBarrier(cur);
    case 'if':
      notInGate("'if'");
      return parseIf(cur);
  }

  if (v3) {
    const unsupported = UNSUPPORTED_V3[word];
    if (unsupported !== undefined) throw cur.error('QASM_UNSUPPORTED', unsupported, tok.pos);
    if (OTHER_TYPES.has(word)) {
      throw cur.error(
        'QASM_UNSUPPORTED',
        `classical declarations of type '${word}' are not supported; int, uint, float, angle and bool are`,
        tok.pos,
      );
    }
    if (word === 'const' || VALUE_TYPES.has(word as ClassicalType)) {
      notInGate('a classical declaration');
      return parseClassical(cur);
    }
    switch (word) {
      case 'qubit': {
        onlyTop('a qubit declaration');
        cur.next();
        const size = parseDesignator(cur);
        const name = cur.expectIdent('a qubit register name');
        cur.expectPunct(';', 'after the declaration');
        return { kind: 'qubits', name: name.text, size, pos: name.pos };
      }
      case 'bit': {
        onlyTop('a bit declaration');
        cur.next();
        const size = parseDesignator(cur);
        const name = cur.expectIdent('a bit register name');
        let measure: OperandNode | null = null;
        if (cur.acceptPunct('=')) {
          if (!cur.isWord('measure')) {
            throw cur.error('QASM_UNSUPPORTED', 'a bit can only be initialised from a measurement', cur.peek().pos);
          }
          cur.next();
          measure = parseOperand(cur);
        }
        cur.expectPunct(';', 'after the declaration');
        return { kind: 'bits', name: name.text, size, measure, pos: name.pos };
      }
      case 'input':
        onlyTop('an input declaration');
        return parseInput(cur);
      case 'let': {
        notInGate('an alias');
        cur.next();
        const name = cur.expectIdent('an alias name after let');
        cur.expectPunct('=', 'after the alias name (let a = q[0:2];)');
        const parts = [parseOperand(cur)];
        while (cur.acceptPunct('++')) parts.push(parseOperand(cur));
        cur.expectPunct(';', 'after the alias');
        return { kind: 'alias', name: name.text, parts, pos: name.pos };
      }
      case 'for':
        notInGate("'for'");
        return parseFor(cur);
      case 'while': {
        notInGate("'while'");
        cur.next();
        cur.expectPunct('(', 'after while');
        const condition = parseExpr(cur);
        cur.expectPunct(')', 'to close the while condition');
        return { kind: 'while', condition, body: parseBranch(cur), pos: tok.pos };
      }
      case 'switch':
        notInGate("'switch'");
        return parseSwitch(cur);
      case 'break':
      case 'continue':
        notInGate(`'${word}'`);
        cur.next();
        cur.expectPunct(';', `after ${word}`);
        return { kind: word, pos: tok.pos };
      case 'delay': {
        notInGate("'delay'");
        cur.next();
        cur.expectPunct('[', 'after delay (delay[100dt] q;)');
        const d = cur.peek();
        if (d.kind !== 'duration' || d.unit === null) {
          if (d.kind === 'ident') throw cur.error('QASM_UNSUPPORTED', 'delays with a variable duration are not supported', d.pos);
          cur.fail('a duration such as 100dt or 1.5us');
        }
        cur.next();
        cur.expectPunct(']', 'after the duration');
        const operands = cur.isPunct(';') ? [] : parseOperands(cur, 'a qubit');
        cur.expectPunct(';', 'after delay');
        return { kind: 'delay', duration: { value: d.value, unit: d.unit }, operands, pos: tok.pos };
      }
    }
  }

  // An identifier followed by `=` or `[` is an assignment: of a measurement to bits, or of a value
  // to a classical variable.
  if (cur.isPunct('[', 1) || cur.isPunct('=', 1)) {
    notInGate('an assignment');
    return parseAssignment(cur);
  }
  const next = cur.peek(1);
  if (next.kind === 'punct' && next.text.length > 1 && next.text.endsWith('=') && !['==', '!=', '<=', '>='].includes(next.text)) {
    notInGate('an assignment');
    if (!v3) throw cur.error('QASM_UNSUPPORTED', `classical assignment ('${next.text}') is not supported`, next.pos);
    cur.next();
    cur.next();
    const value = parseExpr(cur);
    cur.expectPunct(';', 'after the assignment');
    return { kind: 'assign', name: word, op: next.text, value, pos: tok.pos };
  }
  return parseGateCall(cur);
}

/** `[size]` after qubit/bit, or nothing (a single qubit or bit). */
function parseDesignator(cur: Cursor): ExprNode | null {
  if (!cur.acceptPunct('[')) return null;
  const size = parseExpr(cur);
  cur.expectPunct(']', 'after the register size');
  return size;
}

/** `[const] int[32] name [= value];` */
function parseClassical(cur: Cursor): StatementNode {
  const first = cur.peek();
  const constant = cur.isWord('const');
  if (constant) cur.next();
  const typeTok = cur.expectIdent('a type (int, uint, float, angle or bool)');
  if (!VALUE_TYPES.has(typeTok.text as ClassicalType)) {
    throw cur.error('QASM_UNSUPPORTED', `classical declarations of type '${typeTok.text}' are not supported; int, uint, float, angle and bool are`, typeTok.pos);
  }
  // The width changes nothing for the values this project tracks (integers below 2^53, doubles).
  if (cur.acceptPunct('[')) {
    parseExpr(cur);
    cur.expectPunct(']', 'after the type width');
  }
  const name = cur.expectIdent('a variable name');
  let init: ExprNode | null = null;
  if (cur.acceptPunct('=')) {
    if (cur.isWord('measure')) {
      throw cur.error('QASM_UNSUPPORTED', `a measurement can only be stored in bits, not in ${typeTok.text} '${name.text}'`, cur.peek().pos);
    }
    init = parseExpr(cur);
  } else if (constant) {
    cur.fail(`'=' and a value for the constant ${name.text}`);
  }
  cur.expectPunct(';', 'after the declaration');
  return { kind: 'classical', type: typeTok.text as ClassicalType, constant, name: name.text, init, pos: constant ? first.pos : name.pos };
}

/** `for int i in [0:2] {...}`, `for uint i in {1, 4} {...}`; the type may be left out, as older programs do. */
function parseFor(cur: Cursor): StatementNode {
  const kw = cur.next();
  let type: ClassicalType | null = null;
  if (cur.peek().kind === 'ident' && !cur.isWord('in', 1) && VALUE_TYPES.has(cur.peek().text as ClassicalType)) {
    type = cur.next().text as ClassicalType;
    if (cur.acceptPunct('[')) {
      parseExpr(cur);
      cur.expectPunct(']', 'after the type width');
    }
  }
  const variable = cur.expectIdent('a loop variable name');
  if (!cur.isWord('in')) cur.fail("'in' after the loop variable (for int i in [0:3] { ... })");
  cur.next();
  const start = cur.peek();
  let set: LoopSetNode;
  if (cur.isPunct('[')) {
    const index = parseIndex(cur);
    if (index.kind !== 'range') throw cur.error('QASM_SYNTAX', 'a loop range needs a colon: [start:end] or [start:step:end]', start.pos);
    set = { kind: 'range', start: index.start, step: index.step, end: index.end, pos: start.pos };
  } else if (cur.isPunct('{')) {
    set = { kind: 'set', items: parseSetItems(cur), pos: start.pos };
  } else {
    set = { kind: 'expr', value: parseExpr(cur), pos: start.pos };
  }
  return { kind: 'for', type, variable: variable.text, set, body: parseBranch(cur), pos: kw.pos };
}

/** `switch (x) { case 0 { ... } case 1, 2 { ... } default { ... } }` */
function parseSwitch(cur: Cursor): StatementNode {
  const kw = cur.next();
  cur.expectPunct('(', 'after switch');
  const target = parseExpr(cur);
  cur.expectPunct(')', 'to close the switch target');
  cur.expectPunct('{', 'to open the switch body');
  const cases: SwitchCaseNode[] = [];
  while (!cur.isPunct('}')) {
    const tok = cur.peek();
    if (cur.isWord('default')) {
      cur.next();
      if (cases.some((c) => c.values.length === 0)) throw cur.error('QASM_SEMANTIC', 'a switch has at most one default', tok.pos);
      cases.push({ values: [], body: parseCaseBody(cur), pos: tok.pos });
    } else if (cur.isWord('case')) {
      cur.next();
      const values: ExprNode[] = [];
      do values.push(parseExpr(cur));
      while (cur.acceptPunct(','));
      cases.push({ values, body: parseCaseBody(cur), pos: tok.pos });
    } else {
      cur.fail("'case', 'default' or '}' in the switch body");
    }
  }
  cur.next();
  if (cases.length === 0) throw cur.error('QASM_SEMANTIC', 'a switch needs at least one case', kw.pos);
  return { kind: 'switch', target, cases, pos: kw.pos };
}

function parseCaseBody(cur: Cursor): StatementNode[] {
  if (!cur.isPunct('{')) cur.fail("'{' to open the case body");
  return parseBranch(cur);
}

function parseInput(cur: Cursor): StatementNode {
  cur.next();
  const type = cur.expectIdent('a type after input (input float[64] name;)');
  if (type.text !== 'float' && type.text !== 'angle') {
    throw cur.error('QASM_UNSUPPORTED', `inputs of type '${type.text}' are not supported; use input float[64]`, type.pos);
  }
  parseDesignator(cur);
  const name = cur.expectIdent('a parameter name');
  cur.expectPunct(';', 'after the input declaration');
  return { kind: 'input', name: name.text, pos: name.pos };
}

function parseGateDef(cur: Cursor): StatementNode {
  const kw = cur.next();
  const name = cur.expectIdent('a gate name after gate');
  const params: { name: string; pos: Token['pos'] }[] = [];
  if (cur.acceptPunct('(')) {
    if (!cur.isPunct(')')) {
      do {
        const p = cur.expectIdent('a parameter name');
        params.push({ name: p.text, pos: p.pos });
      } while (cur.acceptPunct(','));
    }
    cur.expectPunct(')', 'to close the parameter list');
  }
  const qubits: { name: string; pos: Token['pos'] }[] = [];
  do {
    const q = cur.expectIdent('a qubit argument name');
    qubits.push({ name: q.text, pos: q.pos });
  } while (cur.acceptPunct(','));
  cur.expectPunct('{', 'to open the gate body');
  const body: (GateCallNode | BarrierNode)[] = [];
  while (!cur.isPunct('}')) {
    if (cur.peek().kind === 'eof') cur.fail(`'}' to close the body of gate ${name.text}`);
    const stmt = parseStatement(cur, { top: false, inGate: true });
    if (stmt.kind !== 'call' && stmt.kind !== 'barrier') {
      throw cur.error('QASM_SEMANTIC', `'${stmt.kind}' is not allowed inside a gate definition`, stmt.pos);
    }
    body.push(stmt);
  }
  cur.next();
  return { kind: 'gatedef', name: name.text, params, qubits, body, pos: kw.pos };
}

function parseGateCall(cur: Cursor): GateCallNode {
  const start = cur.peek();
  const modifiers: ModifierNode[] = [];
  while (cur.version === 3 && cur.peek().kind === 'ident' && MODIFIERS.has(cur.peek().text) && (cur.isPunct('@', 1) || cur.isPunct('(', 1))) {
    modifiers.push(parseModifier(cur));
  }
  const name = cur.expectIdent(modifiers.length > 0 ? "a gate name after '@'" : 'a statement');
  const args = [];
  if (cur.acceptPunct('(')) {
    if (!cur.isPunct(')')) {
      do args.push(parseExpr(cur));
      while (cur.acceptPunct(','));
    }
    cur.expectPunct(')', `to close the parameters of ${name.text}`);
  }
  const operands = cur.isPunct(';') ? [] : parseOperands(cur, `a qubit operand for ${name.text}`);
  cur.expectPunct(';', `after the ${name.text} gate`);
  return { kind: 'call', modifiers, name: name.text, args, operands, pos: start.pos };
}

function parseModifier(cur: Cursor): ModifierNode {
  const tok = cur.next();
  let modifier: ModifierNode;
  switch (tok.text) {
    case 'inv':
      modifier = { kind: 'inv', pos: tok.pos };
      break;
    case 'pow': {
      cur.expectPunct('(', 'after pow');
      const exponent = parseExpr(cur);
      cur.expectPunct(')', 'after the exponent');
      modifier = { kind: 'pow', exponent, pos: tok.pos };
      break;
    }
    default: {
      let count: ExprNode | null = null;
      if (cur.acceptPunct('(')) {
        count = parseExpr(cur);
        cur.expectPunct(')', 'after the control count');
      }
      modifier = { kind: tok.text === 'ctrl' ? 'ctrl' : 'negctrl', count, pos: tok.pos };
    }
  }
  cur.expectPunct('@', `after the '${tok.text}' modifier`);
  return modifier;
}

function parseBarrier(cur: Cursor): BarrierNode {
  const tok = cur.next();
  const operands = cur.isPunct(';') ? [] : parseOperands(cur, 'a qubit');
  cur.expectPunct(';', 'after barrier');
  return { kind: 'barrier', operands, pos: tok.pos };
}

/** `c[0] = measure q[0];`, `c = measure q;`, and `x = expr;` for a classical variable. */
function parseAssignment(cur: Cursor): StatementNode {
  const target = parseOperand(cur);
  const eq = cur.peek();
  if (eq.kind === 'punct' && eq.text !== '=' && eq.text.endsWith('=') && eq.text !== '==') {
    throw cur.error('QASM_UNSUPPORTED', `classical assignment ('${eq.text}') is not supported here`, eq.pos);
  }
  cur.expectPunct('=', 'in the assignment (c[0] = measure q[0];)');
  if (!cur.isWord('measure')) {
    if (cur.version === 2 || target.kind !== 'ref' || target.index !== null) {
      throw cur.error('QASM_UNSUPPORTED', 'classical assignment is not supported here; only c = measure q; and x = value; for a classical variable x are', cur.peek().pos);
    }
    const value = parseExpr(cur);
    cur.expectPunct(';', 'after the assignment');
    return { kind: 'assign', name: target.name, op: '=', value, pos: target.pos };
  }
  const kw = cur.next();
  const source = parseOperand(cur);
  cur.expectPunct(';', 'after the measurement');
  return { kind: 'measure', source, target, pos: kw.pos };
}

function parseIf(cur: Cursor): StatementNode {
  const kw = cur.next();
  cur.expectPunct('(', 'after if');
  const condition = parseExpr(cur);
  cur.expectPunct(')', 'to close the if condition');
  const then = parseBranch(cur);
  let otherwise: StatementNode[] = [];
  if (cur.isWord('else') && cur.version === 3) {
    cur.next();
    otherwise = parseBranch(cur);
  }
  return { kind: 'if', condition, then, else: otherwise, pos: kw.pos };
}

/** A body: `{ ... }` or a single statement. */
function parseBranch(cur: Cursor): StatementNode[] {
  const pos = cur.peek().pos;
  return cur.nested(pos, () => {
    const ctx: Context = { top: false, inGate: false };
    if (!cur.acceptPunct('{')) return [parseStatement(cur, ctx)];
    const body: StatementNode[] = [];
    while (!cur.isPunct('}')) {
      if (cur.peek().kind === 'eof') cur.fail("'}' to close the block");
      body.push(parseStatement(cur, ctx));
    }
    cur.next();
    return body;
  });
}

function parseOperands(cur: Cursor, what: string): OperandNode[] {
  const operands: OperandNode[] = [];
  do operands.push(parseOperand(cur, what));
  while (cur.acceptPunct(','));
  return operands;
}

function parseOperand(cur: Cursor, what = 'a qubit or bit (q, q[0] or $0)'): OperandNode {
  const tok = cur.peek();
  if (tok.kind === 'physical') {
    cur.next();
    if (!Number.isSafeInteger(tok.value)) throw cur.error('QASM_SEMANTIC', `physical qubit ${tok.text} is out of range`, tok.pos);
    return { kind: 'physical', index: tok.value, pos: tok.pos };
  }
  if (tok.kind !== 'ident') cur.fail(what);
  cur.next();
  const index = cur.isPunct('[') ? parseIndex(cur) : null;
  return { kind: 'ref', name: tok.text, index, pos: tok.pos };
}
