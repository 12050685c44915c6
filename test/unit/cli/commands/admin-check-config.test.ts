import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../../src/cli/main.js';
import type { CliContext } from '../../../../src/cli/context.js';
import { EXIT_CODES } from '../../../../src/cli/exit-codes.js';

function capture(): { ctx: CliContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  return {
    ctx: { env: {}, cwd: process.cwd(), stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) },
    out: () => out,
    err: () => err,
  };
}

describe('qrun admin check-config', () => {
  it('accepts the example catalogue and says what jobs must request', async () => {
    const io = capture();
    const code = await main(['admin', 'check-config', 'slurm-conf/qpu.example.json'], io.ctx);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toContain('OK, 2 backends');
    expect(io.out()).toContain('#SBATCH --gres=qpu:sim:1 --q_backend=sim');
  });

  it('prints every error with its JSON path and exits with the config code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qpu-check-'));
    const file = join(dir, 'qpu.json');
    await writeFile(file, JSON.stringify({ version: 1, backends: { a: { type: 'sim', capacity: { lanes: 0 }, metadata: {} } } }));
    const io = capture();
    const code = await main(['admin', 'check-config', file], io.ctx);
    expect(code).toBe(EXIT_CODES.config);
    expect(io.err()).toContain('backends.a.capacity.lanes:');
    expect(io.err()).toContain('backends.a.capacity: give exactly one of');
    expect(io.err()).toContain('backends.a.metadata.num_qubits:');
  });

  it('reports a JSON syntax error and a missing file as config errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qpu-check-'));
    const file = join(dir, 'qpu.json');
    await writeFile(file, '{"version": 1,');
    const io = capture();
    expect(await main(['admin', 'check-config', file], io.ctx)).toBe(EXIT_CODES.config);
    expect(io.err()).toContain('not valid JSON');
    const missing = capture();
    expect(await main(['admin', 'check-config', join(dir, 'nope.json')], missing.ctx)).toBe(EXIT_CODES.config);
    expect(missing.err()).toContain('does not exist');
  });
});
