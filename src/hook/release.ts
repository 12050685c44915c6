import { hookBackendFor } from '../backends/for-hook.js';
import type { BackendEntry } from '../config/catalogue.js';
import type { SecretValue } from '../secrets/value.js';
import { withSiteProxy } from './catalogue-entry.js';
import type { HookDeps } from './deps.js';
import { faultPoint } from './faults.js';
import { CorruptLeaseError, readLease, removeLease, sessionOpen, writeLease, type Lease, type LeaseBackend } from './journal.js';
import { releaseLanes } from './lanes.js';
import { withJobLock } from './lock.js';
import { reapDone, wantReap } from './reap-wanted.js';
import type { HookReply, HookRequest } from './protocol.js';

/**
 * release: idempotent and keyed by job id. One path for every release — the job's epilog, the undo
 * of a failed or crashed acquire, the reaper — driven by the lease journal (journal.ts): each part
 * is written down as done once it is, so a release that is cut short (a crash, the shim's timeout)
 * is finished by the next one without doing any part twice.
 *
 * Order: the gateway first (no new task reaches the vendor; its usage is recorded), then the lanes
 * (the node's capacity comes back even when a vendor hangs), then the vendor sessions (cancel what
 * is left, close), then the file. A session the vendor would not close is kept in the journal and
 * tried again by the reaper, up to MAX_CLOSE_ATTEMPTS; the vendor ends it at its max_ttl anyway.
 */

const MAX_CLOSE_ATTEMPTS = 3;
/** Default for deps.vendorReleaseMs: well inside the shim's default 30 s timeout. */
const VENDOR_RELEASE_MS = 15_000;

export type ReleaseReason = 'epilog' | 'reaper' | 'acquire-failed' | 'acquire-recovery';

export interface ReleaseOutcome {
  /** False when there was nothing to release. */
  readonly released: boolean;
  /** True when a vendor session could not be closed yet: the lease stays for another attempt. */
  readonly pending: boolean;
}

/**
 * A backend with a vendor session needs its entry and credential to close it; one without (the
 * simulator) needs neither, so release reads no catalogue and no secret for it.
 */
async function vendorContext(alias: string, session: string | null, cataloguePath: string, deps: HookDeps): Promise<{ entry: BackendEntry | undefined; secret: SecretValue | undefined }> {
  if (session === null) return { entry: undefined, secret: undefined };
  const catalogue = await deps.loadCatalogue(cataloguePath);
  const own = catalogue.backends[alias];
  const entry = own === undefined ? undefined : withSiteProxy(own, catalogue, alias);
  const secret = entry?.secret === undefined ? undefined : await deps.secretFor(alias, entry.secret);
  return { entry, secret };
}

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Stops the job's gateway; returns the vendor jobs it let outlive the job, by backend alias. */
async function stopGatewayOf(lease: Lease, deps: HookDeps): Promise<ReadonlyMap<string, readonly string[]>> {
  const { log } = deps;
  const backend = lease.backends.map((b) => b.alias).join(',');
  const record = lease.gateway ?? null;
  if (record === null) {
    // `starting` without a record: spawned (maybe) but never told its configuration, so it exits
    // by itself; its directory is all that can be left.
    if (lease.gatewayState === 'starting') await deps.gateway.forget?.(lease.jobId, deps.paths.root);
    return new Map();
  }
  try {
    const report = await deps.gateway.stop({ endpoint: lease.endpoint, pid: record.pid, record });
    if (report) {
      log.info({ backend, pid: record.pid, how: report.how, usage: report.usage?.backends ?? null, record: report.record ?? null, adminComment: report.slurm?.ok ?? false }, 'gateway stopped');
      // Slurm refuses updates to a finished job (the usual case in job_epilog): only other refusals are news.
      if (report.slurm !== null && !report.slurm.ok && report.slurm.finished !== true) log.warn({ backend, error: report.slurm.error }, 'cannot write usage to Slurm');
      return report.detached ?? new Map();
    }
  } catch (error) {
    log.error({ err: error, backend, pid: record.pid }, 'gateway stop failed');
  }
  return new Map();
}

async function closeSession(lease: Lease, held: LeaseBackend, deps: HookDeps): Promise<LeaseBackend> {
  const { log } = deps;
  try {
    const backend = await hookBackendFor(held.type);
    if (backend === undefined) {
      log.error({ backend: held.alias, type: held.type }, 'no backend of this type for a leased backend');
      return { ...held, sessionState: 'closed' };
    }
    const vendor = await vendorContext(held.alias, held.session, lease.catalogue ?? '', deps);
    const keep = held.keep ?? [];
    if (keep.length > 0) log.info({ backend: held.alias, keep }, 'leaving detached vendor jobs running');
    await within(
      backend.release({ jobId: lease.jobId, alias: held.alias, session: held.session, ...vendor, keep, stateDir: deps.paths.root, logger: log }),
      deps.vendorReleaseMs ?? VENDOR_RELEASE_MS,
      `closing the ${held.alias} session`,
    );
    return { ...held, sessionState: 'closed' };
  } catch (error) {
    const attempts = (held.closeAttempts ?? 0) + 1;
    if (attempts >= MAX_CLOSE_ATTEMPTS) {
      log.error({ err: error, backend: held.alias, session: held.session, attempts }, 'vendor session not closed; giving up (the vendor ends it at its max_ttl)');
      return { ...held, sessionState: 'closed', closeAttempts: attempts };
    }
    log.error({ err: error, backend: held.alias, session: held.session, attempts }, 'backend release failed; the reaper tries again');
    return { ...held, closeAttempts: attempts };
  }
}

