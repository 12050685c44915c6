/** `qrun doctor`: which engine is active and why, versions, Slurm tools — as text and as JSON. */
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../../src/cli/main.js';
import { VERSION } from '../../../../src/version.js';

const bin = mkdtempSync(join(tmpdir(), 'qrun-doctor-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await main(argv, { env, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), cwd: process.cwd() });
  return { code, stdout, stderr };
}

describe('qrun doctor', () => {
  it('says the native engine is active because its binary loads, with versions', async () => {
    const { code, stdout } = await run(['doctor'], { PATH: '' });
    expect(code).toBe(0);
    expect(stdout).toContain(`slurm-qpu ${VERSION} on Node ${process.version}`);
    expect(stdout).toMatch(/engine: +native — the native addon is present and loads \((avx512|avx2|generic) kernels/);
    expect(stdout).toMatch(/no Slurm client tools on PATH/);
  });

  it('--json reports QRUN_NATIVE=0 forcing the TypeScript engine and finds Slurm tools on PATH', async () => {
    const sbatch = join(bin, 'sbatch');
    writeFileSync(sbatch, '#!/bin/sh\n');
    chmodSync(sbatch, 0o755);
    const { code, stdout } = await run(['doctor', '--json'], { PATH: bin, QRUN_NATIVE: '0' });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ version: VERSION, node: process.version, engine: { name: 'ts', reason: 'QRUN_NATIVE=0 forces the TypeScript engine' } });
    expect(report.slurm).toMatchObject({ sbatch, srun: null });
  });

  it('prints the report and fails with the error code when the engine cannot be chosen', async () => {
    const { code, stdout, stderr } = await run(['doctor', '--json'], { PATH: '', QRUN_NATIVE: 'maybe' });
    expect(code).toBe(3); // OPTION_INVALID: input family
    expect(JSON.parse(stdout)).toMatchObject({ engine: { name: null, error: { code: 'OPTION_INVALID' } } });
    expect(JSON.parse(stderr)).toMatchObject({ error: { code: 'OPTION_INVALID' } });
  });
});
