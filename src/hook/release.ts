import { backendFor } from '../backends/registry.js';
import type { BackendEntry } from '../config/catalogue.js';
import type { SecretValue } from '../secrets/value.js';
import { readDetachedJobs } from '../gateway/detached.js';
import { withSiteProxy } from './acquire.js';
import type { HookDeps } from './deps.js';
import { CorruptLeaseError, readLease, removeLease, type Lease } from './journal.js';
import { releaseLanes } from './lanes.js';
import { withJobLock } from './lock.js';
import type { HookReply, HookRequest } from './protocol.js';

/**
 * release: idempotent and keyed by job id. Stops in-flight work through the adapters, stops the
 * gateway, frees the lanes, removes the lease, and logs usage. A job with nothing to release is fine.
 */

/**
 * A backend with a vendor session needs its entry and credential to close it; one without (the
 * simulator) needs neither, so release reads no catalogue and no secret for it.
 */
async function vendorContext(
  alias: string,
  session: string | null,
  request: HookRequest,
  deps: HookDeps,
): Promise<{ entry: BackendEntry | undefined; secret: SecretValue | undefined }> {
  if (session === null) return { entry: undefined, secret: undefined };
  const catalogue = await deps.loadCatalogue(request.config);
  const own = catalogue.backends[alias];
  const entry = own === undefined ? undefined : withSiteProxy(own, catalogue, alias);
  const secret = entry?.secret === undefined ? undefined : await deps.secretFor(alias, entry.secret);
  return { entry, secret };
}

async function releaseLocked(request: HookRequest, deps: HookDeps): Promise<HookReply> {
  const { paths, log } = deps;
  let lease: Lease | undefined;
  try {
    lease = await readLease(paths, request.jobId);
  } catch (error) {
    if (!(error instanceof CorruptLeaseError)) throw error;
    log.error({ err: error, backend: null }, 'corrupt lease; freeing lanes and removing it');
  }

  if (lease !== undefined) {
    // Vendor jobs the job detached must outlive it: the gateway listed them beside its usage file.
    const detached = lease.gateway ? await readDetachedJobs(lease.gateway.dir) : new Map<string, readonly string[]>();
    for (const held of lease.backends) {
      try {
        const backend = backendFor(held.type);
        if (backend === undefined) log.error({ backend: held.alias, type: held.type }, 'no backend of this type for a leased backend');
        else {
          const vendor = await vendorContext(held.alias, held.session, request, deps);
          const keep = detached.get(held.alias) ?? [];
          if (keep.length > 0) log.info({ backend: held.alias, keep }, 'leaving detached vendor jobs running');
          await backend.release({ jobId: request.jobId, alias: held.alias, session: held.session, ...vendor, keep, stateDir: paths.root, logger: log });
        }
      } catch (error) {
        log.error({ err: error, backend: held.alias }, 'backend release failed');
      }
    }
    if (lease.gatewayPid !== null) {
      try {
        const report = await deps.gateway.stop({ endpoint: lease.endpoint, pid: lease.gatewayPid, record: lease.gateway ?? null });
        if (report) {
          const backend = lease.backends.map((b) => b.alias).join(',');
          log.info({ backend, pid: lease.gatewayPid, how: report.how, usage: report.usage?.backends ?? null, record: report.record ?? null, adminComment: report.slurm?.ok ?? false }, 'gateway stopped');
          // Slurm refuses updates to a finished job (the usual case in job_epilog): only other refusals are news.
          if (report.slurm !== null && !report.slurm.ok && report.slurm.finished !== true) log.warn({ backend, error: report.slurm.error }, 'cannot write usage to Slurm');
        }
      } catch (error) {
        log.error({ err: error, backend: lease.backends.map((b) => b.alias).join(','), pid: lease.gatewayPid }, 'gateway stop failed');
      }
    }
  }

  const freed = await releaseLanes(paths, request.jobId);
  const removed = await removeLease(paths, request.jobId);
  if (lease === undefined && !removed && freed.length === 0) {
    log.info({ backend: null }, 'nothing to release');
    return { ok: true, message: 'nothing to release' };
  }
  const heldSeconds = lease ? Math.max(0, Math.round((deps.now().getTime() - Date.parse(lease.acquiredAt)) / 1000)) : null;
  for (const held of lease?.backends ?? freed.map((f) => ({ alias: f.alias, lane: f.lane, type: 'unknown' }))) {
    log.info(
      { backend: held.alias, type: held.type, lane: held.lane, uid: lease?.uid, heldSeconds, state: lease?.state ?? 'unknown' },
      'lease released',
    );
  }
  return { ok: true, message: 'lease released' };
}

export async function release(request: HookRequest, baseDeps: HookDeps): Promise<HookReply> {
  const deps = { ...baseDeps, log: baseDeps.log.child({ jobId: request.jobId }) };
  return withJobLock(deps.paths, request.jobId, deps.lockWaitMs, () => releaseLocked(request, deps));
}
