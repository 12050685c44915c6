/**
 * Acquire once, release once, for each way a job reaches a node (sbatch, salloc+srun, srun), keyed
 * by job id: the journal and the hook's log prove it. The environment reaches every task of a
 * 4-task step and nested sruns, and jobs run as an ordinary user.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  countEvents,
  drain,
  hookEvents,
  leases,
  output,
  qpuCluster,
  qpuSkipReason,
  shown,
  slurmCmd,
  submit,
  waitReleased,
  waitState,
} from './qpu-helpers.js';

const SCRIPT_4_TASKS = [
  '#!/bin/bash',
  'echo "batch $QRUN_BACKENDS $QRUN_ENDPOINT ${QRUN_TOKEN:0:12} $QRUN_DEADLINE $SLURM_JOB_QPU_RESOURCES $SLURM_JOB_QPU_TYPES"',
  'srun -Q -n4 --overcommit bash -c \'echo "task $SLURM_PROCID ${QRUN_TOKEN:0:12}"\'',
  'srun -Q -n1 bash -c \'echo "nested ${QRUN_TOKEN:0:12}"\'',
  '',
].join('\n');

async function jobIdFromLog(before: number): Promise<string> {
  const events = (await hookEvents()).slice(before).filter((e) => e.msg === 'lease acquired');
  return String(events[events.length - 1]?.jobId ?? '');
}

describe.skipIf(qpuSkipReason() !== '')('QPU lease lifecycle', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it.each([
    ['root', undefined],
    ['the ordinary test user', 'user'],
  ])('sbatch as %s: env in every task of a 4-task step and in nested sruns; one acquire, one release', async (_who, asUser) => {
    const cluster = qpuCluster();
    const user = asUser ? cluster.testUser : undefined;
    const script = join(cluster.jobs, 'qpu-four-tasks.sh');
    await writeFile(script, SCRIPT_4_TASKS, { mode: 0o755 });
    const id = await submit(['-n4', '--overcommit', '-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], user ? { user } : {});
    jobs.push(id);
    expect(await waitState(id)).toBe('COMPLETED');
    const lines = output(id).trim().split('\n');
    const batch = lines.find((l) => l.startsWith('batch '))?.split(' ') ?? [];
    expect(batch.slice(0, 2), output(id)).toEqual(['batch', 'sim']);
    // `local:` (in-process simulator) until the per-job gateway serves sim jobs too.
    expect(batch[2]).toMatch(/^(local:|unix:\/|http:\/\/127\.0\.0\.1:)/);
    const token = batch[3] ?? '';
    expect(token).toMatch(/^\S{12}$/);
    expect(Number(batch[4])).toBeGreaterThan(Date.now() / 1000);
    expect(Number(batch[4])).toBeLessThanOrEqual(Date.now() / 1000 + 5 * 60 + 5);
    expect(batch.slice(5)).toEqual(['sim', 'sim']);
    expect(lines.filter((l) => l.startsWith('task ')).sort()).toEqual([0, 1, 2, 3].map((i) => `task ${i} ${token}`));
    expect(lines).toContain(`nested ${token}`);

    await waitReleased(id);
    expect(await countEvents(id, 'lease acquired')).toBe(1);
    expect(await countEvents(id, 'lease found')).toBe(2);
    expect(await countEvents(id, 'lease released')).toBe(1);
    const acquired = (await hookEvents(id)).find((e) => e.msg === 'lease acquired');
    expect(acquired).toMatchObject({ backend: 'sim', step: 'batch' });
    if (user) expect(acquired?.uid).not.toBe(0);
  });

  it('salloc + two sruns: one acquire, the second step finds the lease, one release', async () => {
    const before = (await hookEvents()).length;
    const result = await slurmCmd('salloc', [
      '-Q',
      '-t',
      '5',
      '--gres=qpu:sim:1',
      '--q_backend=sim',
      'bash',
      '-c',
      'srun -Q bash -c \'echo "one ${QRUN_TOKEN:0:12}"\'; srun -Q bash -c \'echo "two ${QRUN_TOKEN:0:12}"\'',
    ]);
    expect(result.code, shown(result)).toBe(0);
    const [one, two] = result.stdout.trim().split('\n');
    expect(one?.split(' ')[1]).toMatch(/^\S{12}$/);
    expect(two?.split(' ')[1]).toBe(one?.split(' ')[1]);
    const id = await jobIdFromLog(before);
    await waitReleased(id);
    expect(await countEvents(id, 'lease acquired')).toBe(1);
    expect(await countEvents(id, 'lease found')).toBe(1);
    expect(await countEvents(id, 'lease released')).toBe(1);
  });

  it('salloc without a step acquires nothing and spawns no release', async () => {
    const before = (await hookEvents()).length;
    const result = await slurmCmd('salloc', ['-Q', '-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', 'true']);
    expect(result.code, shown(result)).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await hookEvents()).slice(before)).toEqual([]);
  });

  it('plain srun as the test user with a license-counted backend (--qpu spelling)', async () => {
    const before = (await hookEvents()).length;
    const result = await slurmCmd(
      'srun',
      ['-Q', '-t', '5', '-L', 'qpu_sim_shared:1', '--qpu=sim_shared', 'bash', '-c', 'echo "$QRUN_BACKENDS $SLURM_JOB_QPU_TYPES $(id -u)"'],
      { user: qpuCluster().testUser },
    );
    expect(result.code, shown(result)).toBe(0);
    const [backends, types, uid] = result.stdout.trim().split(' ');
    expect([backends, types]).toEqual(['sim_shared', 'sim']);
    expect(uid).not.toBe('0');
    const id = await jobIdFromLog(before);
    await waitReleased(id);
    expect(await countEvents(id, 'lease acquired')).toBe(1);
    expect(await countEvents(id, 'lease released')).toBe(1);
  });

  it('leaves the lease journal root-only and empty after the jobs', async () => {
    expect(await leases()).toEqual([]);
  });
});
