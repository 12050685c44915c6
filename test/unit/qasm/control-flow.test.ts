/**
 * Classical control in OpenQASM 3: for, while, switch, conditions with && || ! ^, const, classical
 * variables, let aliases and pragmas. Each construct is checked against its meaning: a loop against
 * the unrolled program, a switch against the ifs it stands for, a loop on measured bits by running it.
 */
import { describe, expect, it } from 'vitest';
import type { Circuit, Op } from '../../../src/circuit/ir.js';
import { QrunError } from '../../../src/errors.js';
import { parseSamplerParams } from '../../../src/primitives/payload.js';
import { SamplerPubResult } from '../../../src/primitives/results.js';
import { runSampler } from '../../../src/primitives/run.js';
import { parseQasm } from '../../../src/qasm/index.js';
import { parseProgram } from '../../../src/qasm/parser.js';
import { expectQasmError } from './helpers.js';

const HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';
const ops = (body: string): readonly Op[] => parseQasm(`${HEAD}${body}`).ops;
const ENGINES = [
  ['ts', '0'],
  ['native', '1'],
] as const;

async function counts(body: string, native: string, shots = 2000): Promise<Record<string, number>> {
  const outcome = await runSampler(parseSamplerParams({ version: 2, pubs: [[`${HEAD}${body}`, null, shots]] }), { seed: 7, env: { QRUN_NATIVE: native } });
  return new SamplerPubResult(outcome.pubs[0]!).getCounts();
}

async function runError(body: string, native: string): Promise<QrunError> {
  try {
    await counts(body, native, 10);
  } catch (error) {
    if (error instanceof QrunError) return error;
    throw error;
  }
  throw new Error('expected the run to fail');
}

describe('for loops unroll into the circuit they stand for', () => {
  it('over a range, with the loop variable in angles and indices (Qiskit: for int _loop_i_0 in [0:2])', () => {
    expect(ops('qubit[3] q;\nfor int i in [0:2] {\n  x q[i];\n  rx(0.5*i) q[2 - i];\n}\n')).toEqual(
      ops('qubit[3] q;\nx q[0];\nrx(0) q[2];\nx q[1];\nrx(0.5) q[1];\nx q[2];\nrx(1.0) q[0];\n'),
    );
  });

  it('over a range with a step (inclusive end not reached), a negative step, and a set', () => {
    expect(ops('qubit q;\nfor int _ in [0:2:5] { h q; }\n')).toEqual(ops('qubit q;\nh q;\nh q;\nh q;\n'));
    expect(ops('qubit[3] q;\nfor uint i in [2:-1:0] { x q[i]; }\n')).toEqual(ops('qubit[3] q;\nx q[2];\nx q[1];\nx q[0];\n'));
    expect(ops('qubit q;\nfor int j in {1, 4, 2} { rz(j) q; }\n')).toEqual(ops('qubit q;\nrz(1) q;\nrz(4) q;\nrz(2) q;\n'));
    expect(ops('qubit q;\nfor int j in [3:1] { x q; }\n')).toEqual([]);
  });

  it('k X gates equal the unrolled program, in nested loops that reuse the name _ as Qiskit writes them', () => {
    const looped = ops('qubit[2] q;\nfor int _ in [0:2] {\n  for int _ in [0:1] {\n    x q[0];\n  }\n  cx q[0], q[1];\n}\n');
    expect(looped).toEqual(ops(`qubit[2] q;\n${'x q[0];\nx q[0];\ncx q[0], q[1];\n'.repeat(3)}`));
  });

  it('break and continue decided while unrolling', () => {
    expect(ops('qubit[4] q;\nfor int i in [0:3] {\n  if (i == 1) continue;\n  if (i == 3) break;\n  x q[i];\n}\n')).toEqual(ops('qubit[4] q;\nx q[0];\nx q[2];\n'));
  });

  it('the loop variable stays inside the loop', () => {
    expect(expectQasmError(`${HEAD}qubit q;\nfor int i in [0:1] { x q; }\nrz(i) q;\n`, 'QASM_SEMANTIC', 5, 4).message).toContain("undefined parameter 'i'");
  });
});

