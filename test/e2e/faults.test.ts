/**
 * "Nothing leaks, whatever dies", under real Slurm: the gateway SIGKILLed mid-job, the handler
 * killed at named fault points of acquire and release, the job's epilog handler dying (the gateway
 * then stops by itself and the next job's acquire reaps the lease), scancel of a running job,
 * slurmd restarted while a QPU job runs, the IBM fake's session opened just before the handler died.
 * After each: the job holds no lane, lease or gateway directory, its release was logged once, the
 * fake's session count closes, and the next job gets the QPU.
 *
 * The rest of the matrix (slurmctld restart, the job's slurmstepd SIGKILLed, scancel while pending,
 * a time limit mid-task, IBM answering 5xx on release) costs minutes: it runs with QPU_TEST_FAULTS=all.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { clusterPaths } from '../../src/devcluster/paths.js';
import { restartDaemon } from '../../src/devcluster/cluster.js';
import type { IbmComputeFake } from '../fakes/ibm-quantum-compute/index.js';
import { alive, BELL, QRUN } from './gateway-helpers.js';
import { armFault, faultsArmed, ibmFakeWithCatalogue, leaseFile, lanes, releasedOnce, until, waitQpuBack } from './fault-helpers.js';
import { drain, hookEvents, leases, nodeState, output, qpuCluster, qpuSkipReason, setArg, slurmCmd, submit, waitState, withCatalogue, withPlugstack } from './qpu-helpers.js';

const ALL = process.env.QPU_TEST_FAULTS === 'all';
/** The shim without the node's hook service: every hook call is a handler process, killed alone. */
const withoutService = <T>(body: () => Promise<T>): Promise<T> => withPlugstack((line) => setArg(line, 'service', 'no'), body);

/** Hook log lines of the service's keeper saying it started a worker again after one died. */
async function workerRestarts(): Promise<number> {
  const log = await readFile(join(qpuCluster().stateDir, 'hook.log'), 'utf8').catch(() => '');
  return log.split('\n').filter((line) => line.includes('"hook service worker ended; starting it again"')).length;
}
const SIM = ['--gres=qpu:sim:1', '--q_backend=sim'];

/** A job script that signals <jobs>/f-<id>.ready, waits for <jobs>/f-<id>.go, then runs `after`. */
async function script(name: string, before: readonly string[], after: readonly string[]): Promise<string> {
  const { jobs } = qpuCluster();
  const path = join(jobs, name);
  const lines = ['#!/bin/bash', `cd ${jobs}`, ...before, 'touch f-$SLURM_JOB_ID.ready', 'for i in $(seq 1200); do [ -e f-$SLURM_JOB_ID.go ] && break; sleep 0.1; done', ...after, ''];
  await writeFile(path, lines.join('\n'), { mode: 0o755 });
  return path;
}

const ready = (id: string): Promise<true> => until(`job ${id} to be ready`, () => fileExists(join(qpuCluster().jobs, `f-${id}.ready`)), 60_000);
const go = (id: string): Promise<void> => writeFile(join(qpuCluster().jobs, `f-${id}.go`), '');

async function fileExists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

/**
 * After a fault: the QPU came back, the release was logged once, and the next job gets the QPU.
 * `undone: true` (a hook service worker died mid-acquire): the handler the shim ran instead undid
 * the dead worker's lease before acquiring afresh, so there is one release of each.
 */
async function expectRecovered(id: string, bounds: Record<string, number>, name: string, options: { undone?: boolean } = {}): Promise<void> {
  bounds[name] = await waitQpuBack(id);
  const expected = options.undone === true ? 2 : 1;
  // The epilog's release may be answered before it is done: its log line follows the lease's removal by a moment.
  await until(`job ${id}'s release to be logged`, async () => (await releasedOnce(id)) >= expected, 5_000).catch(() => undefined);
  expect(await releasedOnce(id), `${name}: 'lease released' lines of job ${id}`).toBe(expected);
  if (options.undone === true) {
    const reasons = (await hookEvents(id)).filter((e) => e.msg === 'lease released').map((e) => e.reason);
    expect(reasons.sort(), name).toEqual(['acquire-recovery', 'epilog']);
  }
}

