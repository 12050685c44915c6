import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquire } from '../../../src/hook/acquire.js';
import type { HookDeps } from '../../../src/hook/deps.js';
import { configureFaults, FAULT_SWITCH } from '../../../src/hook/faults.js';
import { replaceFileSync, writeFileAtomic } from '../../../src/hook/fsutil.js';
import { withJobLock } from '../../../src/hook/lock.js';
import { reapsWanted } from '../../../src/hook/reap-wanted.js';
import { readLease } from '../../../src/hook/journal.js';
import { laneOwners } from '../../../src/hook/lanes.js';
import { reap } from '../../../src/hook/reaper.js';
import { release } from '../../../src/hook/release.js';
import type { JobPresence } from '../../../src/slurm/presence.js';
import { harness, request } from './fixtures.js';

const releaseRequest = (jobId: number) => request(jobId, { action: 'release', backends: [], stepId: 0xffffffff });

function presenceTable(table: Record<number, JobPresence>): (jobId: number) => JobPresence {
  return (jobId) => table[jobId] ?? 'running';
}

async function released(lines: Array<Record<string, unknown>>, jobId: number): Promise<number> {
  return lines.filter((l) => l.msg === 'lease released' && l.jobId === jobId).length;
}

describe('reaper', () => {
  it('releases the leases of jobs Slurm no longer runs when the next job acquires, and only those', async () => {
    const slurm: Record<number, JobPresence> = {};
    const h = await harness({ presence: presenceTable(slurm) });
    for (const id of [1, 2, 3, 4]) expect((await acquire(request(id), h.deps)).ok).toBe(true);
    Object.assign(slurm, { 1: 'gone', 2: 'unknown', 3: 'ending' });
    expect((await acquire(request(5), h.deps)).ok).toBe(true);
    expect(await readLease(h.deps.paths, 1)).toBeUndefined();
    for (const id of [2, 3, 4, 5]) expect((await readLease(h.deps.paths, id))?.state, `job ${id}`).toBe('held');
    // Job 1's lane went back: job 5 took it.
    expect([...(await laneOwners(h.deps.paths, 'sim')).entries()].sort()).toEqual([[0, 5], [1, 2], [2, 3], [3, 4]]);
    expect(await released(await h.logLines(), 1)).toBe(1);
  });

  it('never releases twice: a late epilog after the reaper finds nothing', async () => {
    const h = await harness({ presence: () => 'gone' });
    await acquire(request(10), h.deps);
    expect((await reap(h.deps)).map((e) => [e.jobId, e.action])).toEqual([[10, 'released']]);
    expect(await release(releaseRequest(10), h.deps)).toEqual({ ok: true, message: 'nothing to release' });
    expect(await reap(h.deps)).toEqual([]);
    expect(await released(await h.logLines(), 10)).toBe(1);
  });

  it('says what it would release with dryRun and touches nothing', async () => {
    const slurm: Record<number, JobPresence> = {};
    const h = await harness({ presence: presenceTable(slurm) });
    await acquire(request(20), h.deps);
    await acquire(request(21), h.deps);
    slurm[20] = 'gone';
    const entries = await reap(h.deps, { dryRun: true });
    expect(entries).toEqual([
      { jobId: 20, presence: 'gone', state: 'held', backends: ['sim'], action: 'would-release' },
      { jobId: 21, presence: 'running', state: 'held', backends: ['sim'], action: 'left' },
    ]);
    expect((await readLease(h.deps.paths, 20))?.state).toBe('held');
  });

  it("leaves a running job's lease alone even when its gateway is gone", async () => {
    const h = await harness({ presence: () => 'running' });
    const deps: HookDeps = {
      ...h.deps,
      gateway: { ...h.deps.gateway, start: () => Promise.resolve({ endpoint: 'unix:/nowhere', pid: 999_999, record: null }), alive: () => false },
    };
    await acquire(request(30), deps);
    expect((await reap(deps)).map((e) => e.action)).toEqual(['left']);
    expect((await readLease(h.deps.paths, 30))?.state).toBe('held');
  });

  it('skips a lease another live handler holds the lock of, and takes over a stale lock at once', async () => {
    const slurm: Record<number, JobPresence> = {};
    const h = await harness({ presence: presenceTable(slurm) });
    await acquire(request(40), h.deps);
    await acquire(request(41), h.deps);
    Object.assign(slurm, { 40: 'gone', 41: 'gone' });
    await mkdir(h.deps.paths.locks, { recursive: true });
    // 40: held by a live process (this one); 41: an empty lock file left by a crash long ago.
    await writeFile(join(h.deps.paths.locks, '40.lock'), `${process.pid}\n`);
    await writeFile(join(h.deps.paths.locks, '41.lock'), '');
    await utimes(join(h.deps.paths.locks, '41.lock'), new Date(0), new Date(0));
    expect((await reap(h.deps)).map((e) => [e.jobId, e.action])).toEqual([[40, 'busy'], [41, 'released']]);
    expect((await h.logLines()).some((l) => l.msg === 'stale lock taken over' && l.jobId === 41)).toBe(true);
  });

  it('gives up waiting on a live holder with a coded error that names it', async () => {
    const h = await harness();
    await mkdir(h.deps.paths.locks, { recursive: true });
    await writeFile(join(h.deps.paths.locks, '42.lock'), `${process.pid} - x\n`);
    await expect(release(releaseRequest(42), { ...h.deps, lockWaitMs: 50 })).rejects.toMatchObject({ code: 'LOCK_TIMEOUT', message: expect.stringContaining(`pid ${process.pid}`) });
  });

  it('reclaims a lane file that names no job, logging it', async () => {
    const h = await harness();
    await mkdir(join(h.deps.paths.lanes, 'sim'), { recursive: true });
    for (const lane of [0, 1, 2, 3]) {
      await writeFile(join(h.deps.paths.lanes, 'sim', String(lane)), lane === 2 ? 'garbage\n' : `${100 + lane}\n`);
      await utimes(join(h.deps.paths.lanes, 'sim', String(lane)), new Date(0), new Date(0));
    }
    const reply = await acquire(request(50), h.deps);
    expect(reply.ok, reply.message).toBe(true);
    expect((await readLease(h.deps.paths, 50))?.backends[0]?.lane).toBe(2);
    expect((await h.logLines()).filter((l) => l.msg === 'lane file names no job; reclaimed')).toEqual([expect.objectContaining({ backend: 'sim', lane: 2 })]);
  });

  it('restarts a dead gateway once, at the next step, with the same token', async () => {
    const h = await harness();
    const starts: Array<{ token: string; resumeUsage: boolean | undefined }> = [];
    let pid = 1000;
    const deps: HookDeps = {
      ...h.deps,
      gateway: {
        start: (req) => {
          starts.push({ token: req.token, resumeUsage: req.resumeUsage });
          pid += 1;
          const record = { jobId: req.jobId, stateDir: req.stateDir, pid, procStart: 1, socketPath: '/s', endpoint: 'unix:/s', tcpEndpoint: null, dir: '/d', usageFile: '/d/u', startedAt: '' };
          return req.onSpawn!(record).then(() => ({ endpoint: 'unix:/s', pid, record }));
        },
        stop: () => Promise.resolve(),
        alive: () => false,
      },
    };
    const first = await acquire(request(60), deps);
    const second = await acquire(request(60, { stepId: 0 }), deps);
    const third = await acquire(request(60, { stepId: 1 }), deps);
    expect(second.env).toEqual(first.env);
    expect(third.env).toEqual(first.env);
    expect(starts).toEqual([
      { token: first.env?.QRUN_TOKEN, resumeUsage: false },
      { token: first.env?.QRUN_TOKEN, resumeUsage: true },
    ]);
    expect(await readLease(h.deps.paths, 60)).toMatchObject({ gatewayRestarts: 1, gatewayPid: 1002, gatewayState: 'running' });
    expect((await h.logLines()).map((l) => l.msg)).toEqual(expect.arrayContaining(['gateway restarted', 'gateway gone again; not restarted']));
  });
});

