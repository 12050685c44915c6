import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquire } from '../../../src/hook/acquire.js';
import { readLease } from '../../../src/hook/journal.js';
import { withJobLock } from '../../../src/hook/lock.js';
import { release, releaseJob } from '../../../src/hook/release.js';
import { QrunError } from '../../../src/errors.js';
import { CATALOGUE, facts, harness, request } from './fixtures.js';

const releaseRequest = (jobId: number) => request(jobId, { action: 'release', backends: [], stepId: 0xffffffff });

describe('acquire', () => {
  it('grants the backend, writes a root-only lease and returns the job environment', async () => {
    const h = await harness();
    const reply = await acquire(request(7), h.deps);
    expect(reply.ok, reply.message).toBe(true);
    expect(reply.env).toEqual({
      QRUN_BACKENDS: 'sim',
      QRUN_ENDPOINT: 'local:',
      QRUN_TOKEN: expect.stringMatching(/^[0-9a-f]{64}$/),
      QRUN_DEADLINE: '1900000000',
      SLURM_JOB_QPU_RESOURCES: 'sim',
      SLURM_JOB_QPU_TYPES: 'sim',
    });
    const lease = await readLease(h.deps.paths, 7);
    expect(lease).toMatchObject({ jobId: 7, uid: 1000, state: 'held', token: reply.env?.QRUN_TOKEN, gatewayPid: null, acquiredBy: 'batch' });
    expect(lease?.backends).toEqual([{ alias: 'sim', type: 'sim', capacity: { kind: 'gres', name: 'sim' }, lane: 0, session: null, sessionState: 'none' }]);
    expect((await stat(join(h.dir, 'leases', '7.json'))).mode & 0o077).toBe(0);
    const lines = await h.logLines();
    expect(lines.filter((l) => l.msg === 'lease acquired')).toEqual([expect.objectContaining({ jobId: 7, backend: 'sim', lane: 0 })]);
  });

  it('is idempotent per job: a later step finds the lease with the same token', async () => {
    const h = await harness();
    const first = await acquire(request(8), h.deps);
    const second = await acquire(request(8, { stepId: 0 }), h.deps);
    expect(second.ok).toBe(true);
    expect(second.env).toEqual(first.env);
    const lines = await h.logLines();
    expect(lines.filter((l) => l.msg === 'lease acquired')).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'lease found')).toHaveLength(1);
  });

  it('refuses a later step that asks for a backend the lease does not hold', async () => {
    const h = await harness();
    await acquire(request(9), h.deps);
    const reply = await acquire(request(9, { backends: ['sim', 'sim_shared'] }), h.deps);
    expect(reply.ok).toBe(false);
    expect(reply.message).toMatch(/cannot add sim_shared.*--q_backend=sim,sim_shared/);
  });

  it('fails closed without the capacity and leaves nothing behind', async () => {
    const h = await harness({ facts: (id) => facts(id, { gres: [] }) });
    const reply = await acquire(request(10), h.deps);
    expect(reply).toMatchObject({ ok: false, message: expect.stringMatching(/--gres=qpu:sim:1/) });
    expect(await readLease(h.deps.paths, 10)).toBeUndefined();
    expect(await readdir(join(h.dir, 'leases')).catch(() => [])).toEqual([]);
  });

  it("checks this node's own GRES share: two backends on one type need two units here", async () => {
    const catalogue = { ...CATALOGUE, backends: { ...CATALOGUE.backends, sim_twin: { ...CATALOGUE.backends['sim']! } } };
    // srun -N2 --gres=qpu:sim:1: JOB_GRES says 2, each node holds 1.
    const spread = (id: number) => facts(id, { gres: [{ name: 'qpu', type: 'sim', count: 2 }], perNode: [{ nodes: ['node1', 'node2'], gres: [{ name: 'qpu', type: 'sim', count: 1 }] }] });
    const h = await harness({ facts: spread, catalogue: () => Promise.resolve(catalogue) });
    const refused = await acquire(request(21, { backends: ['sim', 'sim_twin'] }), h.deps);
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/--gres=qpu:sim:2/) });
    expect((await acquire(request(22), h.deps)).ok).toBe(true);
  });

  it('gives a heterogeneous component without QPU capacity no QPU, when another component holds it', async () => {
    const cpu = (id: number) => facts(id, { gres: [], hetJobId: 30, perNode: [{ nodes: ['node3'], gres: [] }] });
    const qpu = facts(31, { hetJobId: 30 });
    const h = await harness({ facts: cpu, hetComponents: () => [cpu(30), qpu] });
    const reply = await acquire(request(30, { hostname: 'node3' }), h.deps);
    expect(reply).toEqual({ ok: true, message: expect.stringMatching(/holds no QPU capacity/), env: {} });
    expect(await readLease(h.deps.paths, 30)).toBeUndefined();
    // No component holds it: the usual refusal.
    const alone = await harness({ facts: cpu, hetComponents: () => [cpu(30)] });
    expect((await acquire(request(30, { hostname: 'node3' }), alone.deps)).ok).toBe(false);
  });

  it('refuses when the job spans nodes with different shares and none is this host', async () => {
    const uneven = (id: number) => facts(id, { perNode: [{ nodes: ['a'], gres: [{ name: 'qpu', type: 'sim', count: 1 }] }, { nodes: ['b'], gres: [] }] });
    const h = await harness({ facts: uneven });
    expect(await acquire(request(40, { hostname: 'elsewhere' }), h.deps)).toMatchObject({ ok: false, message: expect.stringMatching(/which of job 40's nodes/) });
  });

  it('grants a license-counted backend', async () => {
    const h = await harness();
    const reply = await acquire(request(11, { backends: ['sim_shared'] }), h.deps);
    expect(reply.env?.QRUN_BACKENDS).toBe('sim_shared');
  });

  it('names the valid backends when the catalogue does not know the one asked for', async () => {
    const h = await harness();
    const reply = await acquire(request(12, { backends: ['nope'] }), h.deps);
    expect(reply).toMatchObject({ ok: false, message: "unknown QPU backend 'nope'; valid backends: sim, sim_shared" });
  });

  it('tells the user to ask the admin when the catalogue is unusable', async () => {
    const h = await harness({
      catalogue: () => Promise.reject(new QrunError('CONFIG_INVALID', '/etc/slurm/qpu.json is invalid:\n  version: expected 1')),
    });
    const reply = await acquire(request(13), h.deps);
    expect(reply.ok).toBe(false);
    expect(reply.message).toMatch(/catalogue is unusable \(\/etc\/slurm\/qpu.json is invalid:\).*qrun admin check-config/);
  });

  it('refuses when slurmctld says the job belongs to someone else', async () => {
    const h = await harness({ facts: (id) => facts(id, { uid: 0 }) });
    const reply = await acquire(request(14), h.deps);
    expect(reply).toMatchObject({ ok: false, message: expect.stringMatching(/belongs to uid 0, not 1000/) });
  });

  it('refuses when Slurm cannot be asked, saying so', async () => {
    const h = await harness({ facts: () => Promise.reject(new Error('slurm_load_jobs error: Unable to contact slurm controller')) });
    const reply = await acquire(request(15), h.deps);
    expect(reply).toMatchObject({ ok: false, message: expect.stringMatching(/Unable to contact slurm controller/) });
  });

  it('leaves QRUN_DEADLINE out when the allocation has no end', async () => {
    const h = await harness({ facts: (id) => facts(id, { endTime: null }) });
    const reply = await acquire(request(16), h.deps);
    expect(reply.env).not.toHaveProperty('QRUN_DEADLINE');
  });

  it('never holds more leases than lanes: 12 concurrent jobs on 4 lanes', async () => {
    const h = await harness();
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => acquire(request(100 + i), h.deps)));
    const granted = replies.filter((r) => r.ok);
    expect(granted).toHaveLength(4);
    expect(replies.filter((r) => !r.ok).every((r) => /all 4 lanes of backend 'sim'/.test(r.message ?? ''))).toBe(true);
    expect(await readdir(join(h.dir, 'lanes', 'sim'))).toHaveLength(4);
    expect(await readdir(join(h.dir, 'leases'))).toHaveLength(4);
  });

  it('gets the lane a release is freeing once that release is done (job_epilog releases detached)', async () => {
    const h = await harness();
    for (let i = 0; i < 4; i++) expect((await acquire(request(60 + i), h.deps)).ok).toBe(true);
    // Job 61's release is under way: like the detached epilog, it holds the job's lock while it works.
    const releasing = withJobLock(h.deps.paths, 61, 5_000, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await releaseJob(61, h.deps, 'epilog');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reply = await acquire(request(64), h.deps);
    await releasing;
    expect(reply.ok, reply.message).toBe(true);
    expect((await readLease(h.deps.paths, 64))?.backends[0]?.lane).toBe(1);
    expect((await h.logLines()).filter((l) => l.msg === 'lane claimed after a release finished')).toEqual([expect.objectContaining({ jobId: 64, waitedFor: [60, 61, 62, 63] })]);
    // With no release under way, the job is refused as before.
    expect((await acquire(request(65), h.deps)).message).toMatch(/all 4 lanes of backend 'sim'/);
  });

  it('two steps of one job acquiring together get one lease', async () => {
    const h = await harness();
    const [a, b] = await Promise.all([acquire(request(20), h.deps), acquire(request(20, { stepId: 0 }), h.deps)]);
    expect(a.ok && b.ok).toBe(true);
    expect(a.env?.QRUN_TOKEN).toBe(b.env?.QRUN_TOKEN);
    expect(await readdir(join(h.dir, 'lanes', 'sim'))).toHaveLength(1);
  });
});

