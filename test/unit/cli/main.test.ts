import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/version.js';
import { runCli } from '../../helpers/cli.js';

describe('qrun', () => {
  it('prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists its commands and the exit-code table in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sample (\[options\] )?<payload> \[output\]/);
    expect(result.stdout).toMatch(/estimate (\[options\] )?<payload> \[output\]/);
    expect(result.stdout).toMatch(/Exit codes/);
    expect(result.stdout).toMatch(/\b2\s+usage/);
  });

  it('rejects an unknown command with the usage code and a hint', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error \[USAGE\]: unknown command 'frobnicate'/);
    expect(result.stderr).toMatch(/hint: Run `qrun --help`/);
  });

  it('reports errors as JSON with --json', async () => {
    const result = await runCli(['--json', 'frobnicate']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'USAGE' } });
  });
});
