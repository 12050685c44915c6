import { lstatSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { inPrivateDir, isErrno, namesIn, numberedNamesIn, stateWriteFailed } from './fsutil.js';
import { laneDir, type StatePaths } from './paths.js';

/**
 * Local lanes of a backend on this node: lane n is held while lanes/<alias>/<n> exists; it is a
 * symbolic link whose target is the job id. symlink(2) creates it whole and fails when the name
 * exists, so one call claims a lane and two jobs can never hold the same one, with no lock. Slurm
 * already limits how many jobs hold the capacity; lanes make that visible and give each job a
 * stable index (a simulator seed offset, a vendor session slot).
 *
 * No lane is fsynced: a power cut ends every job on the node, so a lane it loses was a dead job's,
 * and one it keeps names a job Slurm no longer runs, which the reaper frees (docs/reliability.md).
 *
 * Older versions made a regular file holding the job id (written aside, hard-linked into place);
 * those are read too. A lane that names no job is garbage (a damaged disk): it is logged and
 * reclaimed, never skipped forever; a regular file only after a grace, as it may be an even older
 * version's half-made claim.
 */

/** A regular file that names no job may be an older version's half-made claim for at most this long. */
const GARBAGE_GRACE_MS = 1_000;

type LaneOwner = number | 'garbage' | undefined;

function owner(path: string): LaneOwner {
  let text: string;
  try {
    text = readlinkSync(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    if (!isErrno(error, 'EINVAL')) throw error;
    return fileOwner(path);
  }
  return /^\d+$/.test(text) ? Number(text) : 'garbage';
}

/** A lane an older version claimed: a regular file holding the job id. */
function fileOwner(path: string): LaneOwner {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (/^\d+$/.test(text)) return Number(text);
    const age = Date.now() - lstatSync(path).mtimeMs;
    return age > GARBAGE_GRACE_MS ? 'garbage' : undefined;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function claimFile(path: string, jobId: number): boolean {
  try {
    symlinkSync(String(jobId), path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    if (isErrno(error, 'ENOENT')) throw error;
    throw stateWriteFailed(path, error);
  }
}

/** The lane numbers present in a backend's lane directory (an empty list when it does not exist). */
function laneNames(dir: string): number[] {
  return numberedNamesIn(dir);
}

/** Told about a lane file that names no job, before it is reclaimed. */
export type GarbageLane = (lane: number, path: string) => void;

/** The job's lane of `alias` (reused when it already holds one), or undefined when all are taken. */
export async function claimLane(paths: StatePaths, alias: string, lanes: number, jobId: number, onGarbage?: GarbageLane): Promise<number | undefined> {
  const dir = laneDir(paths, alias);
  // One directory read, then a claim per lane not listed as held: no read of every lane's file.
  const taken = new Map<number, LaneOwner>();
  for (const lane of laneNames(dir)) {
    const job = owner(join(dir, String(lane)));
    if (job === jobId && lane < lanes) return lane;
    taken.set(lane, job);
  }
  for (let lane = 0; lane < lanes; lane++) {
    const path = join(dir, String(lane));
    const known = taken.get(lane);
    if (typeof known === 'number') continue;
    if (known === undefined && inPrivateDir(dir, () => claimFile(path, jobId))) return lane;
    if (owner(path) === 'garbage') {
      onGarbage?.(lane, path);
      try {
        unlinkSync(path);
      } catch {
        // another claimer reclaimed it first
      }
      if (claimFile(path, jobId)) return lane;
    }
  }
  return undefined;
}

/** The jobs holding lanes of `alias`, by lane. */
export async function laneOwners(paths: StatePaths, alias: string): Promise<Map<number, number>> {
  const owners = new Map<number, number>();
  const dir = laneDir(paths, alias);
  for (const lane of laneNames(dir)) {
    const job = owner(join(dir, String(lane)));
    if (typeof job === 'number') owners.set(lane, job);
  }
  return owners;
}

/** The backends with a lane directory on this node. */
function laneAliases(paths: StatePaths): string[] {
  return namesIn(paths.lanes);
}

/** Every job holding a lane of any backend on this node. */
export async function laneHolders(paths: StatePaths): Promise<Set<number>> {
  const holders = new Set<number>();
  for (const alias of laneAliases(paths)) for (const job of (await laneOwners(paths, alias)).values()) holders.add(job);
  return holders;
}

/** Frees every lane the job holds, on every backend; returns what was freed. */
export async function releaseLanes(paths: StatePaths, jobId: number): Promise<Array<{ alias: string; lane: number }>> {
  const freed: Array<{ alias: string; lane: number }> = [];
  for (const alias of laneAliases(paths)) {
    for (const [lane, job] of await laneOwners(paths, alias)) {
      if (job !== jobId) continue;
      try {
        unlinkSync(join(laneDir(paths, alias), String(lane)));
        freed.push({ alias, lane });
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error;
      }
    }
  }
  return freed;
}
