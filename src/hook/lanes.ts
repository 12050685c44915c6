import { open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, isErrno } from './fsutil.js';
import { laneDir, type StatePaths } from './paths.js';

/**
 * Local lanes of a backend on this node: lane n is held while lanes/<alias>/<n> exists; the file
 * holds the job id. Claiming uses O_CREAT|O_EXCL, so two jobs can never hold the same lane, with no
 * lock. Slurm already limits how many jobs hold the capacity; lanes make that visible and give each
 * job a stable index (a simulator seed offset, a vendor session slot).
 */

async function owner(path: string): Promise<number | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** The job's lane of `alias` (reused when it already holds one), or undefined when all are taken. */
export async function claimLane(paths: StatePaths, alias: string, lanes: number, jobId: number): Promise<number | undefined> {
  const dir = laneDir(paths, alias);
  await ensurePrivateDir(dir);
  for (let lane = 0; lane < lanes; lane++) {
    if ((await owner(join(dir, String(lane)))) === jobId) return lane;
  }
  for (let lane = 0; lane < lanes; lane++) {
    try {
      const handle = await open(join(dir, String(lane)), 'wx', 0o600);
      try {
        await handle.writeFile(`${jobId}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return lane;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
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
    if (job !== undefined) owners.set(Number(name), job);
  }
  return owners;
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
