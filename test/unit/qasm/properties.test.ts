import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STANDARD_GATES, type Circuit, type ClassicalRegister, type Expr, type ExprFunction, type Op } from '../../../src/circuit/ir.js';
import { QrunError } from '../../../src/errors.js';
import { normalize } from '../../../src/qasm/expr.js';
import { parseQasm, printQasm3 } from '../../../src/qasm/index.js';
import { binaryString, CORPUS, mutated, tokenSoup } from './arbitrary.js';

/** Parses and returns nothing; anything thrown must be one of the parser's own QrunErrors. */
function parsesOrFailsCleanly(source: string): void {
  try {
    parseQasm(source);
  } catch (error) {
    expect(error).toBeInstanceOf(QrunError);
    expect(['QASM_SYNTAX', 'QASM_SEMANTIC', 'QASM_UNSUPPORTED', 'CIRCUIT_TOO_LARGE']).toContain((error as QrunError).code);
    expect((error as QrunError).message).toMatch(/^\d+:\d+: /);
  }
}

describe('parseQasm on arbitrary input', () => {
  it('the corpus itself parses', () => {
    for (const program of CORPUS) expect(() => parseQasm(program)).not.toThrow();
  });

  it('only ever throws its own QrunError and terminates on arbitrary strings', () => {
    fc.assert(fc.property(binaryString, parsesOrFailsCleanly), { numRuns: 500 });
  });

  it('... on token soup', () => {
    fc.assert(fc.property(tokenSoup, parsesOrFailsCleanly), { numRuns: 1000 });
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
