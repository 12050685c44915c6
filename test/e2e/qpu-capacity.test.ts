/**
 * Fail closed: a job that names a backend but does not hold its Slurm capacity (GRES or license)
 * fails with one line saying what to add, and the node keeps taking jobs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { drain, leases, nodeState, output, qpuCluster, qpuSkipReason, shown, slurmCmd, submit, waitState } from './qpu-helpers.js';

describe.skipIf(qpuSkipReason() !== '')('QPU capacity check', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it('an sbatch job without --gres fails with the line to add; the node is not drained', async () => {
    const id = await submit(['-t', '5', '--q_backend=sim', '--wrap', 'echo the-job-ran']);
    jobs.push(id);
    expect(await waitState(id)).toBe('FAILED');
    const text = output(id);
    expect(text).toContain(
      "spank_qpu: task_init: this job does not hold the Slurm capacity for its QPU (backend 'sim' needs GRES qpu:sim): add `#SBATCH --gres=qpu:sim:1` to the job script",
    );
    expect(text).not.toContain('the-job-ran');
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
    expect(await leases()).not.toContain(id);
    const next = await slurmCmd('srun', ['-Q', 'true']);
    expect(next.code, shown(next)).toBe(0);
  });

  it('an srun without the license fails with the -L line to add', async () => {
    const result = await slurmCmd('srun', ['-Q', '--qpu=sim_shared', 'echo', 'ran'], { user: qpuCluster().testUser });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("backend 'sim_shared' needs license qpu_sim_shared): add `#SBATCH -L qpu_sim_shared:1`");
    expect(result.stdout).not.toContain('ran');
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
  });

  it('holding the other backend\'s capacity is not enough', async () => {
    const result = await slurmCmd('srun', ['-Q', '-L', 'qpu_sim_shared:1', '--q_backend=sim', 'true']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--gres=qpu:sim:1');
  });

  it('an untyped --gres=qpu:1 is enough when Slurm allocates the backend\'s type', async () => {
    const result = await slurmCmd('srun', ['-Q', '--gres=qpu:1', '--q_backend=sim', 'printenv', 'QRUN_BACKENDS']);
    expect(result.code, shown(result)).toBe(0);
    expect(result.stdout.trim()).toBe('sim');
  });
});
