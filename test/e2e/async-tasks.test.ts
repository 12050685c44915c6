/**
 * Work that outlives a job, under real Slurm against the IBM contract fake (its jobs held Queued
 * until the test lets the vendor get to them):
 * - `qrun submit --detach` in one job, `qrun result` in a job that depends on it (afterok);
 * - another user can neither read the record, nor use a copy of it, nor a copy forged with their
 *   uid (the later job's gateway checks the binding), and the task survives all three;
 * - a run signalled ahead of its time limit (`--time=1 --signal=USR1@…`) exits 75 with its record
 *   written, and `qrun resume` in the next job (afternotok) collects the same vendor job: the fake
 *   created exactly one.
 */
import { chown, copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { QRUN } from './gateway-helpers.js';
import { BELL_ISA, IBM_ALIAS, startIbmFake, type IbmFake } from './ibm-fake.js';
import { drain, jobField, output, qpuCluster, qpuSkipReason, submit, waitReleased, waitState } from './qpu-helpers.js';
import { until } from './vendor-fake.js';

const QPU = [`--gres=qpu:${IBM_ALIAS}:1`, `--q_backend=${IBM_ALIAS}`];

async function uidOf(user: string): Promise<number> {
  return Number((await run('id', ['-u', user])).stdout.trim());
}

async function script(name: string, lines: readonly string[]): Promise<string> {
  const path = join(qpuCluster().jobs, name);
  await writeFile(path, ['#!/bin/bash', `cd ${qpuCluster().jobs}`, ...lines, ''].join('\n'), { mode: 0o755 });
  return path;
}

interface Samples {
  results: { data: { c: { samples: string[] } } }[];
}

async function bellSamples(file: string): Promise<Set<string>> {
  const result = JSON.parse(await readFile(file, 'utf8')) as Samples;
  return new Set(result.results[0]?.data.c.samples ?? []);
}

describe.skipIf(qpuSkipReason() !== '')('tasks that outlive a job, under Slurm', () => {
  const jobs: string[] = [];
  let fake: IbmFake | undefined;
  let payload = '';

  beforeAll(async () => {
    payload = join(qpuCluster().jobs, 'async-bell.json');
    await writeFile(payload, JSON.stringify({ pubs: [[BELL_ISA, null, 200]], version: 2 }), { mode: 0o644 });
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
    await fake?.stop();
    fake = undefined;
  });

  it('submit --detach in one job, result in a dependent job; another user is refused the record, a copy and a forged copy', async () => {
    const running = (fake = await startIbmFake({ queueDelayMs: 50, hold: true }));
    const { jobs: dir, testUser, secondUser } = qpuCluster();
    expect(secondUser, 'the dev cluster was started without --second-user').not.toBe('');
    const record = join(dir, `async-detach-${Date.now()}.json`);

    const submitter = await submit(['-t', '2', ...QPU, await script('async-submit.sh', [`node ${QRUN} submit --detach --record ${record} ${payload}; echo "submit exit $?"`])], { user: testUser });
    jobs.push(submitter);
    const collector = await submit(
      ['-t', '2', ...QPU, `--dependency=afterok:${submitter}`, await script('async-result.sh', [`node ${QRUN} result ${record} ${record}.out.json; echo "result exit $?"`])],
      { user: testUser },
    );
    jobs.push(collector);
    expect(await waitState(submitter), output(submitter)).toBe('COMPLETED');
    await waitReleased(submitter);
    expect(output(submitter)).toContain('submit exit 0');
    // The record is the owner's alone, and names the vendor job the submitting job left running.
    expect((await stat(record)).mode & 0o777).toBe(0o600);
    const written = JSON.parse(await readFile(record, 'utf8')) as { owner_uid: number; durability: string; vendor_jobs: { id: string }[]; binding: string | null };
    expect(written.owner_uid).toBe(await uidOf(testUser));
    expect(written.durability).toBe('detached');
    expect(written.vendor_jobs).toHaveLength(1);
    expect(written.binding).not.toBeNull();
    expect(running.served('POST /jobs/{id}/cancel')).toBe(0);

    // The other user: the record itself, a copy made theirs, and a copy forged with their uid.
    const copy = join(dir, `async-copy-${Date.now()}.json`);
    const forged = join(dir, `async-forged-${Date.now()}.json`);
    const otherUid = await uidOf(secondUser);
    await copyFile(record, copy);
    await writeFile(forged, JSON.stringify({ ...written, owner_uid: otherUid }), { mode: 0o600 });
    for (const file of [copy, forged]) await chown(file, otherUid, otherUid);
    const intruder = await submit(
      [
        '-t',
        '2',
        ...QPU,
        await script('async-intruder.sh', [
          `node ${QRUN} result ${record} 2>&1; echo "own exit $?"`,
          `node ${QRUN} result ${copy} 2>&1; echo "copy result exit $?"`,
          `node ${QRUN} result ${forged} 2>&1; echo "forged result exit $?"`,
          `node ${QRUN} cancel ${forged} 2>&1; echo "forged cancel exit $?"`,
        ]),
      ],
      { user: secondUser },
    );
    jobs.push(intruder);
    expect(await waitState(intruder), output(intruder)).toBe('COMPLETED');
    const seen = output(intruder);
    expect(seen).toContain('own exit 5'); // FILE_UNREADABLE: the record is mode 0600
    expect(seen).toMatch(/TASK_NOT_OWNED.*belongs to uid \d+, not to uid \d+[\s\S]*copy result exit 9/);
    expect(seen).toMatch(/TASK_NOT_OWNED.*binding was not made[\s\S]*forged result exit 9/);
    expect(seen).toContain('forged cancel exit 9');
    expect(running.served('POST /jobs/{id}/cancel')).toBe(0);

    // Now the vendor gets to the job: the dependent job collects it.
    running.release();
    expect(await waitState(collector, undefined, 60_000), output(collector)).toBe('COMPLETED');
    expect(output(collector)).toContain('result exit 0');
    expect(await bellSamples(`${record}.out.json`)).toEqual(new Set(['0x0', '0x3']));
    expect(running.created()).toBe(1);
    const collected = JSON.parse(await readFile(record, 'utf8')) as { state: string; result_file: string | null };
    expect(collected.state).toBe('completed');
    expect(collected.result_file).not.toBeNull();
  }, 120_000);

  it('a run signalled ahead of its time limit exits 75 with its record; resume in the next job collects the same vendor job', async () => {
    const running = (fake = await startIbmFake({ queueDelayMs: 50, hold: true }));
    const { jobs: dir, testUser } = qpuCluster();
    const record = join(dir, `async-resume-${Date.now()}.json`);
    // The documented pattern: Slurm sends USR1 ahead of the limit to the steps; qrun runs as one.
    const interrupted = await submit(
      ['--time=1', '--signal=USR1@55', ...QPU, await script('async-limit.sh', [`srun node ${QRUN} sample --record ${record} ${payload} ${record}.first.json`, 'rc=$?', 'echo "qrun exit $rc"', 'exit $rc'])],
      { user: testUser },
    );
    jobs.push(interrupted);
    const resumer = await submit(
      ['-t', '2', ...QPU, `--dependency=afternotok:${interrupted}`, await script('async-resume.sh', [`node ${QRUN} resume ${record} ${record}.out.json; echo "resume exit $?"`])],
      { user: testUser },
    );
    jobs.push(resumer);
    await until('the vendor job of the run', () => running.created() === 1, 30_000);
    expect(await waitState(interrupted, undefined, 90_000), output(interrupted)).toBe('FAILED');
    expect(await jobField(interrupted, 'ExitCode')).toBe('75:0');
    expect(output(interrupted)).toContain('qrun exit 75');
    expect(output(interrupted)).toContain('TASK_INTERRUPTED');
    await waitReleased(interrupted);
    const saved = JSON.parse(await readFile(record, 'utf8')) as { state: string; vendor_jobs: unknown[] };
    expect(saved.state).toBe('interrupted');
    expect(saved.vendor_jobs).toHaveLength(1);
    // The job's end kept the vendor job: nothing was cancelled.
    expect(running.served('POST /jobs/{id}/cancel')).toBe(0);

    running.release();
    expect(await waitState(resumer, undefined, 60_000), output(resumer)).toBe('COMPLETED');
    expect(output(resumer)).toContain('resume exit 0');
    expect(await bellSamples(`${record}.out.json`)).toEqual(new Set(['0x0', '0x3']));
    expect(running.created()).toBe(1);
  }, 150_000);
});
