import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STANDARD_GATES, type Circuit, type ClassicalRegister, type Expr, type ExprFunction, type Op } from '../../../src/circuit/ir.js';
import { QrunError } from '../../../src/errors.js';
import { normalize } from '../../../src/qasm/expr.js';
import { parseQasm, printQasm3 } from '../../../src/qasm/index.js';

const CORPUS = [
  `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
gate g(a) x, y { rz(a / 2) x; cx x, y; inv @ s y; }
bit[2] meas;
qubit[2] q;
h q[0];
g(theta) q[0], q[1];
barrier q[0], q[1];
meas[0] = measure q[0];
if (meas == 1) { x q[0]; } else { delay[1.5us] q; }
meas[1] = measure q[1];
`,
  `OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
rz(-pi/2) $3;
sx $3;
ecr $3, $0;
pow(2) @ t $0;
ctrl @ rx(0.5) $0, $3;
c[0] = measure $0;
if (!c[0]) reset $3;
delay[100dt] $0;
`,
  `OPENQASM 2.0;
include "qelib1.inc";
gate bell a,b { h a; cx a,b; }
qreg q[4];
creg c[4];
bell q[0],q[1];
u3(pi/2, 0, 2^2) q[2];
c3x q[0],q[1],q[2],q[3];
measure q -> c;
if(c==5) x q[0];
`,
];

const TOKENS = [
  'OPENQASM', '3.0', '2.0', ';', 'include', '"stdgates.inc"', 'qubit', 'bit', '[', ']', '2', '0', 'q', 'c', '$0', '$1',
  'h', 'cx', 'rz', '(', ')', 'pi', '-', '+', '*', '/', '**', ',', '{', '}', 'gate', 'g', 'a', 'measure', '->', '=', 'if',
  'else', '==', '!', 'barrier', 'reset', 'delay', '100dt', 'input', 'float', '[64]', 'theta', 'inv', 'ctrl', 'pow', '@',
  '/*', '*/', '//', '\n', 'qreg', 'creg', 'U', 'CX', '"', 'sin', '1e-3', '.5', 'π',
];

/** Parses and returns nothing; anything thrown must be one of the parser's own QrunErrors. */
function parsesOrFailsCleanly(source: string): void {
  const started = Date.now();
  try {
    parseQasm(source);
  } catch (error) {
    expect(error).toBeInstanceOf(QrunError);
    expect(['QASM_SYNTAX', 'QASM_SEMANTIC', 'QASM_UNSUPPORTED', 'CIRCUIT_TOO_LARGE']).toContain((error as QrunError).code);
    expect((error as QrunError).message).toMatch(/^\d+:\d+: /);
  }
  expect(Date.now() - started).toBeLessThan(2000);
}

/** A valid program with random slices deleted, duplicated, or replaced by random tokens. */
const mutated = fc
  .tuple(
    fc.constantFrom(...CORPUS),
    fc.array(fc.tuple(fc.nat(), fc.nat(40), fc.constantFrom('delete', 'duplicate', 'insert'), fc.constantFrom(...TOKENS)), {
      minLength: 1,
      maxLength: 5,
    }),
  )
  .map(([program, edits]) =>
    edits.reduce((src, [at, len, kind, token]) => {
      const i = at % (src.length + 1);
      const slice = src.slice(i, i + len);
      if (kind === 'delete') return src.slice(0, i) + src.slice(i + len);
      if (kind === 'duplicate') return src.slice(0, i) + slice + slice + src.slice(i + len);
      return `${src.slice(0, i)} ${token} ${src.slice(i)}`;
    }, program),
  );

