/**
 * A `qiskit-aer` backend in a real Slurm QPU job, as the ordinary test user: the catalogue gains an
 * `aer` entry (the pinned Python environment, world-readable under the repository) counted on the
 * dev cluster's license qpu_sim_shared, the job's qrun runs on it through the job's gateway, whose
 * one Aer worker (as the service user) serves every task of the job and leaves with the gateway.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { pythonSkipReason, venvPython } from '../helpers/python.js';
import { QRUN } from './gateway-helpers.js';
import { drain, hookEvents, output, qpuCluster, qpuSkipReason, submit, waitReleased, waitState, withCatalogue } from './qpu-helpers.js';

const skipReason = qpuSkipReason() || pythonSkipReason();

const BELL = join(REPO_ROOT, 'examples', 'bell.json');

interface PlainSampler {
  results: { data: Record<string, { samples: string[]; num_bits: number }> }[];
  metadata: Record<string, unknown>;
}

describe.skipIf(skipReason !== '')('qiskit-aer backend in a QPU job', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it("runs the job's qrun tasks on one Aer worker in the gateway, counted on the job's license", async () => {
    const cluster = qpuCluster();
    const catalogue = JSON.parse(await readFile(cluster.catalogue, 'utf8')) as { backends: Record<string, unknown> };
    catalogue.backends['aer'] = {
      type: 'qiskit-aer',
      description: 'Qiskit Aer from the pinned Python environment',
      capacity: { license: 'qpu_sim_shared', lanes: 2 },
      python: venvPython(),
      method: 'automatic',
      max_parallel_threads: 1,
    };
    const script = join(cluster.jobs, 'aer.sh');
    await writeFile(
      script,
      [
        '#!/bin/bash',
        `cd ${cluster.jobs}`,
        'echo "backends $QRUN_BACKENDS endpoint ${QRUN_ENDPOINT%%:*}"',
        `node ${QRUN} sample ${BELL} --shots 300 > aer-$SLURM_JOB_ID.first 2> aer-$SLURM_JOB_ID.err; echo "first exit $?"`,
        `node ${QRUN} sample ${BELL} --shots 200 > aer-$SLURM_JOB_ID.second 2>> aer-$SLURM_JOB_ID.err; echo "second exit $?"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const id = await withCatalogue(`${JSON.stringify(catalogue, null, 2)}\n`, async () => {
      const submitted = await submit(['-t', '5', '-L', 'qpu_sim_shared:1', '--q_backend=aer', script], { user: cluster.testUser });
      jobs.push(submitted);
      expect(await waitState(submitted, undefined, 240_000)).toBe('COMPLETED');
      await waitReleased(submitted);
      return submitted;
    });
    const out = output(id);
    const err = (() => {
      try {
        return readFileSync(join(cluster.jobs, `aer-${id}.err`), 'utf8');
      } catch {
        return '';
      }
    })();
    expect(out, `${out}\n${err}`).toContain('first exit 0');
    expect(out).toContain('second exit 0');
    expect(out).toContain('backends aer endpoint unix');

    for (const [file, shots] of [['first', 300], ['second', 200]] as const) {
      const result = JSON.parse(readFileSync(join(cluster.jobs, `aer-${id}.${file}`), 'utf8')) as PlainSampler;
      const samples = result.results[0]?.data['meas']?.samples ?? [];
      expect(samples).toHaveLength(shots);
      // Bell: only 00 (0x0) and 11 (0x3), both seen.
      expect(new Set(samples)).toEqual(new Set(['0x0', '0x3']));
      expect(result.metadata).toMatchObject({ backend: 'aer', simulator: { name: 'qiskit-aer' } });
    }

    const stopped = (await hookEvents(id)).find((e) => e.msg === 'gateway stopped');
    expect(stopped).toMatchObject({ usage: { aer: { tasks: 2, completed: 2, failed: 0 } } });
    // One worker served both tasks, and it left with the gateway.
    const log = readFileSync(join(cluster.stateDir, 'gateway.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes(`"jobId":${id}`))
      .map((line) => JSON.parse(line) as { msg: string; pid?: number });
    expect(log.filter((e) => e.msg === 'aer worker ready')).toHaveLength(1);
    expect(log.filter((e) => e.msg === 'aer worker exited')).toHaveLength(1);
  }, 300_000);
});