describe('const, classical variables and let', () => {
  it('a constant sizes registers and feeds angles and gate bodies', () => {
    const c = parseQasm(`${HEAD}const int n = 3;\nconst float theta = pi / n;\ngate r a { rz(theta) a; }\nqubit[n] q;\nr q[n - 1];\n`);
    expect(c.numQubits).toBe(3);
    expect(c.ops).toEqual([{ kind: 'gate', name: 'rz', qubits: [2], params: [{ kind: 'num', value: Math.PI / 3 }] }]);
  });

  it('a variable counts a while loop known while unrolling', () => {
    expect(ops('qubit[3] q;\nint i = 0;\nwhile (i < 3) {\n  x q[i];\n  i += 1;\n}\n')).toEqual(ops('qubit[3] q;\nx q[0];\nx q[1];\nx q[2];\n'));
  });

  it('let names a slice or a join of registers', () => {
    expect(ops('qubit[3] q;\nqubit r;\nlet a = q[1:2] ++ r;\nx a[0];\nh a;\n')).toEqual(ops('qubit[3] q;\nqubit r;\nx q[1];\nh q[1];\nh q[2];\nh r;\n'));
  });

  it('refuses a constant assigned, a constant without a known value, and arithmetic on measured bits', () => {
    expect(expectQasmError(`${HEAD}const int n = 1;\nn = 2;\n`, 'QASM_SEMANTIC', 4, 1).message).toContain("'n' is a constant");
    expectQasmError(`${HEAD}input float[64] t;\nconst float x = t;\n`, 'QASM_UNSUPPORTED', 4, 17);
    expect(expectQasmError(`${HEAD}bit[2] c;\nint k;\nk = c + 1;\n`, 'QASM_UNSUPPORTED', 5, 5).message).toContain('not compute with them');
  });

  it('refuses a variable whose value depends on a branch taken in a shot', () => {
    const e = expectQasmError(`${HEAD}qubit[2] q;\nbit c;\nint i = 0;\nc = measure q[0];\nif (c) { i = 1; }\nx q[i];\n`, 'QASM_UNSUPPORTED', 8, 5);
    expect(e.message).toContain("'i' changes inside an if decided by measured bits");
  });
});

describe('switch, as qiskit.qasm3.dumps writes it (int switch_dummy = c)', () => {
  it('is the chain of ifs it stands for, with several values per case and a default', () => {
    const viaSwitch = ops(
      'bit[2] c;\nint switch_dummy;\nqubit[2] q;\nswitch_dummy = c;\nswitch (switch_dummy) {\n  case 0 {\n    x q[0];\n  }\n  case 1, 2 {\n    z q[0];\n  }\n  default {\n    y q[0];\n  }\n}\n',
    );
    expect(viaSwitch).toEqual(ops('bit[2] c;\nqubit[2] q;\nif (c == 0) { x q[0]; } else { if (c == 1) { z q[0]; } else { if (c == 2) { z q[0]; } else { y q[0]; } } }\n'));
  });

  it('on a value known now picks its case while unrolling', () => {
    expect(ops('qubit q;\nconst int k = 2;\nswitch (k) { case 1 { x q; } case 2, 3 { h q; } default { y q; } }\n')).toEqual(ops('qubit q;\nh q;\n'));
  });

  it('refuses a copy of bits measured into again before the switch, and a case given twice', () => {
    const stale = expectQasmError(`${HEAD}bit[2] c;\nint s;\nqubit[2] q;\ns = c;\nc = measure q;\nswitch (s) { case 0 { x q[0]; } }\n`, 'QASM_UNSUPPORTED', 8, 9);
    expect(stale.message).toContain("'s' holds a copy of c, which has been measured into again since");
    expectQasmError(`${HEAD}bit c;\nswitch (c) { case 0 { } case 0 { } }\n`, 'QASM_SEMANTIC', 4, 30);
  });
});