describe.skipIf(qpuSkipReason() !== '')('faults under real Slurm', () => {
  const jobs: string[] = [];
  const bounds: Record<string, number> = {};
  let testUser = '';

  beforeAll(() => {
    testUser = qpuCluster().testUser;
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
    expect(await faultsArmed(), 'a fault point armed by the test was never reached').toEqual([]);
  });

  afterAll(() => {
    // The measured times from "Slurm says the job is gone" to "its QPU is back" (docs/reliability.md).
    process.stderr.write(`faults: QPU back after (ms): ${JSON.stringify(bounds)}\n`);
  });

  it('a SIGKILLed gateway: the next call fails at once with GATEWAY_GONE, the next step restarts it, usage survives', async () => {
    const path = await script(
      'f-gateway-kill.sh',
      [`node ${QRUN} sample ${BELL} a-$SLURM_JOB_ID.json || exit 11`],
      [
        `node ${QRUN} sample ${BELL} b-$SLURM_JOB_ID.json 2> b-$SLURM_JOB_ID.err; echo "second call exit $?"`,
        `srun -n1 node ${QRUN} sample ${BELL} c-$SLURM_JOB_ID.json || exit 13`,
      ],
    );
    const id = await submit(['-t', '3', ...SIM, path], { user: testUser });
    jobs.push(id);
    await ready(id);
    const lease = await leaseFile(id);
    const pid = lease?.gateway?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await until('the gateway to be dead', async () => !alive(pid), 5_000);
    await go(id);
    expect(await waitState(id, undefined, 120_000), output(id)).toBe('COMPLETED');
    const { jobs: dir, stateDir } = qpuCluster();
    const err = readFileSync(join(dir, `b-${id}.err`), 'utf8');
    expect(output(id)).toMatch(/second call exit [1-9]/);
    expect(err).toMatch(/GATEWAY_GONE/);
    expect(err).toMatch(/gateway is gone/);
    expect(err).not.toMatch(/ECONNREFUSED/);
    expect(JSON.parse(readFileSync(join(dir, `c-${id}.json`), 'utf8'))).toHaveProperty('results');
    expect((await hookEvents(id)).filter((e) => e.msg === 'gateway restarted')).toHaveLength(1);
    await expectRecovered(id, bounds, 'gateway SIGKILL');
    // The first task (counted by the dead gateway) and the third (by its successor) are both in the record.
    const usage = JSON.parse(await readFile(join(stateDir, 'usage', `${id}.json`), 'utf8')) as { backends: Record<string, { completed: number }> };
    expect(usage.backends['sim']?.completed).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('the handler killed at acquire (after the claim, after the gateway started): the job fails, the epilog undoes it', async () => {
    await withoutService(async () => {
      for (const point of ['acquire:after-claim', 'acquire:after-gateway'] as const) {
        await armFault(point);
        const id = await submit(['-t', '2', ...SIM, '--wrap', 'true'], { user: testUser });
        jobs.push(id);
        expect(await waitState(id, undefined, 90_000), point).toBe('FAILED');
        await expectRecovered(id, bounds, `handler killed at ${point}`);
      }
    });
    const next = await submit(['-t', '2', ...SIM, '--wrap', `node ${QRUN} sample ${BELL} /dev/null`], { user: testUser });
    jobs.push(next);
    expect(await waitState(next, undefined, 90_000), output(next)).toBe('COMPLETED');
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
  }, 240_000);

  it('the hook service worker killed at acquire: before its reply the shim runs the handler itself, after it the job keeps the gateway it started; the job runs and the keeper starts a new worker', async () => {
    for (const point of ['acquire:after-claim', 'acquire:after-gateway'] as const) {
      const restarts = await workerRestarts();
      await armFault(point);
      const path = await script(`f-service-${point.replace(':', '-')}.sh`, [], [`node ${QRUN} sample ${BELL} /dev/null`]);
      const id = await submit(['-t', '2', ...SIM, path], { user: testUser });
      jobs.push(id);
      await ready(id);
      // Undone and acquired again by the handler process: one lane, one gateway, the lease held.
      expect((await leaseFile(id))?.state, point).toBe('held');
      expect(Object.values(await lanes()).filter((job) => job === id), point).toHaveLength(1);
      if (point === 'acquire:after-gateway') {
        // The service answers before it starts the gateway (docs/adr/0009-gateway-after-reply.md): this
        // worker died after its reply and after the gateway's start, so the job runs on that gateway.
        const lease = await leaseFile(id);
        expect(lease?.gatewayState, point).toBe('running');
        expect(alive(lease?.gateway?.pid ?? 0), `${point}: the gateway the dead worker started`).toBe(true);
      }
      await go(id);
      expect(await waitState(id, undefined, 90_000), `${point}: ${output(id)}`).toBe('COMPLETED');
      // After the claim the lease was half done, so it was undone and taken afresh by the handler.
      await expectRecovered(id, bounds, `service worker killed at ${point}`, { undone: point === 'acquire:after-claim' });
      expect(await workerRestarts(), point).toBe(restarts + 1);
    }
  }, 240_000);

  it('the epilog handler killed: the gateway stops by itself at the job end, the next acquire reaps the lease', async () => {
    await withoutService(() => epilogKilled());
  }, 180_000);

  it('the hook service worker killed mid-release: the new worker reaps the lease as it starts', async () => {
    const path = await script('f-service-epilog-kill.sh', [], []);
    const id = await submit(['-t', '2', ...SIM, path], { user: testUser });
    jobs.push(id);
    await ready(id);
    const pid = (await leaseFile(id))?.gateway?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    const restarts = await workerRestarts();
    await armFault('release:after-journal');
    await go(id);
    expect(await waitState(id, undefined, 90_000)).toBe('COMPLETED');
    await until('the orphaned gateway to stop', async () => !alive(pid), 5_000);
    // No next job is needed: the keeper's new worker reaps at its start.
    await expectRecovered(id, bounds, 'service worker killed mid-release (reaped by the next worker)');
    expect((await hookEvents(id)).some((e) => e.msg === 'lease reaped')).toBe(true);
    expect(await workerRestarts()).toBe(restarts + 1);
  }, 180_000);

  async function epilogKilled(): Promise<void> {
    const path = await script('f-epilog-kill.sh', [], []);
    const id = await submit(['-t', '2', ...SIM, path], { user: testUser });
    jobs.push(id);
    await ready(id);
    const pid = (await leaseFile(id))?.gateway?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    await armFault('release:after-journal');
    await go(id);
    expect(await waitState(id, undefined, 90_000)).toBe('COMPLETED');
    // No release finished, yet the gateway is gone (it watched the batch step) and so is its socket.
    await until('the orphaned gateway to stop', async () => !alive(pid), 5_000);
    // The epilog's release runs detached: it got as far as its journal, and no further.
    await until('the release to be journalled', async () => (await leaseFile(id))?.state === 'releasing', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await leaseFile(id))?.state).toBe('releasing');
    const next = await submit(['-t', '2', ...SIM, '--wrap', `node ${QRUN} sample ${BELL} /dev/null`], { user: testUser });
    jobs.push(next);
    expect(await waitState(next, undefined, 90_000), output(next)).toBe('COMPLETED');
    await expectRecovered(id, bounds, 'epilog handler killed (reaped at the next acquire)');
    expect((await hookEvents(id)).some((e) => e.msg === 'lease reaped')).toBe(true);
  }

  it('scancel of a running QPU job gives the lane back', async () => {
    const id = await submit(['-t', '2', ...SIM, '--wrap', 'sleep 300'], { user: testUser });
    jobs.push(id);
    await until(`job ${id}'s lease`, async () => (await leaseFile(id))?.state === 'held', 60_000);
    await slurmCmd('scancel', [id]);
    expect(await waitState(id)).toBe('CANCELLED');
    await expectRecovered(id, bounds, 'scancel running');
  }, 120_000);

  it('slurmd restarted while a QPU job runs: the lease is kept (the start-up reap leaves running jobs), the job finishes, the lane comes back', async () => {
    const path = await script('f-slurmd.sh', [], [`node ${QRUN} sample ${BELL} /dev/null || exit 12`]);
    const id = await submit(['-t', '3', ...SIM, path], { user: testUser });
    jobs.push(id);
    await ready(id);
    const before = (await hookEvents()).filter((e) => e.msg === 'reap done').length;
    await restartDaemon(clusterPaths(), 'slurmd', () => undefined);
    await until('the start-up reap', async () => (await hookEvents()).filter((e) => e.msg === 'reap done').length > before, 30_000);
    expect((await leaseFile(id))?.state).toBe('held');
    await go(id);
    expect(await waitState(id, undefined, 90_000), output(id)).toBe('COMPLETED');
    await expectRecovered(id, bounds, 'slurmd restart');
  }, 180_000);

  describe('with the IBM fake', () => {
    let fake: IbmComputeFake | undefined;
    let catalogue = '';
    beforeAll(async () => {
      ({ fake, catalogue } = await ibmFakeWithCatalogue());
    });
    afterAll(async () => {
      await fake?.close();
    });

    it('the handler killed just after IBM opened the session: the epilog closes it, once', async () => {
      const running = fake as IbmComputeFake;
      await withoutService(() =>
        withCatalogue(catalogue, async () => {
          const before = running.counts();
          await armFault('acquire:after-session');
          const id = await submit(['-t', '2', '--gres=qpu:ibm_fake:1', '--q_backend=ibm_fake', '--wrap', 'true'], { user: testUser });
          jobs.push(id);
          expect(await waitState(id, undefined, 90_000)).toBe('FAILED');
          await expectRecovered(id, bounds, 'handler killed after the IBM session opened');
          const counts = running.counts();
          expect((counts['POST /sessions'] ?? 0) - (before['POST /sessions'] ?? 0)).toBe(1);
          expect((counts['DELETE /sessions/{id}/close'] ?? 0) - (before['DELETE /sessions/{id}/close'] ?? 0)).toBe(1);
          expect([...running.sessions.values()].every((s) => s.state === 'closed')).toBe(true);
        }),
      );
    }, 150_000);

    it('the hook service worker killed just after IBM opened the session: the handler closes it and opens the job its own', async () => {
      const running = fake as IbmComputeFake;
      await withCatalogue(catalogue, async () => {
        const before = running.counts();
        await armFault('acquire:after-session');
        const id = await submit(['-t', '2', '--gres=qpu:ibm_fake:1', '--q_backend=ibm_fake', '--wrap', 'true'], { user: testUser });
        jobs.push(id);
        expect(await waitState(id, undefined, 90_000), output(id)).toBe('COMPLETED');
        await expectRecovered(id, bounds, 'service worker killed after the IBM session opened', { undone: true });
        const counts = running.counts();
        // The dead worker's session and the job's own: both opened once and closed once.
        expect((counts['POST /sessions'] ?? 0) - (before['POST /sessions'] ?? 0)).toBe(2);
        expect((counts['DELETE /sessions/{id}/close'] ?? 0) - (before['DELETE /sessions/{id}/close'] ?? 0)).toBe(2);
        expect([...running.sessions.values()].every((s) => s.state === 'closed')).toBe(true);
      });
    }, 150_000);

    it.runIf(ALL)('IBM answering 500 to the session close: the lane comes back at once, the reaper closes the session later', async () => {
      const running = fake as IbmComputeFake;
      await withCatalogue(catalogue, async () => {
        const closesBefore = running.counts()['DELETE /sessions/{id}/close'] ?? 0;
        running.fail('DELETE /sessions/{id}/close', 500, 20);
        const id = await submit(['-t', '2', '--gres=qpu:ibm_fake:1', '--q_backend=ibm_fake', '--wrap', 'true'], { user: testUser });
        jobs.push(id);
        expect(await waitState(id, undefined, 90_000)).toBe('COMPLETED');
        await until('the lane back', async () => !Object.values(await lanes()).includes(id), 60_000);
        expect((await leaseFile(id))?.backends[0]?.sessionState).toBe('open');
        running.clearFaults();
        const reaped = await run('node', [QRUN, 'admin', 'reap', '--json', '--state-dir', qpuCluster().stateDir], { env: { PATH: process.env.PATH ?? '', SLURM_CONF: qpuCluster().slurmConf } });
        expect(reaped.stdout).toContain(`"jobId":${id}`);
        await expectRecovered(id, bounds, 'IBM 500 on release (closed by qrun admin reap)');
        expect((running.counts()['DELETE /sessions/{id}/close'] ?? 0) - closesBefore).toBeGreaterThanOrEqual(2);
      });
    }, 240_000);
  });

  it.runIf(ALL)('slurmctld restarted while a QPU job runs: a reap meanwhile touches nothing (Slurm cannot be asked)', async () => {
    const path = await script('f-ctld.sh', [], []);
    const id = await submit(['-t', '3', ...SIM, path], { user: testUser });
    jobs.push(id);
    await ready(id);
    await restartDaemon(clusterPaths(), 'slurmctld', () => undefined, {
      during: async () => {
        const reaped = await run('node', [QRUN, 'admin', 'reap', '--json', '--state-dir', qpuCluster().stateDir], { env: { PATH: process.env.PATH ?? '', SLURM_CONF: qpuCluster().slurmConf } });
        expect(reaped.stdout).toMatch(new RegExp(`"jobId":${id},"presence":"unknown"[^}]*"action":"left"`));
      },
    });
    expect((await leaseFile(id))?.state).toBe('held');
    await go(id);
    expect(await waitState(id, undefined, 120_000)).toBe('COMPLETED');
    await expectRecovered(id, bounds, 'slurmctld restart');
  }, 240_000);

  it.runIf(ALL)("the job's slurmstepd SIGKILLed: its gateway stops by itself, the lease is released once the job is ended", async () => {
    const path = await script('f-stepd.sh', [], []);
    const id = await submit(['-t', '3', ...SIM, path], { user: testUser });
    jobs.push(id);
    await ready(id);
    const gateway = (await leaseFile(id))?.gateway?.pid ?? 0;
    const batch = (await run('pgrep', ['-f', `slurmstepd: \\[${id}.batch\\]`])).stdout.trim().split('\n')[0] ?? '';
    expect(Number(batch)).toBeGreaterThan(0);
    process.kill(Number(batch), 'SIGKILL');
    // slurmd notices a dead slurmstepd only at its next node ping; the gateway does not wait for it.
    await until('the gateway of the killed step to stop', async () => !alive(gateway), 5_000);
    await slurmCmd('scancel', [id]);
    await waitState(id, undefined, 120_000);
    const next = await submit(['-t', '2', ...SIM, '--wrap', 'true'], { user: testUser });
    jobs.push(next);
    await waitState(next, undefined, 90_000);
    await expectRecovered(id, bounds, 'slurmstepd SIGKILL, then scancel');
  }, 300_000);

  it.runIf(ALL)('scancel while pending, and a time limit mid-task: nothing is held afterwards', async () => {
    const pending = await submit(['--begin=now+600', ...SIM, '--wrap', 'true'], { user: testUser });
    jobs.push(pending);
    await slurmCmd('scancel', [pending]);
    expect(await waitState(pending)).toBe('CANCELLED');
    expect(await leases()).not.toContain(pending);
    const timed = await submit(['-t', '1', ...SIM, '--wrap', `while true; do node ${QRUN} sample ${BELL} /dev/null; done`], { user: testUser });
    jobs.push(timed);
    expect(await waitState(timed, ['TIMEOUT'], 150_000)).toBe('TIMEOUT');
    await expectRecovered(timed, bounds, 'time limit mid-task');
  }, 200_000);
});
