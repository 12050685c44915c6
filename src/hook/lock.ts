import { open, readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { QrunError } from '../errors.js';
import { ensurePrivateDir, isErrno } from './fsutil.js';
import { lockFile, type StatePaths } from './paths.js';

/**
 * A per-job lock: two steps of one job starting together must not both acquire. The lock file holds
 * the holder's pid; a lock whose holder is dead (the shim killed a hung handler) is taken over.
 */

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

class LockTimeoutError extends QrunError {
  constructor(message: string) {
    super('LOCK_TIMEOUT', message, { hint: 'Another step of this job is still acquiring or releasing its QPU; retry the step, and tell your admin if it persists.' });
  }
}

export async function withJobLock<T>(paths: StatePaths, jobId: number, waitMs: number, body: () => Promise<T>): Promise<T> {
  await ensurePrivateDir(paths.locks);
  const path = lockFile(paths, jobId);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(`job ${jobId} is locked by pid ${holder || '?'}`);
    await sleep(20);
  }
  try {
    return await body();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
