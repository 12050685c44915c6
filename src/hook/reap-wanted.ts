import { closeSync, openSync, unlinkSync } from 'node:fs';
import { inPrivateDir, isErrno, numberedNamesIn } from './fsutil.js';
import { reapWantedFile, type StatePaths } from './paths.js';

/**
 * What asks the reaper at acquire for a pass: `reap-wanted/<job id>`, made when a release of the
 * job begins and removed when it has given back everything. One left behind is a release that
 * did not finish (its handler was killed, it failed, a vendor would not close the session yet),
 * so the next QPU job's acquire reaps that job; with none, an acquire reads one empty directory
 * and asks Slurm nothing. Not fsynced: after a power cut slurmd's start reaps every lease anyway.
 */

/** Marks that a release of the job has begun (idempotent). */
export function wantReap(paths: StatePaths, jobId: number): void {
  inPrivateDir(paths.reapWanted, () => closeSync(openSync(reapWantedFile(paths, jobId), 'a', 0o600)));
}

/** The job's release has finished: nothing of it is left to reap. */
export function reapDone(paths: StatePaths, jobId: number): void {
  try {
    unlinkSync(reapWantedFile(paths, jobId));
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

/** Jobs whose release began and did not finish. */
export function reapsWanted(paths: StatePaths): number[] {
  return numberedNamesIn(paths.reapWanted);
}