describe('conditions combine tests on bits (Qiskit: c[0] == true && !c[1], c[0] & c[1])', () => {
  it('&& and || nest ifs, ! swaps the branches, ^ compares', () => {
    const body = 'bit[2] c;\nqubit q;\n';
    expect(ops(`${body}if (c[0] == true && !c[1]) x q;\n`)).toEqual(ops(`${body}if (c[0] == 1) { if (c[1] == 0) x q; }\n`));
    expect(ops(`${body}if (c[0] & c[1]) x q;\n`)).toEqual(ops(`${body}if (c[0]) { if (c[1]) x q; }\n`));
    expect(ops(`${body}if (c[0] || c[1]) x q; else h q;\n`)).toEqual(ops(`${body}if (c[0]) { x q; } else { if (c[1]) x q; else h q; }\n`));
    expect(ops(`${body}if (c[0] ^ c[1]) x q;\n`)).toEqual(ops(`${body}if (c[0]) { if (c[1]) { } else x q; } else { if (c[1]) x q; }\n`));
  });

  it('a condition known now keeps only its branch', () => {
    expect(ops('qubit q;\nconst bool on = true;\nif (on && 2 > 1) x q; else h q;\n')).toEqual(ops('qubit q;\nx q;\n'));
  });
});

describe('while loops on measured bits run in every shot until the condition fails', () => {
  // Repeat until success: flip a coin until it reads 0, turning q[1] by 0.4 each round. After k
  // rounds (probability 2^-(k+1)) q[1] reads 1 with sin²(0.2k).
  const rus = 'bit[2] c;\nqubit[2] q;\nh q[0];\nc[0] = measure q[0];\nwhile (c[0]) {\n  rx(0.4) q[1];\n  reset q[0];\n  h q[0];\n  c[0] = measure q[0];\n}\nc[1] = measure q[1];\n';
  let p1 = 0;
  for (let k = 0; k < 200; k++) p1 += 2 ** -(k + 1) * Math.sin(0.2 * k) ** 2;

  it.each(ENGINES)('%s engine: the loop always ends with c[0] = 0, and q[1] turned as often as the coin said', async (_label, native) => {
    const shots = 4000;
    const result = await counts(rus, native, shots);
    expect(Object.keys(result).every((k) => k.endsWith('0'))).toBe(true);
    const ones = (result['10'] ?? 0) / shots;
    // Five standard deviations of a binomial proportion.
    expect(Math.abs(ones - p1)).toBeLessThan(5 * Math.sqrt((p1 * (1 - p1)) / shots));
  });

  it.each(ENGINES)('%s engine: a shot still looping after 1000 iterations fails with QASM_LOOP_LIMIT naming the loop', async (_label, native) => {
    const e = await runError('bit c;\nqubit q;\nx q;\nc = measure q;\nwhile (c) {\n  c = measure q;\n}\n', native);
    expect(e.code).toBe('QASM_LOOP_LIMIT');
    expect(e.message).toContain('the while loop at line 7, column 1 was still running after 1000 iterations');
  });

  it('a loop known never to end is refused while unrolling', () => {
    const e = expectQasmError(`${HEAD}qubit q;\nint i = 0;\nwhile (i >= 0) { i += 1; }\n`, 'QASM_LOOP_LIMIT', 5, 1);
    expect(e.message).toContain('still running after 1000 iterations');
  });

  it('break inside a branch decided in a shot is refused with a clear message', () => {
    const e = expectQasmError(`${HEAD}bit c;\nqubit q;\nfor int _ in [0:4] {\n  x q;\n  if (c) {\n    break;\n  }\n  c = measure q;\n}\n`, 'QASM_UNSUPPORTED', 7, 7);
    expect(e.message).toContain("'break' inside a branch decided by measured bits is not supported");
  });
});

describe('pragmas', () => {
  it('are kept in the syntax tree with their text and change nothing in the circuit', () => {
    const source = `${HEAD}#pragma qiskit.schedule alap\npragma braket verbatim\nqubit q;\nx q;\n`;
    const program = parseProgram(source);
    expect(program.statements.filter((s) => s.kind === 'pragma').map((s) => (s.kind === 'pragma' ? s.text : ''))).toEqual(['qiskit.schedule alap', 'braket verbatim']);
    const c: Circuit = parseQasm(source);
    expect(c.ops).toEqual(ops('qubit q;\nx q;\n'));
    // Lines after a pragma keep their numbers in errors.
    expectQasmError(`${HEAD}#pragma anything\nnope;\n`, 'QASM_SEMANTIC', 4, 1);
  });
});
