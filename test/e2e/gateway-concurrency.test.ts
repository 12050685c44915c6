/**
 * 20 QPU jobs at once (4 lanes, so 4 run at a time): each reaches its own gateway, which names its
 * job, runs its task and meters exactly that one.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BELL, QRUN } from './gateway-helpers.js';
import { drain, hookEvents, output, qpuCluster, qpuSkipReason, submit, waitReleased, waitState } from './qpu-helpers.js';

const JOBS = 20;

describe.skipIf(qpuSkipReason() !== '')('job gateways under concurrency', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it(`${JOBS} concurrent jobs each reach only their own gateway`, async () => {
    const cluster = qpuCluster();
    const script = join(cluster.jobs, 'gw-many.sh');
    await writeFile(
      script,
      [
        '#!/bin/bash',
        `cd ${cluster.jobs}`,
        'curl -s --unix-socket "${QRUN_ENDPOINT#unix:}" -H "Authorization: Bearer $QRUN_TOKEN" http://gateway/v1/backends > gw-$SLURM_JOB_ID.backends',
        `node ${QRUN} sample ${BELL} --shots 16 > /dev/null; echo "qrun exit $?"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    for (let i = 0; i < JOBS; i++) jobs.push(await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], { user: cluster.testUser }));
    for (const id of jobs) {
      expect(await waitState(id, undefined, 120_000), output(id)).toBe('COMPLETED');
      expect(output(id)).toContain('qrun exit 0');
      const answer = JSON.parse(readFileSync(join(cluster.jobs, `gw-${id}.backends`), 'utf8')) as { job_id: number };
      expect(answer.job_id).toBe(Number(id));
    }
    for (const id of jobs) {
      await waitReleased(id);
      expect((await hookEvents(id)).find((e) => e.msg === 'gateway stopped')).toMatchObject({ usage: { sim: { tasks: 1, completed: 1, shots: 16 } } });
    }
  }, 240_000);
});
