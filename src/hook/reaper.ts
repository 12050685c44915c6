import type { HookDeps } from './deps.js';
import { CorruptLeaseError, listLeases, readLease, type Lease } from './journal.js';
import { laneHolders } from './lanes.js';
import { jobLockHeld, tryJobLock } from './lock.js';
import { reapDone, reapsWanted } from './reap-wanted.js';
import { releaseJob } from './release.js';
import type { JobPresence } from '../slurm/presence.js';

/**
 * The reaper: a lease (or a lane) of a job Slurm no longer runs is released exactly the way the
 * job's epilog would have (releaseJob: gateway stopped and its usage recorded, lanes returned,
 * vendor sessions closed). Slurm alone decides whether a job is gone — never a pid: `gone` (a final
 * state, or a job slurmctld does not know) is reaped; `running` and `ending` (the epilog is on its
 * way) are left, even when their gateway is dead; `unknown` (Slurm cannot be asked) touches nothing.
 *
 * It runs in full when slurmd starts (the shim's `reap` event), from `qrun admin reap`, and when a
 * QPU job finds no free lane. A QPU job's acquire otherwise reaps only the jobs whose release began
 * and did not finish (reap-wanted.ts) and whose lock no live handler holds: with none, it asks
 * Slurm nothing. Each lease is reaped under its own lock, taken only when free: a lease an epilog
 * or a step is working on is skipped, never waited for.
 */

export interface ReapEntry {
  readonly jobId: number;
  /** What Slurm said about the job. */
  readonly presence: JobPresence;
  /** The lease's journal state, or `lanes-only` for lanes without a lease, `corrupt` for a damaged file. */
  readonly state: Lease['state'] | 'lanes-only' | 'corrupt';
  readonly backends: readonly string[];
  /** released: done now; would-release: --dry-run; left: the job runs or Slurm cannot tell; busy: locked by another handler; pending: a vendor session is still to close. */
  readonly action: 'released' | 'would-release' | 'left' | 'busy' | 'pending' | 'failed';
  readonly error?: string;
}

export interface ReapOptions {
  /** Report what would be released without releasing anything. */
  readonly dryRun?: boolean;
  /** Jobs not to look at (the job acquiring right now). */
  readonly except?: number;
  /** Look at these jobs only (those whose release asked for a reap); default: every job holding something. */
  readonly only?: readonly number[];
}

async function describe(jobId: number, deps: HookDeps): Promise<{ state: ReapEntry['state']; backends: string[] }> {
  try {
    const lease = await readLease(deps.paths, jobId);
    if (lease === undefined) return { state: 'lanes-only', backends: [] };
    return { state: lease.state, backends: lease.backends.map((b) => b.alias) };
  } catch (error) {
    if (error instanceof CorruptLeaseError) return { state: 'corrupt', backends: [] };
    throw error;
  }
}

/** Job ids with something on this node: a lease file or a lane. */
async function holders(deps: HookDeps): Promise<number[]> {
  const ids = new Set<number>(await listLeases(deps.paths));
  for (const id of await laneHolders(deps.paths)) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

export async function reap(baseDeps: HookDeps, options: ReapOptions = {}): Promise<ReapEntry[]> {
  const holding = await holders(baseDeps);
  // A mark whose job holds nothing any more is a release that ended between its last two calls.
  if (options.dryRun !== true) for (const id of reapsWanted(baseDeps.paths)) if (!holding.includes(id)) reapDone(baseDeps.paths, id);
  const only = options.only === undefined ? undefined : new Set(options.only);
  const jobs = holding.filter((id) => id !== options.except && (only === undefined || only.has(id)));
  // One question per job, asked together: the acquiring job waits for the slowest only.
  const answers = await Promise.all(jobs.map(async (jobId) => ({ jobId, presence: await baseDeps.presence(jobId).catch((): JobPresence => 'unknown') })));
  const entries: ReapEntry[] = [];
  for (const { jobId, presence } of answers) {
    const deps = { ...baseDeps, log: baseDeps.log.child({ jobId }) };
    const { state, backends } = await describe(jobId, deps);
    const base = { jobId, presence, state, backends };
    if (presence !== 'gone') {
      entries.push({ ...base, action: 'left' });
      continue;
    }
    if (options.dryRun === true) {
      entries.push({ ...base, action: 'would-release' });
      continue;
    }
    try {
      const outcome = await tryJobLock(deps.paths, jobId, () => releaseJob(jobId, deps, 'reaper'), (why) => deps.log.warn({ backend: null, why }, 'stale lock taken over'));
      if (outcome === 'busy') entries.push({ ...base, action: 'busy' });
      else {
        entries.push({ ...base, action: outcome.pending ? 'pending' : 'released' });
        deps.log.info({ backend: backends.join(',') || null, state, pending: outcome.pending }, 'lease reaped');
      }
    } catch (error) {
      deps.log.error({ err: error, backend: backends.join(',') || null }, 'reap failed');
      entries.push({ ...base, action: 'failed', error: (error as Error).message });
    }
  }
  return entries;
}

/** When no lane is free: reap every other job's lease; a failure here never fails the acquiring job. */
export async function reapOthers(deps: HookDeps, jobId: number): Promise<void> {
  try {
    await reap(deps, { except: jobId });
  } catch (error) {
    deps.log.error({ err: error, backend: null }, 'reap at acquire failed');
  }
}

/**
 * At acquire: reap the other jobs whose release began and did not finish, unless a live handler
 * is still on it (its lock). Nothing asked: one directory read, no question to Slurm.
 */
export async function reapAsked(deps: HookDeps, jobId: number): Promise<void> {
  try {
    const asked = reapsWanted(deps.paths).filter((id) => id !== jobId && !jobLockHeld(deps.paths, id));
    if (asked.length > 0) await reap(deps, { except: jobId, only: asked });
  } catch (error) {
    deps.log.error({ err: error, backend: null }, 'reap at acquire failed');
  }
}
