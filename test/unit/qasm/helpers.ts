import { expect } from 'vitest';
import type { Op } from '../../../src/circuit/ir.js';
import { QrunError, type ErrorCode } from '../../../src/errors.js';
import { parseQasm } from '../../../src/qasm/index.js';

/** Parses `source` expecting a QrunError with `code` at `line:column`; returns the error. */
export function expectQasmError(source: string, code: ErrorCode, line: number, column: number): QrunError {
  let caught: unknown;
  try {
    parseQasm(source);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(QrunError);
  const error = caught as QrunError;
  expect({ code: error.code, details: error.details }).toEqual({ code, details: { line, column } });
  expect(error.message.startsWith(`${line}:${column}: `)).toBe(true);
  // The excerpt: the offending line, then a caret under the column (long lines are windowed).
  const [, sourceLine, caretLine] = error.message.split('\n');
  const text = source.split('\n')[line - 1] ?? '';
  if (text.length <= 100) {
    expect(sourceLine).toBe(`${line} | ${text}`);
    expect(caretLine).toBe(`${' '.repeat(String(line).length)} | ${' '.repeat(column - 1)}^`);
  } else {
    expect(caretLine).toMatch(/^ +\| +\^$/);
  }
  return error;
}

export function gate(name: string, qubits: number[], params: number[] = []): Op {
  return { kind: 'gate', name, qubits, params: params.map((value) => ({ kind: 'num', value })) };
}
