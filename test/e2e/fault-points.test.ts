/**
 * Every named fault point (src/hook/faults.ts, FAULT_POINTS) crashed at in turn under real Slurm:
 * the handler is SIGKILLed there while it acquires or releases an IBM job on the contract fake (an
 * IBM job crosses every point: it claims a lane, opens a vendor session, starts a gateway, and its
 * release stops the gateway, frees the lane and closes the session). Then the node's own recovery
 * runs: the job's epilog for a crash in acquire, the next QPU job's acquire (its reap) for a crash
 * in the epilog's release. Afterwards:
 *
 * - lanes in use = QPU jobs running (none), no lease, lock-free, no gateway directory;
 * - the fake's sessions: every one opened is closed, each exactly once;
 * - no file on the node holds the job's token;
 * - the job's release was logged exactly once;
 * - the next job got the QPU.
 *
 * Each point is crashed twice: in a handler process (plugstack service=no: the shim ran it, and its
 * death fails an acquire), and in the node's hook service worker, whose death the shim answers by
 * running the handler itself — so an acquire crashed there still ends in a running job, whose
 * handler first undoes what the dead worker's journal names (closing any session it opened).
 *
 * The default run crashes at the release points the other suites do not reach (after the gateway
 * stop, after the session close); QPU_TEST_FAULTS=all runs the whole list.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_POINTS, type FaultPoint } from '../../src/hook/faults.js';
import type { IbmComputeFake } from '../fakes/ibm-quantum-compute/index.js';
import { QRUN } from './gateway-helpers.js';
import { armFault, faultsArmed, ibmBellPayload, ibmFakeWithCatalogue, lanesAndRunningJobs, leaseFile, releasedOnce, tokenFiles, until, waitQpuBack } from './fault-helpers.js';
import { drain, hookEvents, nodeState, output, qpuCluster, qpuSkipReason, setArg, submit, waitState, withCatalogue, withPlugstack } from './qpu-helpers.js';

const ALL = process.env.QPU_TEST_FAULTS === 'all';
const DEFAULT_POINTS: readonly FaultPoint[] = ['release:after-gateway-stop', 'release:after-session-close'];
const POINTS: readonly FaultPoint[] = ALL ? FAULT_POINTS : DEFAULT_POINTS;
const IBM = ['-t', '2', '--gres=qpu:ibm_fake:1', '--q_backend=ibm_fake'];

describe.skipIf(qpuSkipReason() !== '')('a crash at each fault point, under real Slurm', () => {
  let fake: IbmComputeFake | undefined;
  let catalogue = '';
  let bell = '';
  const jobs: string[] = [];
  const took: Record<string, number> = {};

  beforeAll(async () => {
    ({ fake, catalogue } = await ibmFakeWithCatalogue());
    bell = await ibmBellPayload();
  });
  afterEach(async () => {
    await drain(jobs.splice(0));
  });
  afterAll(async () => {
    await fake?.close();
    process.stderr.write(`fault points: case time (ms): ${JSON.stringify(took)}\n`);
  });

  const CASES = POINTS.flatMap((point) => [
    { point, where: 'a handler process' as const },
    { point, where: 'the hook service worker' as const },
  ]);

  it.each(CASES)('$where killed at $point: recovered, nothing left, nothing done twice', async ({ point, where }) => {
    const started = Date.now();
    const running = fake as IbmComputeFake;
    const user = qpuCluster().testUser;
    const inService = where === 'the hook service worker';
    const mode = <T>(body: () => Promise<T>): Promise<T> => (inService ? body() : withPlugstack((line) => setArg(line, 'service', 'no'), body));
    await mode(() => withCatalogue(catalogue, async () => {
      const before = running.counts();
      await armFault(point);
      // A job that runs a task at the vendor, so its session has work in it when release comes.
      const id = await submit([...IBM, '--wrap', `node ${QRUN} sample ${bell} /dev/null`], { user });
      jobs.push(id);
      const crashInRelease = point.startsWith('release:');
      expect(await waitState(id, undefined, 90_000), `${point}: ${output(id)}`).toBe(crashInRelease || inService ? 'COMPLETED' : 'FAILED');
      // The epilog's release runs detached from it: a crash there comes a moment after the job ends.
      await until(`${point} to be reached`, async () => (await faultsArmed()).length === 0, 30_000).catch(() => undefined);
      expect(await faultsArmed(), `${point} was never reached`).toEqual([]);
      if (crashInRelease) {
        // The epilog's handler died: the lease waits, half-released, for the node's next acquire.
        await until(`job ${id}'s half release in its journal`, async () => (await leaseFile(id))?.state === 'releasing', 10_000).catch(() => undefined);
        expect((await leaseFile(id))?.state).toBe('releasing');
        // Its journal still holds the token: the scan below finds a token file when there is one.
        expect(await tokenFiles(id)).not.toEqual([]);
      }

      const next = await submit([...IBM, '--wrap', `node ${QRUN} sample ${bell} /dev/null`], { user });
      jobs.push(next);
      expect(await waitState(next, undefined, 90_000), `the job after ${point}: ${output(next)}`).toBe('COMPLETED');
      await waitQpuBack(id);
      await waitQpuBack(next);
      if (crashInRelease) expect((await hookEvents(id)).some((e) => e.msg === 'lease reaped'), `${point}: reaped by the next acquire`).toBe(true);

      expect(await lanesAndRunningJobs()).toEqual({ lanes: [], running: [] });
      const after = running.counts();
      const delta = (route: string): number => (after[route] ?? 0) - (before[route] ?? 0);
      // The crashed job opened a session unless it died before opening one; the next job opened one.
      const opened = delta('POST /sessions');
      // The crashed job opened a session unless it died before opening one; the next job opened one.
      // In the service, a worker that died right after opening one leaves it to the handler to close,
      // and the handler opens the job its own.
      const expectedOpened = inService
        ? point === 'acquire:after-session' ? 3 : 2
        : point === 'acquire:after-journal' || point === 'acquire:after-claim' ? 1 : 2;
      expect(opened, `${point}: sessions opened`).toBe(expectedOpened);
      expect(delta('DELETE /sessions/{id}/close'), `${point}: each session closed once`).toBe(opened);
      expect([...running.sessions.values()].filter((s) => s.state !== 'closed').map((s) => s.id), `${point}: sessions left open`).toEqual([]);
      expect(await tokenFiles(id), `${point}: files holding the crashed job's token`).toEqual([]);
      expect(await tokenFiles(next), `files holding the next job's token`).toEqual([]);
      // A detached release logs its line a moment after the lease is gone.
      for (const job of [id, next]) await until(`job ${job}'s release to be logged`, async () => (await releasedOnce(job)) >= 1, 5_000).catch(() => undefined);
      // Once at the end of the job (epilog or reaper), and in the service once more when the handler
      // undid the dead worker's half-done acquire (a lease already held is used, not undone).
      const reasons = (await hookEvents(id)).filter((e) => e.msg === 'lease released').map((e) => String(e.reason));
      const undone = inService && ['acquire:after-journal', 'acquire:after-claim', 'acquire:after-session'].includes(point);
      expect(reasons.filter((r) => r !== 'acquire-recovery'), `${point}: 'lease released' lines of the crashed job`).toHaveLength(1);
      expect(reasons.filter((r) => r === 'acquire-recovery'), `${point}: releases of an undone acquire`).toHaveLength(undone ? 1 : 0);
      expect(await releasedOnce(next)).toBe(1);
      expect(await nodeState()).not.toMatch(/drain|drng|down/);
    }));
    took[`${point} (${where})`] = Date.now() - started;
  }, 240_000);
});
