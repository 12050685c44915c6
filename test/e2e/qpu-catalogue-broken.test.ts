/**
 * A broken or missing catalogue: a QPU job fails with a clear line (ask the admin to run
 * `qrun admin check-config`), and a job that did not ask for a QPU runs as if nothing happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { drain, hookEvents, nodeState, output, qpuSkipReason, shown, slurmCmd, submit, waitState, withCatalogue } from './qpu-helpers.js';

const CASES: Array<[string, string | null, RegExp]> = [
  ['missing', null, /catalogue is unusable \(.*qpu\.json does not exist\)/],
  ['not JSON', '{"version": 1, "backends": {', /catalogue is unusable \(.*is not valid JSON/],
  [
    'against the schema',
    JSON.stringify({ version: 1, backends: { sim: { type: 'sim', capacity: { gres: 'sim', lanes: 0 }, metadata: { num_qubits: 2 } } } }),
    /catalogue is unusable \(.*qpu\.json is invalid:\)/,
  ],
];

describe.skipIf(qpuSkipReason() !== '')('QPU jobs with a broken catalogue', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it.each(CASES)('catalogue %s: a QPU job fails clearly, a plain job still runs', async (_name, text, message) => {
    await withCatalogue(text, async () => {
      const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'echo qpu-job-ran']);
      jobs.push(id);
      expect(await waitState(id)).toBe('FAILED');
      expect(output(id)).toMatch(message);
      expect(output(id)).toContain('qrun admin check-config');
      expect(output(id)).not.toContain('qpu-job-ran');

      const plain = await submit(['-t', '5', '--wrap', 'echo plain-job-ran']);
      jobs.push(plain);
      expect(await waitState(plain)).toBe('COMPLETED');
      expect(output(plain)).toBe('plain-job-ran\n');
      const srun = await slurmCmd('srun', ['-Q', 'echo', 'plain-srun-ran']);
      expect(srun.code, shown(srun)).toBe(0);
      expect(srun.stdout).toBe('plain-srun-ran\n');
      // The plain jobs spawned nothing: no hook log line mentions them.
      expect(await hookEvents(plain)).toEqual([]);
    });
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
  });

  it('a fixed catalogue is used again at once (no daemon restart)', async () => {
    const result = await slurmCmd('srun', ['-Q', '--gres=qpu:sim:1', '--q_backend=sim', 'printenv', 'QRUN_BACKENDS']);
    expect(result.code, shown(result)).toBe(0);
    expect(result.stdout.trim()).toBe('sim');
  });
});
