import { randomBytes } from 'node:crypto';
import { accessSync, close, constants, lstatSync, mkdirSync, openSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { QrunError } from '../errors.js';

/**
 * Creates `dir` (and parents) private to root: 0700. Synchronous: it runs before every hook
 * request, and a mkdir that finds the directory costs less than a thread-pool round trip, whose
 * wake-up on a busy node waits for a core.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return Promise.resolve();
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

/** A write to the state directory failed (disk full, read-only, quota): named, with the fix. */
export function stateWriteFailed(path: string, error: unknown): QrunError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the file system is full' : code === 'EROFS' ? 'the file system is read-only' : `error ${code}`;
  return new QrunError('STATE_WRITE_FAILED', `cannot write ${path}: ${why}`, {
    hint: 'Free space on (or remount read-write) the file system of the QPU state directory (plugstack state_dir=); nothing half-written was left behind.',
    cause: error,
    details: { path, errno: code },
  });
}

/**
 * Replaces `path` with `data` atomically: write a temp file in the same directory, fsync it, rename
 * it over the target, fsync the directory. A crash leaves the old or the new content, never a mix;
 * a failed write (ENOSPC) leaves no temp file and throws STATE_WRITE_FAILED.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw stateWriteFailed(path, error);
  }
  await syncDir(dir);
}

/** The names in `dir`, or none when it does not exist yet (the hook makes its directories on first use). */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}

/** The numeric names in `dir` as numbers (job ids, lane numbers), ascending; none when it does not exist. */
export function numberedNamesIn(dir: string, suffix = ''): number[] {
  const pattern = new RegExp(`^(\\d+)${suffix.replace(/[.]/g, '\\.')}$`);
  return namesIn(dir)
    .map((name) => pattern.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Runs `work` (synchronous file calls in `dir`), creating `dir` (0700, with parents) only when
 * `work` finds it missing: one mkdir per new directory, not one per write.
 */
export function inPrivateDir<T>(dir: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return work();
}

let replaced = 0;

/**
 * Runs `drop` (a rename over `path`, or its unlink) holding the file it replaces open, and closes
 * that on the libuv thread pool. Why: ext4 (auto_da_alloc, the default) starts writing a file out
 * when it is renamed over another, and freeing a replaced file whose pages are still being
 * written waits for that I/O: 2-3 ms per rename or unlink on a busy disk, on the event loop,
 * where the call itself takes 60-140 us. Held open, the file is freed at the close, off the loop.
 */
function dropOffLoop(path: string, drop: () => void): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
  } catch {
    // nothing there to replace
  }
  try {
    drop();
  } finally {
    if (fd !== undefined) close(fd, () => undefined);
  }
}

/** Removes `path` (ENOENT is thrown as usual), freeing its pages off the event loop (dropOffLoop). */
export function unlinkFileSync(path: string): void {
  dropOffLoop(path, () => unlinkSync(path));
}

/**
 * Replaces `path` with `data` atomically but without fsync, in synchronous calls (a page-cache
 * write of a few hundred bytes costs microseconds; a libuv thread-pool round trip per call costs
 * more than the call). A crash of this process leaves the old or the new content, never a mix
 * (rename is atomic); a power cut may leave either, or an empty file: for state that a reboot
 * makes moot (docs/reliability.md, "What survives what"). Throws STATE_WRITE_FAILED, leaving no
 * temp file. The directory must exist (see inPrivateDir).
 */
export function replaceFileSync(path: string, data: string, mode = 0o600): void {
  // pid + counter: unique among live writers, so a file of that name is a dead writer's leftover.
  const tmp = join(dirname(path), `.${process.pid}.${replaced++}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: 'w', mode });
    dropOffLoop(path, () => renameSync(tmp, path));
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // never made, or already renamed
    }
    if (isErrno(error, 'ENOENT')) throw error;
    throw stateWriteFailed(path, error);
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The state directory is root's alone: whoever else can write there could forge a lease (and so a
 * token and a gateway to kill) or free someone's lane. Group/other write, another owner, or a
 * non-directory makes every QPU job on the node fail closed, with the fix; jobs without a QPU never
 * get here (the shim spawns nothing for them). Synchronous calls: it runs before every request, and
 * an lstat of a cached inode costs less than a thread-pool round trip.
 */
export async function checkStateDir(root: string, subdirs: readonly string[]): Promise<void> {
  const owner = process.getuid?.() ?? 0;
  for (const dir of [root, ...subdirs]) {
    let info;
    try {
      info = lstatSync(dir);
    } catch (error) {
      if (isErrno(error, 'ENOENT') && dir !== root) continue;
      throw new QrunError('STATE_DIR_UNUSABLE', `the QPU state directory ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
        hint: `Create it as root: install -d -m 0700 -o root -g root ${dir}`,
        cause: error,
        details: { path: dir },
      });
    }
    if (!info.isDirectory()) {
      throw new QrunError('STATE_DIR_UNUSABLE', `${dir} in the QPU state directory is not a directory`, {
        hint: `Move it away and let the hook recreate it: mv ${dir} ${dir}.broken`,
        details: { path: dir },
      });
    }
    if (info.uid !== owner || (info.mode & 0o022) !== 0) {
      throw new QrunError('STATE_DIR_INSECURE', `the QPU state directory ${dir} is ${info.uid === owner ? 'writable by group or others' : `owned by uid ${info.uid}`} (mode ${(info.mode & 0o7777).toString(8)}), so no QPU is granted on this node`, {
        hint: `Run: chown root:root ${dir} && chmod 0700 ${dir}`,
        details: { path: dir, uid: info.uid, mode: (info.mode & 0o7777).toString(8) },
      });
    }
  }
  try {
    accessSync(root, constants.W_OK);
  } catch (error) {
    throw new QrunError('STATE_DIR_UNUSABLE', `the QPU state directory ${root} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}), so no QPU is granted on this node`, {
      hint: `Remount its file system read-write, or point state_dir= in plugstack.conf at a writable root-only directory`,
      cause: error,
      details: { path: root },
    });
  }
}
