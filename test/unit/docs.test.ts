import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorDocs } from '../../scripts/gen-error-docs.js';

describe('docs/errors.md', () => {
  it('matches the error catalog (run `npm run docs:errors` after adding a code)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorDocs());
  });
});
