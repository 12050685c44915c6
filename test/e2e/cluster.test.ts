/**
 * The dev cluster itself: real jobs as root and as an ordinary user, and Slurm counting QPU
 * capacity (GRES qpu:sim:4 and license qpu_sim_shared:2 from the default catalogue).
 */
import { describe, expect, it, afterEach } from 'vitest';
import { sleep } from '../../src/devcluster/exec.js';
import {
  cancelAndDrain,
  clusterEnv,
  clusterSkipReason,
  explain,
  jobOutput,
  sbatch,
  showJob,
  slurm,
  waitForJob,
} from '../helpers/cluster.js';

const skip = clusterSkipReason() !== '';

/**
 * Polls until `running` of the jobs are RUNNING and every other one is PENDING for a reason the
 * scheduler gave after trying it (a fresh job first shows `Priority` or `None`), then returns
 * every job's state and reason.
 */
async function settle(jobIds: readonly string[], running: number): Promise<Array<{ state: string; reason: string }>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const jobs = await Promise.all(jobIds.map(showJob));
    const states = jobs.map((j) => ({ state: j.JobState ?? '', reason: j.Reason ?? '' }));
    const settled =
      states.filter((s) => s.state === 'RUNNING').length >= running &&
      states.every((s) => s.state !== 'PENDING' || !['Priority', 'None'].includes(s.reason));
    if (settled || Date.now() > deadline) return states;
    await sleep(200);
  }
}

describe.skipIf(skip)('dev cluster', () => {
  const submitted: string[] = [];
  afterEach(async () => {
    await cancelAndDrain(submitted.splice(0));
  });

  it.each([
    ['root', undefined, '0'],
    ['the test user', 'qputest', undefined],
  ])('runs an sbatch --wrap job as %s', async (_who, user, expectedUid) => {
    const id = await sbatch(['--wrap', 'id -u; echo batch-ran'], user ? { user } : {});
    submitted.push(id);
    expect(await waitForJob(id)).toBe('COMPLETED');
    const output = jobOutput(id);
    expect(output).toContain('batch-ran');
    const uid = output.trim().split('\n')[0];
    if (expectedUid !== undefined) expect(uid).toBe(expectedUid);
    else expect(uid).not.toBe('0');
  });

  it.each([
    ['root', undefined],
    ['the test user', 'qputest'],
  ])('runs an srun job as %s', async (_who, user) => {
    const result = await slurm('srun', ['-Q', '-N1', 'id', '-un'], user ? { user } : {});
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout.trim()).toBe(user ?? 'root');
  });

  it('allocates --gres=qpu:1 and records it on the job', async () => {
    const id = await sbatch(['--gres=qpu:1', '--wrap', 'sleep 30']);
    submitted.push(id);
    await waitForJob(id, ['RUNNING']);
    const job = await showJob(id);
    expect(job.JOB_GRES ?? job.GRES ?? '').toMatch(/qpu(:sim)?:1/);
  });

  it('runs four qpu:sim:1 jobs on qpu:sim:4 and holds the fifth for Resources', async () => {
    const ids: string[] = [];
    // Typed: the node has other qpu types too (ibm_fake).
    for (let i = 0; i < 5; i++) ids.push(await sbatch(['--gres=qpu:sim:1', '--wrap', 'sleep 60']));
    submitted.push(...ids);
    const states = await settle(ids, 4);
    expect(states.filter((s) => s.state === 'RUNNING')).toHaveLength(4);
    const pending = states.filter((s) => s.state === 'PENDING');
    expect(pending).toHaveLength(1);
    expect(pending[0]?.reason).toBe('Resources');
  });

  it('runs two license jobs on qpu_sim_shared:2 and holds the third for Licenses', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await sbatch(['-L', 'qpu_sim_shared:1', '--wrap', 'sleep 60']));
    submitted.push(...ids);
    const states = await settle(ids, 2);
    expect(states.filter((s) => s.state === 'RUNNING')).toHaveLength(2);
    const pending = states.filter((s) => s.state === 'PENDING');
    expect(pending).toHaveLength(1);
    expect(pending[0]?.reason).toBe('Licenses');
  });

  it('writes an env file that points the Slurm commands at this cluster', () => {
    const env = clusterEnv();
    expect(env.SLURM_CONF).toMatch(/slurm\.conf$/);
    expect(env.QPU_DEV_CLUSTER_TEST_USER).toBe('qputest');
  });
});