describe('parseQasm on arbitrary input', () => {
  it('the corpus itself parses', () => {
    for (const program of CORPUS) expect(() => parseQasm(program)).not.toThrow();
  });

  it('only ever throws its own QrunError and terminates on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), parsesOrFailsCleanly), { numRuns: 500 });
  });

  it('... on token soup', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((t) => t.join(' '));
    fc.assert(fc.property(soup, parsesOrFailsCleanly), { numRuns: 1000 });
  });

  it('... on mutated valid programs', () => {
    fc.assert(fc.property(mutated, parsesOrFailsCleanly), { numRuns: 1000 });
  });

  it('refuses programs that expand exponentially instead of hanging', () => {
    const defs = Array.from({ length: 40 }, (_, i) => `gate g${i + 1} a { g${i} a; g${i} a; }`).join('\n');
    const source = `OPENQASM 3.0;\ninclude "stdgates.inc";\ngate g0 a { h a; }\n${defs}\nqubit q;\ng40 q;\n`;
    expect(() => parseQasm(source)).toThrow(expect.objectContaining({ code: 'CIRCUIT_TOO_LARGE' }));
    const wide = 'OPENQASM 3.0;\ngate r(x) a { rz(x + x) a; }\n' +
      Array.from({ length: 30 }, (_, i) => `gate r${i + 1}(x) a { ${i === 0 ? 'r' : `r${i}`}(x * x + x) a; }`).join('\n') +
      '\ninput float[64] t;\nqubit q;\nr30(t) q;\n';
    expect(() => parseQasm(wide)).toThrow(expect.objectContaining({ code: 'CIRCUIT_TOO_LARGE' }));
  });
});

// ---- round trip: random IR → printQasm3 → parseQasm ------------------------------------------------

const NAMES = ['theta', 'phi', 'λ', 'gamma_1', 'β', 'c', 'meas', 'cr', 'flags', 'ß'];
const FUNCTION_NAMES: ExprFunction[] = ['sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'exp', 'ln', 'sqrt'];
const GATE_NAMES = Object.keys(STANDARD_GATES) as (keyof typeof STANDARD_GATES)[];

function exprArb(params: readonly string[]): fc.Arbitrary<Expr> {
  const leaf: fc.Arbitrary<Expr> = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((value): Expr => ({ kind: 'num', value })),
    fc.integer({ min: -10, max: 10 }).map((value): Expr => ({ kind: 'num', value })),
    ...(params.length === 0 ? [] : [fc.constantFrom(...params).map((name): Expr => ({ kind: 'param', name }))]),
  );
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      tie('expr').map((arg): Expr => ({ kind: 'neg', arg })),
      fc
        .tuple(fc.constantFrom('+', '-', '*', '/', '**' as const), tie('expr'), tie('expr'))
        .map(([op, left, right]): Expr => ({ kind: 'bin', op, left, right })),
      fc.tuple(fc.constantFrom(...FUNCTION_NAMES), tie('expr')).map(([fn, arg]): Expr => ({ kind: 'call', fn, arg })),
    ),
  }));
  return expr;
}

function opsArb(numQubits: number, registers: readonly ClassicalRegister[], params: readonly string[], depth: number): fc.Arbitrary<Op[]> {
  const numClbits = registers.reduce((n, r) => n + r.size, 0);
  const qubit = fc.nat(numQubits - 1);
  const qubitSet = fc.uniqueArray(qubit, { minLength: 1, maxLength: numQubits });
  const usable = GATE_NAMES.filter((g) => STANDARD_GATES[g].qubits <= numQubits);
  const gateOp = fc.constantFrom(...usable).chain((name) => {
    const spec = STANDARD_GATES[name];
    return fc
      .tuple(
        fc.uniqueArray(qubit, { minLength: spec.qubits, maxLength: spec.qubits }),
        fc.array(exprArb(params), { minLength: spec.params, maxLength: spec.params }),
      )
      .map(([qubits, ps]): Op => ({ kind: 'gate', name, qubits, params: ps }));
  });
  const arbs: fc.Arbitrary<Op>[] = [
    gateOp,
    qubit.map((q): Op => ({ kind: 'reset', qubit: q })),
    qubitSet.map((qubits): Op => ({ kind: 'barrier', qubits })),
    fc
      .tuple(qubitSet, fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom('dt', 's', 'ms', 'us', 'ns' as const))
      .map(([qubits, value, unit]): Op => ({ kind: 'delay', qubits, duration: { value: value === 0 ? 0 : value, unit } })),
  ];
  if (numClbits > 0) {
    arbs.push(fc.tuple(qubit, fc.nat(numClbits - 1)).map(([q, b]): Op => ({ kind: 'measure', qubit: q, clbit: b })));
    if (depth > 0) {
      const body = opsArb(numQubits, registers, params, depth - 1);
      const wholeRegister = fc.constantFrom(...registers).chain((r) =>
        fc.nat(2 ** r.size - 1).map((value) => ({ clbits: Array.from({ length: r.size }, (_, i) => r.offset + i), value })),
      );
      const singleBit = fc.tuple(fc.nat(numClbits - 1), fc.nat(1)).map(([b, value]) => ({ clbits: [b], value }));
      arbs.push(
        fc.tuple(fc.oneof(wholeRegister, singleBit), body, body).map(([condition, then, otherwise]): Op => ({
          kind: 'if',
          condition,
          then,
          else: otherwise,
        })),
      );
    }
  }
  return fc.array(fc.oneof(...arbs), { maxLength: 12 });
}

