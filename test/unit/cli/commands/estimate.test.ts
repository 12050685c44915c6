import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qrun, tempDir, writeJson } from '../primitives-helpers.js';

const BELL_STATE = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n';

describe('qrun estimate', () => {
  it('runs examples/estimator.json', async () => {
    const run = await qrun(['estimate', 'examples/estimator.json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { results: { data: { evs: number[][]; stds: number[][] }; metadata: Record<string, unknown> }[] };
    expect(result.results[0]?.data.evs).toHaveLength(3);
    expect(result.results[0]?.data.evs[0]).toHaveLength(5);
    expect(result.results[0]?.metadata).toMatchObject({ shots: 10000, target_precision: 0.01 });
  });

  it('applies --precision to PUBs without their own', async () => {
    const dir = tempDir();
    const payload = writeJson(dir, 'p.json', { pubs: [[BELL_STATE, 'ZI'], [BELL_STATE, 'ZI', null, 0.5]], version: 2 });
    const run = await qrun(['estimate', payload, '--precision', '0.1']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { results: { data: { evs: number; stds: number }; metadata: { shots: number } }[] };
    expect(result.results.map((r) => r.metadata.shots)).toEqual([100, 4]);
    expect(result.results[0]?.data.stds).toBeCloseTo(0.1, 12);
  });

  it('names a sampler payload given to estimate', async () => {
    const run = await qrun(['estimate', 'examples/ghz.json']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/PAYLOAD_PROGRAM_MISMATCH.*for the sampler/);
  });

  it('names the PUB of a broadcast mismatch', async () => {
    const dir = tempDir();
    const qasm = 'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] t;\nqubit[1] q;\nrx(t) q[0];\n';
    const payload = writeJson(dir, 'p.json', { pubs: [[qasm, ['Z', 'X', 'Y', 'Z', 'X'], [[0.1], [0.2], [0.3]]]], version: 2 });
    const run = await qrun(['estimate', payload]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/BROADCAST_MISMATCH\]: pubs\[0\] observables: shape \(5,\) does not broadcast with .* \(3,\)/);
    expect(existsSync(join(dir, 'o.json'))).toBe(false);
  });
});