describe('release', () => {
  it('frees the lane and the lease and logs usage once', async () => {
    const h = await harness();
    await acquire(request(30), h.deps);
    const reply = await release(releaseRequest(30), h.deps);
    expect(reply).toMatchObject({ ok: true, message: 'lease released' });
    expect(await readLease(h.deps.paths, 30)).toBeUndefined();
    expect(await readdir(join(h.dir, 'lanes', 'sim'))).toEqual([]);
    const released = (await h.logLines()).filter((l) => l.msg === 'lease released');
    expect(released).toEqual([expect.objectContaining({ jobId: 30, backend: 'sim', heldSeconds: 0 })]);
  });

  it('is idempotent: a second release has nothing to do', async () => {
    const h = await harness();
    await acquire(request(31), h.deps);
    await release(releaseRequest(31), h.deps);
    expect(await release(releaseRequest(31), h.deps)).toMatchObject({ ok: true, message: 'nothing to release' });
    expect((await h.logLines()).filter((l) => l.msg === 'lease released')).toHaveLength(1);
  });

  it('frees a lane of a job whose acquire was interrupted', async () => {
    const h = await harness();
    await acquire(request(32), h.deps);
    // As if the handler was killed after claiming: the lease still says `acquiring`.
    const { writeLease } = await import('../../../src/hook/journal.js');
    const lease = await readLease(h.deps.paths, 32);
    if (!lease) throw new Error('no lease');
    await writeLease(h.deps.paths, { ...lease, state: 'acquiring' });
    await release(releaseRequest(32), h.deps);
    expect(await readdir(join(h.dir, 'lanes', 'sim'))).toEqual([]);
  });

  it('lets the next job take the freed lane', async () => {
    const h = await harness();
    for (let i = 0; i < 4; i++) await acquire(request(40 + i), h.deps);
    expect((await acquire(request(44), h.deps)).ok).toBe(false);
    await release(releaseRequest(41), h.deps);
    const reply = await acquire(request(45), h.deps);
    expect(reply.ok).toBe(true);
    expect((await readLease(h.deps.paths, 45))?.backends[0]?.lane).toBe(1);
  });
});