const circuitArb: fc.Arbitrary<Circuit> = fc
  .record({
    numQubits: fc.integer({ min: 1, max: 5 }),
    names: fc.shuffledSubarray(NAMES),
    numParams: fc.nat(3),
    sizes: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
    physical: fc.option(fc.uniqueArray(fc.nat(200), { minLength: 5, maxLength: 5 })),
  })
  .chain(({ numQubits, names, numParams, sizes, physical }) => {
    const params = names.slice(0, Math.min(numParams, names.length));
    const regNames = names.slice(params.length);
    const registers: ClassicalRegister[] = [];
    let offset = 0;
    sizes.slice(0, regNames.length).forEach((size, i) => {
      registers.push({ name: regNames[i] ?? 'c', size, offset });
      offset += size;
    });
    const physicalQubits = physical === null ? null : physical.slice(0, numQubits).sort((a, b) => a - b);
    return opsArb(numQubits, registers, params, 2).map((ops): Circuit => ({
      numQubits,
      numClbits: offset,
      clbitRegisters: registers,
      parameters: params,
      physicalQubits,
      // With $k qubits only the used ones survive a round trip, so make sure every one is used.
      ops: physicalQubits === null ? ops : [...ops, { kind: 'barrier', qubits: Array.from({ length: numQubits }, (_, i) => i) }],
    }));
  });

function normalizeOps(ops: readonly Op[]): Op[] {
  return ops.map((op): Op => {
    if (op.kind === 'gate') return { ...op, params: op.params.map(normalize) };
    if (op.kind === 'if') return { ...op, then: normalizeOps(op.then), else: normalizeOps(op.else) };
    return op;
  });
}

describe('printQasm3 → parseQasm', () => {
  it('round-trips random circuits (constant sub-expressions fold)', () => {
    fc.assert(
      fc.property(circuitArb, (circuit) => {
        const text = printQasm3(circuit);
        const back = parseQasm(text);
        expect(back).toEqual({ ...circuit, ops: normalizeOps(circuit.ops) });
        expect(printQasm3(back)).toBe(printQasm3({ ...circuit, ops: normalizeOps(circuit.ops) }));
      }),
      { numRuns: 300 },
    );
  });

  it('prints definitions for standard gates outside stdgates.inc', () => {
    const text = printQasm3({
      numQubits: 2,
      numClbits: 0,
      clbitRegisters: [],
      parameters: [],
      physicalQubits: null,
      ops: [{ kind: 'gate', name: 'ecr', qubits: [0, 1], params: [] }],
    });
    expect(text).toContain('gate rzx(theta) a, b {');
    expect(text.indexOf('gate rzx')).toBeLessThan(text.indexOf('gate ecr'));
    expect(parseQasm(text).ops).toEqual([{ kind: 'gate', name: 'ecr', qubits: [0, 1], params: [] }]);
  });
});
