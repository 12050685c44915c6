import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobLockHeld, tryJobLock, withJobLock } from '../../../src/hook/lock.js';
import { statePaths, type StatePaths } from '../../../src/hook/paths.js';
import { processStartTime } from '../../../src/process/start-time.js';

async function state(): Promise<StatePaths> {
  const paths = statePaths(await mkdtemp(join(tmpdir(), 'qpu-lock-')));
  await mkdir(paths.locks, { recursive: true });
  return paths;
}

/** A pid that no process has now: a child that already exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('job lock', () => {
  it('is a symlink naming this process while held, and gone after', async () => {
    const paths = await state();
    const seen = await withJobLock(paths, 7, 1000, async () => {
      const path = join(paths.locks, '7.lock');
      expect((await lstat(path)).isSymbolicLink()).toBe(true);
      expect(jobLockHeld(paths, 7)).toBe(true);
      return readlink(path);
    });
    expect(seen).toMatch(new RegExp(`^${process.pid} ${processStartTime(process.pid)} \\d+$`));
    expect(await readdir(paths.locks)).toEqual([]);
    expect(jobLockHeld(paths, 7)).toBe(false);
  });

  it('keeps a second taker out while a live holder has it', async () => {
    const paths = await state();
    await withJobLock(paths, 8, 1000, async () => {
      expect(await tryJobLock(paths, 8, () => Promise.resolve('ran'))).toBe('busy');
    });
    expect(await tryJobLock(paths, 8, () => Promise.resolve('ran'))).toBe('ran');
  });

  it('takes over at once a lock whose holder is dead, or whose pid now names another process', async () => {
    const paths = await state();
    await symlink(`${deadPid()} 12345 0`, join(paths.locks, '9.lock'));
    // This process's pid with another start time: the holder died and its pid was reused.
    await symlink(`${process.pid} ${(processStartTime(process.pid) ?? 0) + 1} 0`, join(paths.locks, '10.lock'));
    const why: string[] = [];
    expect(jobLockHeld(paths, 9)).toBe(false);
    expect(jobLockHeld(paths, 10)).toBe(false);
    expect(await withJobLock(paths, 9, 0, () => Promise.resolve('ran'), (w) => why.push(w))).toBe('ran');
    expect(await withJobLock(paths, 10, 0, () => Promise.resolve('ran'), (w) => why.push(w))).toBe('ran');
    expect(why).toEqual([expect.stringMatching(/^holder pid \d+ is gone$/), `holder pid ${process.pid} is gone`]);
  });

  it('takes over at once a symlink that names no holder (a symlink is never half-made)', async () => {
    const paths = await state();
    await symlink('not a holder', join(paths.locks, '11.lock'));
    const why: string[] = [];
    expect(await tryJobLock(paths, 11, () => Promise.resolve('ran'), (w) => why.push(w))).toBe('ran');
    expect(why).toEqual(['names no holder']);
  });

  it("honours an older version's lock file: a live holder keeps it, an empty fresh one is not yet stale", async () => {
    const paths = await state();
    await writeFile(join(paths.locks, '12.lock'), `${process.pid} - x\n`);
    expect(jobLockHeld(paths, 12)).toBe(true);
    expect(await tryJobLock(paths, 12, () => Promise.resolve('ran'))).toBe('busy');
    await writeFile(join(paths.locks, '13.lock'), '');
    expect(await tryJobLock(paths, 13, () => Promise.resolve('ran'))).toBe('busy');
    await expect(withJobLock(paths, 12, 50, () => Promise.resolve('ran'))).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  });

  it('creates the locks directory when it is missing', async () => {
    const paths = statePaths(await mkdtemp(join(tmpdir(), 'qpu-lock-')));
    expect(await withJobLock(paths, 14, 0, () => Promise.resolve('ran'))).toBe('ran');
    expect((await lstat(paths.locks)).mode & 0o777).toBe(0o700);
  });
});
