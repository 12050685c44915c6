import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReason, clearDrain, drainFileFor, readDrains, setDrain } from '../../../src/admin/drain.js';

describe('the drain file', () => {
  it('sits next to the catalogue, named after it (the shim uses the same rule)', () => {
    expect(drainFileFor('/etc/slurm/qpu.json')).toBe('/etc/slurm/qpu.drain.json');
    expect(drainFileFor('/etc/slurm/qpu-catalogue')).toBe('/etc/slurm/qpu-catalogue.drain.json');
  });

  it('drain and resume survive in a world-readable file, removed when nothing is drained', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drain-'));
    const catalogue = join(dir, 'qpu.json');
    expect(await readDrains(catalogue)).toEqual({ version: 1, backends: {} });
    const drain = { reason: 'calibration', since: '2026-12-03T10:00:00.000Z', by: 'admin' };
    await setDrain(catalogue, 'ibm_fez', drain);
    await setDrain(catalogue, 'sim', { ...drain, reason: 'upgrade' });
    expect((await stat(drainFileFor(catalogue))).mode & 0o777).toBe(0o644);
    expect((await readDrains(catalogue)).backends).toEqual({ ibm_fez: drain, sim: { ...drain, reason: 'upgrade' } });
    expect((await clearDrain(catalogue, 'ibm_fez')).previous).toEqual(drain);
    expect((await clearDrain(catalogue, 'ibm_fez')).previous).toBeUndefined();
    await clearDrain(catalogue, 'sim');
    await expect(stat(drainFileFor(catalogue))).rejects.toThrow(/ENOENT/);
  });

  it('a broken drain file is reported, not taken as empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drain-'));
    await writeFile(join(dir, 'qpu.drain.json'), '{"version": 1, "backends": {"sim": {}}}');
    await expect(readDrains(join(dir, 'qpu.json'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('a reason is one line of text', () => {
    expect(checkReason('  calibration until 14:00  ')).toBe('calibration until 14:00');
    expect(() => checkReason(' ')).toThrow(/must say why/);
    expect(() => checkReason('a\nb')).toThrow(/one line/);
    expect(() => checkReason('x'.repeat(301))).toThrow(/at most 300/);
  });
});
