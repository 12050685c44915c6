/**
 * What the hook fsyncs (docs/reliability.md, "What survives what"): a lease that names a vendor
 * session, at every write, the first of them before the vendor is asked; nothing else (a
 * simulator job's lease, its lane, its lock), since a power cut ends every job on the node.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { catalogueSchema } from '../../../src/config/catalogue.js';
import type { HookDeps } from '../../../src/hook/deps.js';
import { acquire } from '../../../src/hook/acquire.js';
import { durableLease, type Lease } from '../../../src/hook/journal.js';
import { release } from '../../../src/hook/release.js';
import { SecretValue } from '../../../src/secrets/value.js';
import { startIbmComputeFake, type IbmComputeFake } from '../../fakes/ibm-quantum-compute/index.js';
import { entryFor } from '../backends/ibm-quantum-compute-service/helpers.js';
import { facts, harness, request } from './fixtures.js';

const releaseRequest = (jobId: number) => request(jobId, { action: 'release', backends: [], stepId: 0xffffffff });

/** Every fsync this process makes through fs/promises, with what the caller wanted to see at that moment. */
async function countFsyncs(onSync: () => void = () => undefined): Promise<{ count: () => number; restore: () => void }> {
  const probe = await open(tmpdir(), 'r');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const original = proto.sync;
  let count = 0;
  const spy = vi.spyOn(proto, 'sync').mockImplementation(function (this: unknown) {
    count++;
    onSync();
    return original.call(this);
  });
  return { count: () => count, restore: () => spy.mockRestore() };
}

const backend = (sessionState: Lease['backends'][number]['sessionState'], session: string | null = null): Lease['backends'][number] => ({
  alias: 'b',
  type: 't',
  capacity: { kind: 'gres', name: 'b' },
  lane: 0,
  session,
  sessionState,
});

describe('durability of the hook state', () => {
  let fake: IbmComputeFake | undefined;
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'qpu-durable-'));
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    await rm(scratch, { recursive: true, force: true });
  });

  it('calls a lease durable exactly when it names a vendor session (opening, open or closed)', () => {
    const lease = (backends: Lease['backends']): Lease => ({ ...({} as Lease), backends });
    expect(durableLease(lease([backend('none')]))).toBe(false);
    expect(durableLease(lease([]))).toBe(false);
    expect(durableLease(lease([backend('opening')]))).toBe(true);
    expect(durableLease(lease([backend('open', 's1')]))).toBe(true);
    expect(durableLease(lease([backend('closed', 's1')]))).toBe(true);
    expect(durableLease(lease([backend('none'), backend('opening')]))).toBe(true);
  });

  it('fsyncs nothing for a simulator job: acquire and release, lease, lane and lock', async () => {
    const h = await harness();
    const fsyncs = await countFsyncs();
    try {
      // The catalogue cache is written (durably) once per catalogue change; load it first.
      await h.deps.loadCatalogue('/etc/slurm/qpu.json');
      const before = fsyncs.count();
      expect((await acquire(request(1), h.deps)).ok).toBe(true);
      expect((await release(releaseRequest(1), h.deps)).message).toBe('lease released');
      expect(fsyncs.count() - before).toBe(0);
    } finally {
      fsyncs.restore();
    }
  });

  it("fsyncs an IBM job's lease before the vendor is asked for a session, and its later writes", async () => {
    fake = await startIbmComputeFake();
    const started = fake;
    const { type: _type, ...entry } = entryFor(started);
    const catalogue = catalogueSchema.parse({ version: 1, backends: { ibm_fake: { type: 'ibm-quantum-compute-service', ...entry } } });
    const h = await harness({ catalogue: () => Promise.resolve(catalogue), facts: (id) => facts(id, { gres: [{ name: 'qpu', type: 'ibm_fake', count: 1 }], licenses: [] }) });
    const deps: HookDeps = {
      ...h.deps,
      secretFor: () => Promise.resolve(new SecretValue(started.apiKey)),
      gateway: {
        start: () => Promise.resolve({ endpoint: 'local:', pid: null, record: null }),
        stop: () => Promise.resolve({ how: 'none', usage: null, slurm: null }),
      },
    };
    const sessionsAtSync: number[] = [];
    const fsyncs = await countFsyncs(() => sessionsAtSync.push(started.sessions.size));
    try {
      expect((await acquire(request(2, { backends: ['ibm_fake'] }), deps)).ok).toBe(true);
      const lease = JSON.parse(await readFile(join(h.dir, 'leases', '2.json'), 'utf8')) as Lease;
      expect(lease.backends[0]?.sessionState).toBe('open');
      expect(started.sessions.size).toBe(1);
      // The first fsync (of the `opening` record) came before the session existed at the vendor.
      expect(sessionsAtSync[0]).toBe(0);
      expect(sessionsAtSync.some((n) => n === 1)).toBe(true);
      expect((await release(releaseRequest(2), deps)).message).toBe('lease released');
    } finally {
      fsyncs.restore();
    }
  });
});
