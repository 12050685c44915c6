/**
 * QPU use in Slurm's accounting: with slurmdbd (`dev-cluster up --accounting`), sacct lists a QPU job's
 * GRES and license as TRES, and the vendor ids the hook put in its AdminComment. Opt-in, like the
 * MPI suite: QPU_TEST_ACCOUNTING=1 makes the global setup start MariaDB and slurmdbd, which costs
 * more than the rest of the cluster.
 */
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/devcluster/exec.js';
import { ibmFakeWithCatalogue } from './fault-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, shown, slurmCmd, submit, waitState, withCatalogue } from './qpu-helpers.js';

const enabled = process.env.QPU_TEST_ACCOUNTING === '1';

/** slurmdbd receives a job's record a moment after it ends: poll until sacct has it. */
async function sacctField(jobId: string, field: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await slurmCmd('sacct', ['-j', jobId, '-X', '-n', '-P', '-o', field]);
    const value = result.stdout.trim();
    if (value !== '' || Date.now() > deadline) return value;
    await sleep(250);
  }
}

const allocTres = (jobId: string): Promise<string> => sacctField(jobId, 'AllocTRES');

describe.skipIf(!enabled || qpuSkipReason() !== '')('QPU use in sacct (QPU_TEST_ACCOUNTING=1)', () => {
  it('lists the QPU GRES and the QPU license in AllocTRES', async () => {
    expect(qpuCluster().env['QPU_DEV_CLUSTER_ACCOUNTING']).toBe('1');
    const user = qpuCluster().testUser;
    const gres = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'true'], { user });
    const license = await submit(['-t', '5', '-L', 'qpu_sim_shared:1', '--qpu=sim_shared', '--wrap', 'true'], { user });
    expect(await waitState(gres)).toBe('COMPLETED');
    expect(await waitState(license)).toBe('COMPLETED');
    const gresTres = await allocTres(gres);
    expect(gresTres, shown(await slurmCmd('sacct', ['-j', gres, '-o', 'JobID,User,Account,AllocTRES%80']))).toMatch(/gres\/qpu=1/);
    expect(gresTres).toMatch(/gres\/qpu:sim=1/);
    expect(await allocTres(license)).toMatch(/license\/qpu_sim_shared=1/);
  });

  it("keeps the job's vendor ids (its IBM session) in sacct's AdminComment after the job", async () => {
    const { fake, catalogue } = await ibmFakeWithCatalogue({ portOffset: 42 });
    try {
      await withCatalogue(catalogue, async () => {
        const id = await submit(['-t', '2', '--gres=qpu:ibm_fake:1', '--q_backend=ibm_fake', '--wrap', 'true'], { user: qpuCluster().testUser });
        expect(await waitState(id, undefined, 90_000), output(id)).toBe('COMPLETED');
        const sessions = [...fake.sessions.keys()];
        expect(sessions).toHaveLength(1);
        expect(await sacctField(id, 'AdminComment')).toContain(`qpu_sessions=${JSON.stringify({ ibm_fake: sessions[0] })}`);
      });
    } finally {
      await drain();
      await fake.close();
    }
  }, 150_000);
});
