import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codesWithoutFix, renderErrorDocs, renderTroubleshooting } from '../../scripts/gen-error-docs.js';

describe('docs/errors.md', () => {
  it('matches the error catalog (run `npm run docs:errors` after adding a code)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorDocs());
  });
});

describe('docs/troubleshooting.md', () => {
  it('gives every error code a fix (add it to scripts/troubleshooting.ts)', () => {
    expect(codesWithoutFix()).toEqual([]);
  });

  it('matches the catalog and the fixes (run `npm run docs:errors`)', () => {
    expect(readFileSync(new URL('../../docs/troubleshooting.md', import.meta.url), 'utf8')).toBe(renderTroubleshooting());
  });
});
