/**
 * The vendor ids a QPU job holds reach its AdminComment at acquire, under real Slurm: a job on the
 * dev cluster's `ibm_fake` entry (pointed at the IBM contract fake in this process) opens an IBM
 * session, and while the job runs `scontrol show job` shows `qpu_sessions={"ibm_fake":"<id>"}` after
 * the comment the site had put there, to root and to the job's user, with no credential in it. A
 * comment already at Slurm's limit leaves no room: that is logged and the job still completes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_COMMENT_MAX, adminCommentOf } from '../../src/slurm/admin-comment.js';
import type { IbmComputeFake } from '../fakes/ibm-quantum-compute/index.js';
import { ibmFakeWithCatalogue, until } from './fault-helpers.js';
import { drain, hookEvents, output, qpuCluster, qpuSkipReason, shown, slurmCmd, submit, waitState, withCatalogue } from './qpu-helpers.js';

const IBM = ['-t', '2', '--gres=qpu:ibm_fake:1', '--q_backend=ibm_fake'];

async function commentOf(jobId: string, user?: string): Promise<string> {
  const result = await slurmCmd('scontrol', ['show', 'job', jobId], user === undefined ? {} : { user });
  if (result.code !== 0) throw new Error(shown(result));
  return adminCommentOf(result.stdout);
}

/** Submits held, gives the job the site's comment, then lets it start: acquire finds the comment there. */
async function submitWithComment(comment: string, script: string): Promise<string> {
  const id = await submit([...IBM, '-H', '--wrap', script], { user: qpuCluster().testUser });
  const set = await slurmCmd('scontrol', ['update', `JobId=${id}`, `AdminComment=${comment}`]);
  expect(set.code, shown(set)).toBe(0);
  const released = await slurmCmd('scontrol', ['release', id]);
  expect(released.code, shown(released)).toBe(0);
  return id;
}

describe.skipIf(qpuSkipReason() !== '')("vendor ids in the job's AdminComment", () => {
  const jobs: string[] = [];
  let fake: IbmComputeFake | undefined;
  let catalogue = '';

  beforeAll(async () => {
    ({ fake, catalogue } = await ibmFakeWithCatalogue({ portOffset: 41 }));
  });
  afterEach(async () => {
    await drain(jobs.splice(0));
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("shows the job's IBM session while it runs, after the site's own comment, and no credential", async () => {
    const running = fake as IbmComputeFake;
    await withCatalogue(catalogue, async () => {
      const id = await submitWithComment('site ticket=QPU-17', 'sleep 120');
      jobs.push(id);
      expect(await waitState(id, ['RUNNING'], 60_000)).toBe('RUNNING');
      const comment = await until('the vendor ids in the AdminComment', async () => {
        const now = await commentOf(id);
        return now.includes('qpu_sessions=') ? now : undefined;
      }, 30_000);
      const sessions = [...running.sessions.keys()];
      expect(sessions).toHaveLength(1);
      expect(comment).toBe(`site ticket=QPU-17 qpu_sessions=${JSON.stringify({ ibm_fake: sessions[0] })}`);
      // The job's user reads it (and cannot change it: only root or an operator can).
      expect(await commentOf(id, qpuCluster().testUser)).toBe(comment);
      const denied = await slurmCmd('scontrol', ['update', `JobId=${id}`, 'AdminComment=mine'], { user: qpuCluster().testUser });
      expect(denied.code).not.toBe(0);
      expect(comment).not.toContain(running.apiKey);
      expect((await hookEvents(id)).some((e) => e.msg === 'vendor ids in AdminComment')).toBe(true);
    });
  }, 120_000);

  it('a comment with no room left is logged, and the job runs to the end all the same', async () => {
    await withCatalogue(catalogue, async () => {
      const full = 'x'.repeat(ADMIN_COMMENT_MAX);
      const id = await submitWithComment(full, 'echo ran');
      jobs.push(id);
      expect(await waitState(id, undefined, 90_000), output(id)).toBe('COMPLETED');
      expect(output(id)).toContain('ran');
      expect(await commentOf(id)).toBe(full);
      const refused = (await hookEvents(id)).find((e) => e.msg === 'vendor ids not in AdminComment');
      expect(refused?.['full']).toBe(true);
    });
  }, 120_000);
});
