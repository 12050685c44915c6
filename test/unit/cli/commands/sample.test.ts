import { chmodSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qrun, tempDir, writeJson } from '../primitives-helpers.js';

const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] meas;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\nmeas = measure q;\n';
const IS_ROOT = process.getuid?.() === 0;

interface SamplerJson {
  results: { data: Record<string, { samples: string[]; num_bits: number }>; metadata: Record<string, unknown> }[];
  metadata: Record<string, unknown>;
}

describe('qrun sample', () => {
  it('runs examples/bell.json to stdout', async () => {
    const run = await qrun(['sample', 'examples/bell.json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as SamplerJson;
    const meas = result.results[0]?.data['meas'];
    expect(meas?.num_bits).toBe(2);
    expect(meas?.samples).toHaveLength(1024);
    expect(new Set(meas?.samples)).toEqual(new Set(['0x0', '0x3']));
    expect(result.metadata).toMatchObject({ version: 2, backend: 'sim' });
  });

  it('writes to an output file, with a summary on stdout (text or --json)', async () => {
    const dir = tempDir();
    const payload = writeJson(dir, 'p.json', { pubs: [[BELL]], version: 2 });
    const text = await qrun(['sample', payload, 'out.json', '--shots', '10', '--seed', '4'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^wrote 1 PUB result to out\.json \(backend sim, [\d.]+ s\)\n$/);
    const result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as SamplerJson;
    expect(result.results[0]?.data['meas']?.samples).toHaveLength(10);
    expect(result.metadata['seed']).toBe(4);
    const json = await qrun(['--json', 'sample', payload, join(dir, 'out2.json'), '--seed', '4', '--shots', '10'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ output: join(dir, 'out2.json'), pubs: 1, backend: 'sim', seed: 4 });
    expect(readFileSync(join(dir, 'out2.json'), 'utf8')).toBe(readFileSync(join(dir, 'out.json'), 'utf8'));
    // No temporary files are left behind.
    expect(readdirSync(dir).sort()).toEqual(['out.json', 'out2.json', 'p.json']);
  });

  it('writes the Qiskit-encoded form when the payload sets support_qiskit', async () => {
    const dir = tempDir();
    const payload = writeJson(dir, 'p.json', { program_id: 'sampler', parameters: { pubs: [[BELL, null, 4]], version: 2, support_qiskit: true } });
    const run = await qrun(['sample', payload]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ __type__: 'PrimitiveResult', __value__: { pub_results: [{ __type__: 'SamplerPubResult' }] } });
  });

  it('refuses an unwritable output before doing any work (the payload is not even read)', async () => {
    const dir = tempDir();
    const missingPayload = join(dir, 'missing.json');
    const cases = [join(dir, 'no-such-dir', 'out.json'), dir];
    if (!IS_ROOT) {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      cases.push(join(locked, 'out.json'));
    }
    for (const output of cases) {
      const run = await qrun(['sample', missingPayload, output]);
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/error \[OUTPUT_NOT_WRITABLE\]: cannot write /);
      expect(run.stderr).not.toMatch(/FILE_NOT_FOUND/);
    }
  });

  it('names a missing payload file', async () => {
    const run = await qrun(['sample', 'nope/payload.json']);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('error [FILE_NOT_FOUND]:');
    expect(run.stderr).toContain('nope/payload.json does not exist');
  });

  it.each([
    [{ pubs: [[BELL]] }, 3, /PAYLOAD_INVALID.*version: is required/],
    [{ program_id: 'estimator', parameters: { pubs: [[BELL, 'ZZ']], version: 2 } }, 3, /PAYLOAD_PROGRAM_MISMATCH.*hint: Run it with `qrun estimate`/s],
    [{ pubs: [[BELL], [BELL, null, 'ten']], version: 2 }, 3, /PAYLOAD_INVALID\]: pubs\[1\] shots:/],
    [{ pubs: [['OPENQASM 3.0; qubit[2] q; cx q[0];']], version: 2 }, 3, /\[QASM_SEMANTIC|\[QASM_SYNTAX/],
  ])('refuses bad payload %# with the input exit code', async (payload, code, message) => {
    const dir = tempDir();
    const run = await qrun(['sample', writeJson(dir, 'p.json', payload)]);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('refuses a payload that is not JSON, and reports errors as JSON with --json', async () => {
    const dir = tempDir();
    const path = join(dir, 'p.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, '{"pubs": [');
    const run = await qrun(['--json', 'sample', path]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'PAYLOAD_INVALID', message: expect.stringMatching(/is not JSON/) } });
  });

  it.each([
    [['--shots', '0'], /OPTION_INVALID.*shots must be a positive integer/],
    [['--shots', 'many'], /OPTION_INVALID.*--shots must be an integer/],
    [['--seed', '-1'], /OPTION_INVALID.*seed must be an integer from 0/],
  ])('refuses option %j', async (option, message) => {
    const run = await qrun(['sample', 'examples/bell.json', ...option]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(message);
  });

  it('selects backends: only sim outside a job, granted ones inside, through the job gateway', async () => {
    const outside = await qrun(['sample', 'examples/bell.json', '--backend', 'ibm_fez']);
    expect(outside.code).toBe(6);
    expect(outside.stderr).toMatch(/BACKEND_UNKNOWN.*only the built-in simulator "sim"/);
    const env = { QRUN_ENDPOINT: 'unix:/run/qpu/42.sock', QRUN_BACKENDS: 'ibm_fez,sim' };
    const notGranted = await qrun(['sample', 'examples/bell.json', '--backend', 'ibm_torino'], { env });
    expect(notGranted.code).toBe(6);
    expect(notGranted.stderr).toMatch(/BACKEND_NOT_GRANTED.*granted: ibm_fez, sim/);
    const noToken = await qrun(['sample', 'examples/bell.json'], { env });
    expect(noToken.code).toBe(9);
    expect(noToken.stderr).toMatch(/AUTH_FAILED.*QRUN_TOKEN/);
    const gateway = await qrun(['sample', 'examples/bell.json'], { env: { ...env, QRUN_TOKEN: 'token' } });
    expect(gateway.code).toBe(7);
    expect(gateway.stderr).toMatch(/BACKEND_UNAVAILABLE.*job gateway at unix:\/run\/qpu\/42\.sock is not running/);
    const local = await qrun(['sample', 'examples/bell.json', '--backend', 'sim', '--shots', '3'], { env: { ...env, QRUN_ENDPOINT: 'local:' } });
    expect(local.code).toBe(0);
    expect(JSON.parse(local.stdout)).toMatchObject({ metadata: { backend: 'sim' } });
  });

  it('prints progress on stderr for long runs only, and never with --json into a pipe', async () => {
    const dir = tempDir();
    // Many elements so the run takes a moment; a zero delay makes progress eligible at once.
    const qasm = 'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] t;\nbit[1] c;\nqubit[1] q;\nrx(t) q[0];\nc[0] = measure q[0];\n';
    const payload = writeJson(dir, 'p.json', { pubs: [[qasm, Array.from({ length: 200 }, (_, i) => [i / 100]), 2]], version: 2 });
    const quick = await qrun(['sample', payload, join(dir, 'o.json')]);
    expect(quick.code).toBe(0);
    expect(quick.stderr).toBe(''); // under the 2 s threshold: silent
    const piped = await qrun(['--json', 'sample', payload]);
    expect(piped.stderr).toBe('');
  });
});
