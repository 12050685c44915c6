import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, isErrno, stateWriteFailed } from './fsutil.js';
import { laneDir, type StatePaths } from './paths.js';

/**
 * Local lanes of a backend on this node: lane n is held while lanes/<alias>/<n> exists; the file
 * holds the job id. Claiming uses O_CREAT|O_EXCL, so two jobs can never hold the same lane, with no
 * lock. Slurm already limits how many jobs hold the capacity; lanes make that visible and give each
 * job a stable index (a simulator seed offset, a vendor session slot).
 *
 * A lane file is made whole before it appears (written aside, then hard-linked into place), so one
 * that names no job is garbage (a damaged disk, an older version's crash): it is logged and
 * reclaimed, never skipped forever.
 */

/** A file that names no job may be an older version's half-made claim for at most this long. */
const GARBAGE_GRACE_MS = 1_000;

type LaneOwner = number | 'garbage' | undefined;

async function owner(path: string): Promise<LaneOwner> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (/^\d+$/.test(text)) return Number(text);
    const age = Date.now() - (await stat(path)).mtimeMs;
    return age > GARBAGE_GRACE_MS ? 'garbage' : undefined;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

async function claimFile(path: string, jobId: number): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.new`;
  try {
    const handle = await open(aside, 'wx', 0o600);
    try {
      await handle.writeFile(`${jobId}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(aside, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw stateWriteFailed(path, error);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** Told about a lane file that names no job, before it is reclaimed. */
export type GarbageLane = (lane: number, path: string) => void;

/** The job's lane of `alias` (reused when it already holds one), or undefined when all are taken. */
export async function claimLane(paths: StatePaths, alias: string, lanes: number, jobId: number, onGarbage?: GarbageLane): Promise<number | undefined> {
  const dir = laneDir(paths, alias);
  await ensurePrivateDir(dir);
  for (let lane = 0; lane < lanes; lane++) {
    if ((await owner(join(dir, String(lane)))) === jobId) return lane;
  }
  for (let lane = 0; lane < lanes; lane++) {
    const path = join(dir, String(lane));
    if (await claimFile(path, jobId)) return lane;
    if ((await owner(path)) === 'garbage') {
      onGarbage?.(lane, path);
      await unlink(path).catch(() => undefined);
      if (await claimFile(path, jobId)) return lane;
    }
  }
  return undefined;
}

/** The jobs holding lanes of `alias`, by lane. */
export async function laneOwners(paths: StatePaths, alias: string): Promise<Map<number, number>> {
  const owners = new Map<number, number>();
  let names: string[];
  try {
    names = await readdir(laneDir(paths, alias));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return owners;
    throw error;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const job = await owner(join(laneDir(paths, alias), name));
    if (typeof job === 'number') owners.set(Number(name), job);
  }
  return owners;
}

/** Every job holding a lane of any backend on this node. */
export async function laneHolders(paths: StatePaths): Promise<Set<number>> {
  const holders = new Set<number>();
  let aliases: string[];
  try {
    aliases = await readdir(paths.lanes);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return holders;
    throw error;
  }
  for (const alias of aliases) for (const job of (await laneOwners(paths, alias)).values()) holders.add(job);
  return holders;
}

/** Frees every lane the job holds, on every backend; returns what was freed. */
export async function releaseLanes(paths: StatePaths, jobId: number): Promise<Array<{ alias: string; lane: number }>> {
  const freed: Array<{ alias: string; lane: number }> = [];
  let aliases: string[];
  try {
    aliases = await readdir(paths.lanes);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return freed;
    throw error;
  }
  for (const alias of aliases) {
    for (const [lane, job] of await laneOwners(paths, alias)) {
      if (job !== jobId) continue;
      try {
        await unlink(join(laneDir(paths, alias), String(lane)));
        freed.push({ alias, lane });
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error;
      }
    }
  }
  return freed;
}
