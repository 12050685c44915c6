/**
 * At acquire the vendor ids the job holds (an IBM session, an IQM timeslot booking, a Qristal
 * reservation) are written into the job's AdminComment as `qpu_sessions={"<alias>":"<id>"}`, so an
 * admin finds in `scontrol show job` (and with slurmdbd in `sacct -o AdminComment`) what to look for
 * at the vendor. Ids only, never a credential: the lease journal and the hook's log hold the same.
 * Best effort: Slurm refusing it, or a comment already full, is logged and the job runs.
 */
import type { HookDeps } from './deps.js';
import type { Lease } from './journal.js';

const SESSIONS_KEY = 'qpu_sessions';

/** The JSON of as many sessions as fit in `room` bytes, in the lease's order; null when none fits. */
export function sessionsValue(sessions: ReadonlyArray<readonly [string, string]>, room: number): string | null {
  let best: string | null = null;
  for (let n = 1; n <= sessions.length; n++) {
    const value = JSON.stringify(Object.fromEntries(sessions.slice(0, n)));
    if (Buffer.byteLength(value) > room) break;
    best = value;
  }
  return best;
}

export async function recordVendorIds(lease: Lease, deps: HookDeps): Promise<void> {
  const sessions = lease.backends.flatMap((b): Array<[string, string]> => (b.session === null ? [] : [[b.alias, b.session]]));
  if (sessions.length === 0 || deps.adminComment === undefined) return;
  const backend = sessions.map(([alias]) => alias).join(',');
  try {
    const result = await deps.adminComment(lease.jobId, SESSIONS_KEY, (room) => sessionsValue(sessions, room));
    if (result.ok) deps.log.info({ backend, adminComment: result.comment }, 'vendor ids in AdminComment');
    else deps.log.warn({ backend, why: result.error, full: result.full ?? false }, 'vendor ids not in AdminComment');
  } catch (error) {
    deps.log.warn({ backend, err: error }, 'vendor ids not in AdminComment');
  }
}
