import { randomBytes } from 'node:crypto';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { QrunError } from '../errors.js';
import { ensurePrivateDir, isErrno } from './fsutil.js';
import { processStartTime } from '../process/start-time.js';
import { lockFile, type StatePaths } from './paths.js';

/**
 * One lock per job's lease: the steps of a job, its epilog and the reaper never work on the same
 * lease at once. The lock file says who holds it (`<pid> <process start> <nonce>`) and is made
 * whole before it appears (written aside, then hard-linked into place), so a reader never sees a
 * half-written one. A lock whose holder is dead, or a file that says nothing readable (a crash of
 * an older version, a damaged disk), is stale and taken over at once; takeovers are serialised by
 * a second, short-lived file so two waiters never remove each other's fresh lock.
 */

/** A file that names no holder is someone's half-made lock for at most this long. */
const UNREADABLE_GRACE_MS = 1_000;
/** The takeover file is held for a few file operations; older than this, its maker died. */
const BREAK_STALE_MS = 2_000;
const POLL_MS = 20;

class LockTimeoutError extends QrunError {
  constructor(message: string, details: Record<string, unknown>) {
    super('LOCK_TIMEOUT', message, {
      hint: 'Another step of this job is still acquiring or releasing its QPU; retry the step, and tell your admin if it persists.',
      details,
    });
  }
}

interface Holder {
  readonly pid: number;
  readonly start: number | null;
}

function parseHolder(text: string): Holder | undefined {
  const match = /^(\d+)(?: (\d+|-))?(?: \S+)?\s*$/.exec(text.trim());
  if (!match?.[1]) return undefined;
  return { pid: Number(match[1]), start: match[2] === undefined || match[2] === '-' ? null : Number(match[2]) };
}

function alive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (!isErrno(error, 'EPERM')) return false;
  }
  const start = processStartTime(holder.pid);
  return start !== null && (holder.start === null || start === holder.start);
}

/** Why the current lock file is stale, or null when its holder lives (or it just changed). */
async function staleness(path: string): Promise<{ text: string; why: string } | null> {
  let text: string;
  let mtimeMs: number;
  try {
    text = await readFile(path, 'utf8');
    mtimeMs = (await stat(path)).mtimeMs;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  const holder = parseHolder(text);
  if (holder === undefined) return Date.now() - mtimeMs > UNREADABLE_GRACE_MS ? { text, why: 'names no holder' } : null;
  return alive(holder) ? null : { text, why: `holder pid ${holder.pid} is gone` };
}

async function createExclusive(path: string, content: string): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.new`;
  const handle = await open(aside, 'wx', 0o600);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  try {
    await link(aside, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** Removes the lock file if it is still the stale one judged; under the takeover file. */
async function breakStale(path: string, judged: string): Promise<boolean> {
  const breaker = `${path}.break`;
  const mine = `${process.pid} ${processStartTime(process.pid) ?? '-'} ${randomBytes(6).toString('hex')}\n`;
  if (!(await createExclusive(breaker, mine))) {
    const age = await stat(breaker).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > BREAK_STALE_MS) await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => null);
    if (now !== judged) return false;
    await unlink(path).catch(() => undefined);
    return true;
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

export interface LockOptions {
  /** How long to wait for a live holder; 0: try once. */
  readonly waitMs: number;
  /** Told when a stale lock was taken over (for the log). */
  readonly onStale?: (why: string) => void;
}

/** Runs `body` holding the job's lock; undefined when `waitMs` passed while a live holder kept it and `orSkip` is set. */
async function acquireLock(paths: StatePaths, jobId: number, options: LockOptions): Promise<string | undefined> {
  await ensurePrivateDir(paths.locks);
  const path = lockFile(paths, jobId);
  const content = `${process.pid} ${processStartTime(process.pid) ?? '-'} ${randomBytes(6).toString('hex')}\n`;
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    if (await createExclusive(path, content)) return path;
    const stale = await staleness(path);
    if (stale !== null) {
      if (await breakStale(path, stale.text)) options.onStale?.(stale.why);
      continue;
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(POLL_MS);
  }
}

async function holderOf(paths: StatePaths, jobId: number): Promise<string> {
  const text = await readFile(lockFile(paths, jobId), 'utf8').catch(() => '');
  return parseHolder(text)?.pid.toString() ?? 'unknown';
}

export async function withJobLock<T>(paths: StatePaths, jobId: number, waitMs: number, body: () => Promise<T>, onStale?: (why: string) => void): Promise<T> {
  const path = await acquireLock(paths, jobId, { waitMs, ...(onStale === undefined ? {} : { onStale }) });
  if (path === undefined) {
    const holder = await holderOf(paths, jobId);
    throw new LockTimeoutError(`job ${jobId}'s QPU lease is held by another handler (pid ${holder}) for more than ${Math.round(waitMs / 1000)} s`, { jobId, holder });
  }
  try {
    return await body();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

/** Runs `body` only if the job's lock is free now (or stale); `busy` otherwise. For the reaper. */
export async function tryJobLock<T>(paths: StatePaths, jobId: number, body: () => Promise<T>, onStale?: (why: string) => void): Promise<T | 'busy'> {
  const path = await acquireLock(paths, jobId, { waitMs: 0, ...(onStale === undefined ? {} : { onStale }) });
  if (path === undefined) return 'busy';
  try {
    return await body();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
