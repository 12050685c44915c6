/**
 * `ibm-quantum-compute-service` under real Slurm: the dev cluster's `ibm_fake` entry points at the
 * IBM contract fake, started here as a process on the catalogue's fixed loopback port with the key
 * this test writes to a root-only file (test/e2e/vendor-fake.ts). A QPU job gets Bell counts through
 * `qrun sample`; scancel mid-task reaches the fake as a cancel and a session close; the API key is
 * in nothing the job's user sees.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QRUN } from './gateway-helpers.js';
import { BELL_ISA, IBM_ALIAS as ALIAS, startIbmFake, type IbmFake } from './ibm-fake.js';
import { drain, output, qpuCluster, qpuSkipReason, slurmCmd, submit, waitReleased, waitState } from './qpu-helpers.js';
import { until } from './vendor-fake.js';

describe.skipIf(qpuSkipReason() !== '')('ibm-quantum-compute-service under Slurm', () => {
  const jobs: string[] = [];
  let fake: IbmFake | undefined;
  let payload = '';

  beforeAll(async () => {
    payload = join(qpuCluster().jobs, 'ibm-bell.json');
    await writeFile(payload, JSON.stringify({ pubs: [[BELL_ISA, null, 500]], version: 2 }), { mode: 0o644 });
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
    await fake?.stop();
    fake = undefined;
  });

  it('a QPU job gets Bell counts from IBM through qrun sample, in a session closed at the end, and never sees the key', async () => {
    fake = await startIbmFake({ queueDelayMs: 100 });
    const { jobs: dir, testUser, hookLog, stateDir } = qpuCluster();
    const script = join(dir, 'ibm-sample.sh');
    await writeFile(
      script,
      ['#!/bin/bash', `cd ${dir}`, `node ${QRUN} sample ${payload} ibm-$SLURM_JOB_ID.out.json; echo "qrun exit $?"`, 'env > ibm-$SLURM_JOB_ID.env', ''].join('\n'),
      { mode: 0o755 },
    );
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, script], { user: testUser });
    jobs.push(id);
    expect(await waitState(id, undefined, 120_000), output(id)).toBe('COMPLETED');
    await waitReleased(id);
    expect(output(id)).toContain('qrun exit 0');

    const result = JSON.parse(await readFile(join(dir, `ibm-${id}.out.json`), 'utf8')) as { results: { data: { c: { samples: string[] } } }[] };
    const samples = result.results[0]?.data.c.samples ?? [];
    expect(samples).toHaveLength(500);
    expect(new Set(samples)).toEqual(new Set(['0x0', '0x3']));

    const routes = fake.requests().map((r) => r.route);
    expect(routes).toContain('POST /sessions');
    expect(routes).toContain('POST /jobs');
    expect(routes).toContain('DELETE /sessions/{id}/close');
    expect(routes.indexOf('POST /sessions')).toBeLessThan(routes.indexOf('POST /jobs'));

    const seen = [output(id), readFileSync(join(dir, `ibm-${id}.env`), 'utf8'), readFileSync(join(dir, `ibm-${id}.out.json`), 'utf8')];
    for (const text of seen) expect(text).not.toContain(fake.secret);
    for (const log of [hookLog, join(stateDir, 'gateway.log'), fake.log]) expect(readFileSync(log, 'utf8'), log).not.toContain(fake.secret);
  }, 180_000);

  it('scancel mid-task cancels the IBM job and closes the session within seconds', async () => {
    // Jobs stay Queued at the fake for two minutes: the task is surely still waiting when scancel comes.
    fake = await startIbmFake({ queueDelayMs: 120_000 });
    const { jobs: dir, testUser } = qpuCluster();
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, '--wrap', `node ${QRUN} sample ${payload} ${join(dir, 'ibm-never.json')}`], {
      user: testUser,
    });
    jobs.push(id);
    const running = fake;
    await until('the IBM job submission', () => running.requests().some((r) => r.route === 'POST /jobs'), 90_000);
    await slurmCmd('scancel', [id]);
    expect(await waitState(id)).toBe('CANCELLED');
    await until('the cancel and the session close at IBM', () => {
      const routes = running.requests().map((r) => r.route);
      return routes.includes('POST /jobs/{id}/cancel') && routes.includes('DELETE /sessions/{id}/close');
    }, 20_000);
    await waitReleased(id);
  }, 180_000);
});