/** Whether the lease names a gateway that may run (or may have left its directory). */
function gatewayToStop(lease: Lease): boolean {
  return lease.gatewayState !== 'stopped' && (lease.gateway != null || lease.gatewayState === 'starting' || lease.gatewayPid !== null);
}

/**
 * Releases what `lease` says the job holds, from wherever its journal stands. The caller holds the
 * job's lock. Every part done is journalled before the next begins.
 */
export async function releaseLease(start: Lease, deps: HookDeps, reason: ReleaseReason): Promise<ReleaseOutcome> {
  const { paths, log } = deps;
  let lease: Lease = start;
  const save = async (next: Lease): Promise<void> => {
    lease = next;
    await writeLease(paths, lease);
  };
  // Until the file is gone, a release cut short here is the next acquire's to reap.
  wantReap(paths, lease.jobId);
  // `releasing` guards the gateway's stop and the sessions' close; a lease with neither is given
  // back by freeing its lanes (their files name the job) and removing it, which a crash between
  // leaves for the reaper to finish the same way.
  if (lease.state !== 'releasing' && (gatewayToStop(lease) || lease.backends.some(sessionOpen))) await save({ ...lease, state: 'releasing', releaseReason: reason });
  await faultPoint('release:after-journal');

  if (gatewayToStop(lease)) {
    const detached = await stopGatewayOf(lease, deps);
    // Journalled with the stop, so a release finished after a crash still keeps them.
    const backends = lease.backends.map((b) => {
      const keep = detached.get(b.alias);
      return keep === undefined || keep.length === 0 ? b : { ...b, keep: [...(b.keep ?? []), ...keep] };
    });
    await save({ ...lease, backends, gatewayState: 'stopped' });
    deps.trace?.mark('gateway-stopped');
    await faultPoint('release:after-gateway-stop');
  }

  await releaseLanes(paths, lease.jobId);
  deps.trace?.mark('lanes-freed');
  await faultPoint('release:after-lanes');

  for (const [index, held] of lease.backends.entries()) {
    if (held.sessionState === 'opening') {
      log.warn({ backend: held.alias }, 'a vendor session was being opened when the handler died; its id is unknown, the vendor ends it at its max_ttl');
    }
    if (!sessionOpen(held)) continue;
    const after = await closeSession(lease, held, deps);
    await save({ ...lease, backends: lease.backends.map((b, i) => (i === index ? after : b)) });
    if (after.sessionState === 'closed') await faultPoint('release:after-session-close');
  }

  if (lease.backends.some(sessionOpen)) return { released: true, pending: true };
  await removeLease(paths, lease.jobId);
  reapDone(paths, lease.jobId);
  deps.trace?.mark('lease-removed');
  const heldSeconds = Math.max(0, Math.round((deps.now().getTime() - Date.parse(lease.acquiredAt)) / 1000));
  for (const held of lease.backends) {
    log.info({ backend: held.alias, type: held.type, lane: held.lane, uid: lease.uid, heldSeconds, state: start.state, reason }, 'lease released');
  }
  return { released: true, pending: false };
}

/** Release under the job's lock, for a job whose lease may be missing, damaged or half-written. */
export async function releaseJob(jobId: number, deps: HookDeps, reason: ReleaseReason): Promise<ReleaseOutcome> {
  const { paths, log } = deps;
  let lease: Lease | undefined;
  try {
    lease = await readLease(paths, jobId);
  } catch (error) {
    if (!(error instanceof CorruptLeaseError)) throw error;
    log.error({ err: error, backend: null }, 'corrupt lease; freeing lanes and removing it');
  }
  if (lease !== undefined) return releaseLease(lease, deps, reason);
  const freed = await releaseLanes(paths, jobId);
  const removed = await removeLease(paths, jobId);
  reapDone(paths, jobId);
  if (!removed && freed.length === 0) return { released: false, pending: false };
  for (const held of freed) log.info({ backend: held.alias, type: 'unknown', lane: held.lane, heldSeconds: null, state: 'unknown', reason }, 'lease released');
  return { released: true, pending: false };
}

export async function release(request: HookRequest, baseDeps: HookDeps): Promise<HookReply> {
  const deps = { ...baseDeps, log: baseDeps.log.child({ jobId: request.jobId }) };
  // The epilog must never wait on a dead handler's lock: a stale one is taken over at once.
  const outcome = await withJobLock(
    deps.paths,
    request.jobId,
    deps.lockWaitMs,
    () => {
      deps.trace?.mark('locked');
      return releaseJob(request.jobId, { ...deps, loadCatalogue: (path) => deps.loadCatalogue(path === '' ? request.config : path) }, 'epilog');
    },
    (why) => deps.log.warn({ backend: null, why }, 'stale lock taken over'),
  );
  if (!outcome.released) {
    deps.log.info({ backend: null }, 'nothing to release');
    return { ok: true, message: 'nothing to release' };
  }
  return { ok: true, message: outcome.pending ? 'lease released; a vendor session is left for the reaper to close' : 'lease released' };
}
