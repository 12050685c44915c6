import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptLeaseError, listLeases, readLease, removeLease, writeLease, type Lease } from '../../../src/hook/journal.js';
import { statePaths } from '../../../src/hook/paths.js';

const lease = (jobId: number): Lease => ({
  version: 1,
  jobId,
  uid: 1000,
  gid: 1000,
  hostname: 'node1',
  state: 'held',
  backends: [],
  token: 'ab'.repeat(32),
  endpoint: 'local:',
  deadline: null,
  gatewayPid: null,
  acquiredAt: '2026-01-01T00:00:00.000Z',
  acquiredBy: 'batch',
});

describe('lease journal', () => {
  it('writes atomically (no temp file left), reads back, lists and removes', async () => {
    const paths = statePaths(await mkdtemp(join(tmpdir(), 'qpu-journal-')));
    await writeLease(paths, lease(5));
    await writeLease(paths, { ...lease(5), state: 'held', endpoint: 'unix:/x' });
    await writeLease(paths, lease(12));
    expect(await readdir(paths.leases)).toEqual(['12.json', '5.json']);
    expect((await readLease(paths, 5))?.endpoint).toBe('unix:/x');
    expect(await listLeases(paths)).toEqual([5, 12]);
    expect(await removeLease(paths, 5)).toBe(true);
    expect(await removeLease(paths, 5)).toBe(false);
    expect(await readLease(paths, 5)).toBeUndefined();
  });

  it('reports a corrupt or foreign lease instead of trusting it', async () => {
    const paths = statePaths(await mkdtemp(join(tmpdir(), 'qpu-journal-')));
    await mkdir(paths.leases, { recursive: true });
    await writeFile(join(paths.leases, '6.json'), '{"half":');
    await expect(readLease(paths, 6)).rejects.toThrow(CorruptLeaseError);
    await writeLease(paths, lease(7));
    await writeFile(join(paths.leases, '8.json'), JSON.stringify(lease(7)));
    await expect(readLease(paths, 8)).rejects.toThrow(/not a lease of job 8/);
  });
});
