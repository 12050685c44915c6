import { describe, expect, it } from 'vitest';
import { parseQasm } from '../../../src/qasm/index.js';
import { expectQasmError } from './helpers.js';

const HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

describe('OpenQASM errors name line:column, show the line with a caret, and say what was expected', () => {
  describe('QASM_SYNTAX', () => {
    it('a missing semicolon is reported after the last token of the statement', () => {
      const e = expectQasmError(`${HEAD}qubit[2] q;\nh q[0]\ncx q[0], q[1];\n`, 'QASM_SYNTAX', 4, 7);
      expect(e.message).toContain("expected ';'");
    });
    it('a missing operand', () => {
      const e = expectQasmError(`${HEAD}qubit[2] q;\ncx q[0], ;\n`, 'QASM_SYNTAX', 4, 10);
      expect(e.message).toContain("expected a qubit operand for cx, found ';'");
    });
    it('an unexpected character', () => {
      expect(expectQasmError(`${HEAD}qubit q;\nh q; #\n`, 'QASM_SYNTAX', 4, 6).message).toContain("unexpected character '#'");
    });
    it('an unterminated block comment', () => {
      expect(expectQasmError(`${HEAD}qubit q;\n/* never closed\nh q;\n`, 'QASM_SYNTAX', 4, 1).message).toContain("'*/'");
    });
    it('an unterminated string', () => {
      expect(expectQasmError('OPENQASM 3.0;\ninclude "stdgates.inc;\n', 'QASM_SYNTAX', 2, 9).message).toContain('unterminated string');
    });
    it('an unclosed gate body names the gate', () => {
      expect(expectQasmError(`${HEAD}gate g a { h a;\n`, 'QASM_SYNTAX', 4, 1).message).toContain("'}' to close the body of gate g");
    });
    it('a bad expression', () => {
      expect(expectQasmError(`${HEAD}qubit q;\nrz(1 + ) q;\n`, 'QASM_SYNTAX', 4, 8).message).toContain('expected an expression');
    });
    it('the version line anywhere but first', () => {
      expectQasmError('qubit q;\nOPENQASM 3.0;\n', 'QASM_SYNTAX', 2, 1);
    });
  });

  describe('QASM_SEMANTIC', () => {
    it('an undefined register', () => {
      expect(expectQasmError(`${HEAD}qubit[2] q;\nh r[0];\n`, 'QASM_SEMANTIC', 4, 3).message).toContain("undefined qubit register 'r'");
    });
    it('an undefined gate', () => {
      expect(expectQasmError(`${HEAD}qubit q;\nfoo q;\n`, 'QASM_SEMANTIC', 4, 1).message).toContain("undefined gate 'foo'");
    });
    it('an undefined parameter', () => {
      const e = expectQasmError(`${HEAD}qubit q;\nrz(theta) q;\n`, 'QASM_SEMANTIC', 4, 4);
      expect(e.message).toContain("undefined parameter 'theta'");
      expect(e.hint).toContain('input float[64] theta;');
    });
    it('a parameter of the caller used inside a gate body', () => {
      expectQasmError(`${HEAD}input float[64] t;\ngate g a { rz(t) a; }\n`, 'QASM_SEMANTIC', 4, 15);
    });
    it('the wrong number of qubits', () => {
      expect(expectQasmError(`${HEAD}qubit[2] q;\ncx q[0];\n`, 'QASM_SEMANTIC', 4, 1).message).toContain('gate cx takes 2 qubits, got 1');
    });
    it('the wrong number of parameters', () => {
      expect(expectQasmError(`${HEAD}qubit q;\nrz(1, 2) q;\n`, 'QASM_SEMANTIC', 4, 1).message).toContain('gate rz takes 1 parameter, got 2');
    });
    it('an index out of range', () => {
      expect(expectQasmError(`${HEAD}qubit[2] q;\nx q[2];\n`, 'QASM_SEMANTIC', 4, 5).message).toContain("index 2 is out of range for 'q', which has 2 qubits");
    });
    it('the same qubit twice in one gate, also through broadcasting', () => {
      expect(expectQasmError(`${HEAD}qubit[2] q;\ncx q[1], q[1];\n`, 'QASM_SEMANTIC', 4, 10).message).toContain('qubit q[1] is used twice in one cx gate');
      expectQasmError(`${HEAD}qubit[2] q;\ncx q, q[0];\n`, 'QASM_SEMANTIC', 4, 7);
    });
    it('registers of different sizes in one call', () => {
      expectQasmError(`${HEAD}qubit[2] a;\nqubit[3] b;\ncx a, b;\n`, 'QASM_SEMANTIC', 5, 7);
    });
    it('a measurement whose source and target sizes differ', () => {
      expectQasmError(`${HEAD}qubit[2] q;\nbit[3] c;\nc = measure q;\n`, 'QASM_SEMANTIC', 5, 5);
    });
    it('a redeclared name', () => {
      expect(expectQasmError(`${HEAD}qubit[2] q;\nbit[2] q;\n`, 'QASM_SEMANTIC', 4, 8).message).toContain("'q' is already declared");
    });
    it('a bit register used as qubits', () => {
      expectQasmError(`${HEAD}bit[2] c;\nh c[0];\n`, 'QASM_SEMANTIC', 4, 3);
    });
    it('physical qubits mixed with declared ones', () => {
      expectQasmError(`${HEAD}qubit[2] q;\nx $1;\n`, 'QASM_SEMANTIC', 4, 3);
    });
    it('a comparison value that does not fit the register', () => {
      expectQasmError(`${HEAD}qubit q;\nbit[2] c;\nif (c == 4) x q;\n`, 'QASM_SEMANTIC', 5, 5);
    });
    it('a self-referencing gate', () => {
      expectQasmError(`${HEAD}gate g a { g a; }\n`, 'QASM_SEMANTIC', 3, 12);
    });
  });

  describe('QASM_UNSUPPORTED', () => {
    it('an include other than stdgates.inc / qelib1.inc', () => {
      expect(expectQasmError('OPENQASM 3.0;\ninclude "mygates.inc";\n', 'QASM_UNSUPPORTED', 2, 1).message).toContain('cannot include "mygates.inc"');
    });
    it('subroutines', () => {
      expectQasmError(`${HEAD}def f() { }\n`, 'QASM_UNSUPPORTED', 3, 1);
    });
    it('classical declarations of types that hold more than one number', () => {
      expect(expectQasmError(`${HEAD}complex[float[64]] z;\n`, 'QASM_UNSUPPORTED', 3, 1).message).toContain("type 'complex'");
    });
    it('opaque gates in OpenQASM 2', () => {
      expectQasmError('OPENQASM 2.0;\nopaque magic a;\n', 'QASM_UNSUPPORTED', 2, 1);
    });
    it('inv @ on a gate without a standard inverse', () => {
      expect(expectQasmError(`${HEAD}qubit[2] q;\ninv @ iswap q[0], q[1];\n`, 'QASM_UNSUPPORTED', 4, 1).message).toContain('inv @ iswap is not supported');
    });
    it('pow(k) @ with k an input, which would change the circuit per PUB element', () => {
      expect(expectQasmError(`${HEAD}input float[64] k;\nqubit q;\npow(k) @ rx(0.1) q;\n`, 'QASM_UNSUPPORTED', 5, 5).message).toContain('only supported with a constant k');
    });
    it('an unknown OpenQASM version', () => {
      expectQasmError('OPENQASM 4.0;\n', 'QASM_UNSUPPORTED', 1, 10);
    });
    it('deep nesting', () => {
      expectQasmError(`${HEAD}qubit q;\nrz(${'('.repeat(1000)}1${')'.repeat(1000)}) q;\n`, 'QASM_UNSUPPORTED', 4, 204);
    });
  });

  it('shows a window of a very long line with the caret still under the column', () => {
    const source = `qubit q; ${'x q; '.repeat(100)}nope q;`;
    let message = '';
    try {
      parseQasm(source);
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    const [first, line, caret] = message.split('\n');
    expect(first).toMatch(/^1:510: undefined gate 'nope'/);
    expect(line).toContain('nope q;');
    expect(line?.length).toBeLessThan(120);
    expect(line?.indexOf('nope')).toBe(caret?.indexOf('^'));
  });
});
