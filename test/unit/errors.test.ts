import { describe, expect, it } from 'vitest';
import { exitCodeFor, EXIT_CODES } from '../../src/cli/exit-codes.js';
import { asQrunError, ERROR_CATALOG, QrunError, type ErrorCode } from '../../src/errors.js';

const codes = Object.keys(ERROR_CATALOG) as ErrorCode[];

describe('error catalog', () => {
  it.each(codes)('%s has a family with an exit code and a one-line summary', (code) => {
    const entry = ERROR_CATALOG[code];
    expect(EXIT_CODES[entry.family]).toBeGreaterThan(0);
    expect(entry.summary).toMatch(/^[A-Z].*\.$/);
    expect(entry.summary).not.toContain('\n');
    expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });

  it('gives every family its own exit code, none of them 1 (left to Node crashes)', () => {
    const numbers = Object.values(EXIT_CODES);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).not.toContain(1);
  });

  it('maps codes of one family to the same exit code', () => {
    expect(exitCodeFor('QASM_SYNTAX')).toBe(exitCodeFor('PAYLOAD_INVALID'));
    expect(exitCodeFor('CONFIG_INVALID')).toBe(EXIT_CODES.config);
    expect(exitCodeFor('INTERNAL')).toBe(70);
  });

  it('serialises code, message and hint for --json and the gateway', () => {
    const error = new QrunError('CONFIG_INVALID', 'bad field', { hint: 'fix it', details: { path: 'a.b' } });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'CONFIG_INVALID',
      message: 'bad field',
      hint: 'fix it',
      details: { path: 'a.b' },
    });
    expect(error.family).toBe('config');
  });

  it('wraps foreign errors as INTERNAL and keeps the cause', () => {
    const cause = new TypeError('boom');
    const wrapped = asQrunError(cause);
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.cause).toBe(cause);
    const own = new QrunError('USAGE', 'x');
    expect(asQrunError(own)).toBe(own);
  });
});