describe('the reap at acquire', () => {
  /** Presence answers by table, counting the questions asked of Slurm. */
  function countedPresence(table: Record<number, JobPresence>): { asked: number[]; presence: (jobId: number) => Promise<JobPresence> } {
    const asked: number[] = [];
    return { asked, presence: (jobId) => (asked.push(jobId), Promise.resolve(table[jobId] ?? 'running')) };
  }

  it('asks Slurm nothing while every release finished, even with other jobs holding leases', async () => {
    const slurm = countedPresence({});
    const h = await harness({ presence: slurm.presence });
    for (const id of [1, 2]) expect((await acquire(request(id), h.deps)).ok).toBe(true);
    expect((await release(releaseRequest(1), h.deps)).message).toBe('lease released');
    expect((await acquire(request(3), h.deps)).ok).toBe(true);
    expect(slurm.asked).toEqual([]);
    expect(reapsWanted(h.deps.paths)).toEqual([]);
  });

  it('finishes at the next acquire a release cut short after its journal, once Slurm says the job is gone', async () => {
    const slurm = countedPresence({});
    const h = await harness({ presence: slurm.presence });
    const gateway = { ...h.deps.gateway, start: () => Promise.resolve({ endpoint: 'unix:/nowhere', pid: 999_999, record: null }) };
    const deps: HookDeps = { ...h.deps, gateway };
    expect((await acquire(request(4), deps)).ok).toBe(true);
    await writeFile(join(h.dir, FAULT_SWITCH), 'enabled\n');
    configureFaults(h.dir, { QPU_FAULT: 'release:after-journal:throw' });
    try {
      await expect(release(releaseRequest(4), deps)).rejects.toThrow(/fault injected at release:after-journal/);
    } finally {
      configureFaults(join(h.dir, 'nowhere'), {});
    }
    expect((await readLease(h.deps.paths, 4))?.state).toBe('releasing');
    expect(reapsWanted(h.deps.paths)).toEqual([4]);
    // Slurm still runs it (its epilog may come back): left, and asked again next time.
    expect((await acquire(request(5), deps)).ok).toBe(true);
    expect(slurm.asked).toEqual([4]);
    expect(reapsWanted(h.deps.paths)).toEqual([4]);
    const gone = countedPresence({ 4: 'gone' });
    expect((await acquire(request(6), { ...deps, presence: gone.presence })).ok).toBe(true);
    expect(gone.asked).toEqual([4]);
    expect(await readLease(h.deps.paths, 4)).toBeUndefined();
    expect(reapsWanted(h.deps.paths)).toEqual([]);
    expect(await released(await h.logLines(), 4)).toBe(1);
  });

  it('leaves alone a release a live handler is still working on (its lock), without asking Slurm', async () => {
    const slurm = countedPresence({ 7: 'gone' });
    const h = await harness({ presence: slurm.presence });
    expect((await acquire(request(7), h.deps)).ok).toBe(true);
    await withJobLock(h.deps.paths, 7, 1000, async () => {
      await mkdir(h.deps.paths.reapWanted, { recursive: true });
      await writeFile(join(h.deps.paths.reapWanted, '7'), '');
      expect((await acquire(request(8), h.deps)).ok).toBe(true);
    });
    expect(slurm.asked).toEqual([]);
    expect((await readLease(h.deps.paths, 7))?.state).toBe('held');
  });

  it('reaps every other job when no lane is free: a lease whose epilog never came', async () => {
    const slurm = countedPresence({});
    const h = await harness({ presence: slurm.presence });
    for (const id of [11, 12, 13, 14]) expect((await acquire(request(id), h.deps)).ok).toBe(true);
    expect((await acquire(request(15), h.deps)).message).toMatch(/all 4 lanes of backend 'sim'/);
    expect(slurm.asked.sort()).toEqual([11, 12, 13, 14]);
  });
});

describe.skipIf(process.getuid?.() !== 0)('a full state file system', () => {
  it('leaves no temp file behind and says the disk is full', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qpu-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]);
    try {
      await expect(writeFileAtomic(join(dir, 'lease.json'), 'x'.repeat(64 * 1024))).rejects.toMatchObject({
        code: 'STATE_WRITE_FAILED',
        message: expect.stringContaining('the file system is full'),
      });
      expect(await readdir(dir)).toEqual([]);
      // The same for a lease written without fsync (replaceFileSync), whose temp name differs.
      expect(() => replaceFileSync(join(dir, 'lease.json'), 'x'.repeat(64 * 1024))).toThrow(expect.objectContaining({ code: 'STATE_WRITE_FAILED', message: expect.stringContaining('the file system is full') }) as Error);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      execFileSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
