/**
 * The Python client inside a real Slurm QPU job, as the ordinary test user: the documented hybrid
 * program (python/examples/hybrid_vqe.py, a VQE-style loop of Estimator calls and a Sampler run with
 * two classical registers) talks to the job's gateway through QRUN_ENDPOINT/QRUN_TOKEN, and a refusal
 * reaches Python as a QrunError with the project's code. The venv is the pinned one
 * (scripts/python-env.mjs), world-readable, under a repository the test user can read.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { pythonSkipReason, venvPython } from '../helpers/python.js';
import { drain, hookEvents, output, qpuCluster, qpuSkipReason, submit, waitReleased, waitState } from './qpu-helpers.js';

const skipReason = qpuSkipReason() || pythonSkipReason();

interface HybridReport {
  backend: string;
  energies: number[];
  first: Record<string, number>;
  second: Record<string, number>;
  shots: number;
}

describe.skipIf(skipReason !== '')('Python client in a QPU job', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it('runs a VQE loop of estimator calls and a sampler with several registers through the job gateway', async () => {
    const cluster = qpuCluster();
    const python = venvPython();
    const example = join(REPO_ROOT, 'python', 'examples', 'hybrid_vqe.py');
    const script = join(cluster.jobs, 'python-client.sh');
    await writeFile(
      script,
      [
        '#!/bin/bash',
        `cd ${cluster.jobs}`,
        'export PYTHONDONTWRITEBYTECODE=1',
        'echo "endpoint ${QRUN_ENDPOINT%%:*} backends $QRUN_BACKENDS"',
        `${python} ${example} --json > py-$SLURM_JOB_ID.json 2> py-$SLURM_JOB_ID.err`,
        'echo "example exit $?"',
        `${python} -c 'from slurm_qpu import SamplerV2, QrunError
try:
    SamplerV2(backend="ibm_fez")
except QrunError as e:
    print("refused", e.code)'`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], { user: cluster.testUser });
    jobs.push(id);
    expect(await waitState(id, undefined, 240_000)).toBe('COMPLETED');
    const out = output(id);
    const stderr = (() => {
      try {
        return readFileSync(join(cluster.jobs, `py-${id}.err`), 'utf8');
      } catch {
        return '';
      }
    })();
    expect(out, `${out}\n${stderr}`).toContain('example exit 0');
    expect(out).toContain('endpoint unix backends sim');
    expect(out).toContain('refused BACKEND_NOT_GRANTED');

    const report = JSON.parse(readFileSync(join(cluster.jobs, `py-${id}.json`), 'utf8')) as HybridReport;
    expect(report.backend).toBe('sim');
    expect(report.energies).toHaveLength(5);
    expect(report.energies[4]).toBeLessThan((report.energies[0] ?? 0) - 0.5);
    expect(report.shots).toBe(2000);
    for (const register of [report.first, report.second]) {
      expect(Object.keys(register).every((k) => k === '0' || k === '1')).toBe(true);
      expect(Object.values(register).reduce((a, b) => a + b, 0)).toBe(2000);
    }

    // Every primitive call went through the job's gateway: five estimator tasks and one sampler task.
    await waitReleased(id);
    const stopped = (await hookEvents(id)).find((e) => e.msg === 'gateway stopped');
    expect(stopped).toMatchObject({ usage: { sim: { tasks: 6, completed: 6, failed: 0 } } });
  });
});
