import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/version.js';

const read = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('the Python package version', () => {
  it('is the one version of package.json, in pyproject.toml and slurm_qpu.__version__', () => {
    expect(/^version = "([^"]+)"$/m.exec(read('python/pyproject.toml'))?.[1]).toBe(VERSION);
    expect(/^__version__ = "([^"]+)"$/m.exec(read('python/slurm_qpu/__init__.py'))?.[1]).toBe(VERSION);
  });
});
