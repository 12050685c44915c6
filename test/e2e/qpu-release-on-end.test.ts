/**
 * The lease is given back however a job ends: scancel while it runs, or its time limit. Release runs
 * in job_epilog, once per job per node.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/devcluster/exec.js';
import { countEvents, drain, leases, nodeState, qpuSkipReason, slurmCmd, submit, waitReleased, waitState } from './qpu-helpers.js';

async function waitLease(id: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await leases()).includes(id)) {
    if (Date.now() > deadline) throw new Error(`job ${id} never acquired`);
    await sleep(100);
  }
}

describe.skipIf(qpuSkipReason() !== '')('QPU release when a job ends early', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it('scancel mid-job releases the lease once', async () => {
    const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'sleep 300']);
    jobs.push(id);
    await waitLease(id);
    await slurmCmd('scancel', [id]);
    expect(await waitState(id)).toBe('CANCELLED');
    await waitReleased(id);
    expect(await countEvents(id, 'lease released')).toBe(1);
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
  });

  it('reaching the time limit releases the lease once', async () => {
    // Slurm's smallest time limit is one minute, checked every ~30 s: this test takes a while.
    const id = await submit(['-t', '1', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'sleep 300']);
    jobs.push(id);
    await waitLease(id);
    expect(await waitState(id, ['TIMEOUT'], 140_000)).toBe('TIMEOUT');
    await waitReleased(id);
    expect(await countEvents(id, 'lease released')).toBe(1);
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
  }, 180_000);
});
