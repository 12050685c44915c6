import { lstatSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { QrunError } from '../errors.js';
import { inPrivateDir, isErrno } from './fsutil.js';
import { processStartTime } from '../process/start-time.js';
import { lockFile, type StatePaths } from './paths.js';

/**
 * One lock per job's lease: the steps of a job, its epilog and the reaper never work on the same
 * lease at once. The lock is a symbolic link whose target says who holds it (`<pid> <process
 * start> <nonce>`): symlink(2) makes it whole in one call and fails when it exists, so taking a
 * free lock is one system call and a reader never sees a half-made one. A lock whose holder is
 * dead, or one that says nothing readable (a damaged disk, a crash of an older version, which made
 * regular files), is stale and taken over at once; takeovers are serialised by a second,
 * short-lived link so two waiters never remove each other's fresh lock.
 *
 * Nothing here is fsynced: a lock only matters to live processes, and a power cut leaves none.
 */

/** A regular file (an older version's lock) that names no holder is its half-made lock for at most this long. */
const UNREADABLE_GRACE_MS = 1_000;
/** The takeover link is held for a few file operations; older than this, its maker died. */
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

/** What a lock says, and whether it was made whole (a link) or may be half-made (an older version's file). */
interface LockText {
  readonly text: string;
  readonly whole: boolean;
  readonly mtimeMs: number;
}

function readLock(path: string): LockText | null {
  try {
    return { text: readlinkSync(path), whole: true, mtimeMs: 0 };
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    if (!isErrno(error, 'EINVAL')) throw error;
  }
  try {
    return { text: readFileSync(path, 'utf8'), whole: false, mtimeMs: lstatSync(path).mtimeMs };
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}

/** Why the current lock is stale, or null when its holder lives (or it just changed). */
function staleness(path: string): { text: string; why: string } | null {
  const lock = readLock(path);
  if (lock === null) return null;
  const holder = parseHolder(lock.text);
  if (holder === undefined) return lock.whole || Date.now() - lock.mtimeMs > UNREADABLE_GRACE_MS ? { text: lock.text, why: 'names no holder' } : null;
  return alive(holder) ? null : { text: lock.text, why: `holder pid ${holder.pid} is gone` };
}

function createExclusive(path: string, content: string): boolean {
  try {
    symlinkSync(content, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
}

let myStart: string | undefined;
let taken = 0;

/** This process as a lock holder; the counter tells its locks apart (breakStale compares texts). */
function holderText(): string {
  myStart ??= String(processStartTime(process.pid) ?? '-');
  return `${process.pid} ${myStart} ${taken++}`;
}

/** Removes the lock if it is still the stale one judged; under the takeover link. */
function breakStale(path: string, judged: string): boolean {
  const breaker = `${path}.break`;
  if (!createExclusive(breaker, holderText())) {
    let age = 0;
    try {
      age = Date.now() - lstatSync(breaker).mtimeMs;
    } catch {
      // gone meanwhile
    }
    if (age > BREAK_STALE_MS) unlinkQuietly(breaker);
    return false;
  }
  try {
    if (readLock(path)?.text !== judged) return false;
    unlinkQuietly(path);
    return true;
  } finally {
    unlinkQuietly(breaker);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

export interface LockOptions {
  /** How long to wait for a live holder; 0: try once. */
  readonly waitMs: number;
  /** Told when a stale lock was taken over (for the log). */
  readonly onStale?: (why: string) => void;
}

/** Takes the job's lock; its path, or undefined when `waitMs` passed while a live holder kept it. */
async function acquireLock(paths: StatePaths, jobId: number, options: LockOptions): Promise<string | undefined> {
  const path = lockFile(paths, jobId);
  const content = holderText();
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    if (inPrivateDir(paths.locks, () => createExclusive(path, content))) return path;
    const stale = staleness(path);
    if (stale !== null) {
      if (breakStale(path, stale.text)) options.onStale?.(stale.why);
      continue;
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(POLL_MS);
  }
}

/** Whether a live handler holds the job's lock now (the reaper at acquire skips a job being worked on). */
export function jobLockHeld(paths: StatePaths, jobId: number): boolean {
  const lock = readLock(lockFile(paths, jobId));
  if (lock === null) return false;
  const holder = parseHolder(lock.text);
  return holder === undefined ? !lock.whole && Date.now() - lock.mtimeMs <= UNREADABLE_GRACE_MS : alive(holder);
}

function holderOf(paths: StatePaths, jobId: number): string {
  return parseHolder(readLock(lockFile(paths, jobId))?.text ?? '')?.pid.toString() ?? 'unknown';
}

export async function withJobLock<T>(paths: StatePaths, jobId: number, waitMs: number, body: () => Promise<T>, onStale?: (why: string) => void): Promise<T> {
  const path = await acquireLock(paths, jobId, { waitMs, ...(onStale === undefined ? {} : { onStale }) });
  if (path === undefined) {
    const holder = holderOf(paths, jobId);
    throw new LockTimeoutError(`job ${jobId}'s QPU lease is held by another handler (pid ${holder}) for more than ${Math.round(waitMs / 1000)} s`, { jobId, holder });
  }
  try {
    return await body();
  } finally {
    unlinkQuietly(path);
  }
}

/** Runs `body` only if the job's lock is free now (or stale); `busy` otherwise. For the reaper. */
export async function tryJobLock<T>(paths: StatePaths, jobId: number, body: () => Promise<T>, onStale?: (why: string) => void): Promise<T | 'busy'> {
  const path = await acquireLock(paths, jobId, { waitMs: 0, ...(onStale === undefined ? {} : { onStale }) });
  if (path === undefined) return 'busy';
  try {
    return await body();
  } finally {
    unlinkQuietly(path);
  }
}
