import { httpsProxyFor, type BackendEntry, type Catalogue } from '../config/catalogue.js';
import { backendFor } from '../backends/registry.js';
import { isQrunError, QrunError } from '../errors.js';
import type { SecretValue } from '../secrets/value.js';
import { capacityNeed, describeCapacityProblems, missingCapacity } from './capacity.js';
import type { HookDeps } from './deps.js';
import { jobEnvironment } from './env.js';
import { readLease, removeLease, writeLease, type Lease, type LeaseBackend } from './journal.js';
import { claimLane, laneOwners, releaseLanes } from './lanes.js';
import { withJobLock } from './lock.js';
import { stepName, type HookReply, type HookRequest } from './protocol.js';
import type { SlurmJobFacts } from '../slurm/job.js';

/**
 * acquire: idempotent and keyed by job id. The first step of a job on this node checks the job's
 * Slurm capacity, takes a lane per backend, writes the lease journal and returns the environment;
 * every later step finds the lease and gets the same environment.
 */

/** A refusal the user reads (the shim prints its message): what is wrong and what to do. */
export class Refusal extends QrunError {
  constructor(message: string) {
    super('ACQUIRE_REFUSED', message);
  }
}

function lanesExhausted(alias: string, lanes: number, holders: readonly number[]): QrunError {
  return new QrunError('LANES_EXHAUSTED', `all ${lanes} lanes of backend '${alias}' on this node are held (jobs ${holders.join(', ') || 'unknown'})`, {
    details: { backend: alias, lanes, holders: [...holders] },
  });
}

/** A lane of the backend on this node: Slurm counts the capacity, the lane says which of it this job uses. */
async function claimLaneOf(request: HookRequest, alias: string, entry: BackendEntry, deps: HookDeps): Promise<number> {
  const lane = await claimLane(deps.paths, alias, entry.capacity.lanes, request.jobId);
  if (lane !== undefined) return lane;
  const owners = await laneOwners(deps.paths, alias);
  throw lanesExhausted(alias, entry.capacity.lanes, [...new Set(owners.values())]);
}

function refuse(message: string): never {
  throw new Refusal(message);
}

async function catalogueOrRefuse(request: HookRequest, deps: HookDeps): Promise<Catalogue> {
  try {
    return await deps.loadCatalogue(request.config);
  } catch (error) {
    const detail = isQrunError(error) ? error.message.split('\n')[0] ?? error.message : (error as Error).message;
    deps.log.error({ err: error, backend: request.backends.join(','), config: request.config }, 'catalogue unusable');
    return refuse(
      `the site's QPU catalogue is unusable (${detail}), so no QPU was granted; ` +
        `ask your admin to run \`qrun admin check-config ${request.config}\``,
    );
  }
}

function resolveBackends(request: HookRequest, catalogue: Catalogue): Array<{ alias: string; entry: BackendEntry }> {
  const known = Object.keys(catalogue.backends);
  return request.backends.map((alias) => {
    const entry = Object.prototype.hasOwnProperty.call(catalogue.backends, alias) ? catalogue.backends[alias] : undefined;
    if (entry === undefined) {
      refuse(`unknown QPU backend '${alias}'; valid backends: ${known.join(', ') || '(none configured)'}`);
    }
    return { alias, entry: withSiteProxy(entry, catalogue, alias) };
  });
}

/**
 * The entry with the proxy its API calls take filled in (its own, else the catalogue's default), so
 * the backend's acquire and release and the job's gateway all use the same one.
 */
export function withSiteProxy(entry: BackendEntry, catalogue: Catalogue, alias: string): BackendEntry {
  if (entry.https_proxy !== undefined) return entry;
  const proxy = httpsProxyFor(catalogue, alias);
  return proxy === undefined ? entry : { ...entry, https_proxy: proxy };
}

async function factsOrRefuse(request: HookRequest, deps: HookDeps): Promise<SlurmJobFacts> {
  let facts: SlurmJobFacts;
  try {
    facts = await deps.slurm.show(request.jobId);
  } catch (error) {
    deps.log.error({ err: error, backend: request.backends.join(',') }, 'cannot read the job from slurmctld');
    return refuse(`cannot confirm the job's Slurm allocation (${(error as Error).message}), so no QPU was granted; resubmit, and tell your admin if it persists`);
  }
  if (facts.uid !== request.uid) {
    deps.log.error({ backend: request.backends.join(','), slurmUid: facts.uid, stepUid: request.uid }, 'job owner mismatch');
    return refuse(`slurmctld says job ${request.jobId} belongs to uid ${facts.uid}, not ${request.uid}; no QPU was granted`);
  }
  return facts;
}

function reply(lease: Lease, message: string): HookReply {
  return { ok: true, message, env: jobEnvironment(lease) };
}

async function acquireLocked(request: HookRequest, deps: HookDeps): Promise<HookReply> {
  const { paths, log } = deps;
  const existing = await readLease(paths, request.jobId);
  if (existing?.state === 'held') {
    const held = new Set(existing.backends.map((b) => b.alias));
    const extra = request.backends.filter((alias) => !held.has(alias));
    if (extra.length > 0) {
      refuse(
        `this job's QPU lease holds ${[...held].join(',')}; a later step cannot add ${extra.join(',')}. ` +
          `Ask for every backend when submitting (--q_backend=${[...held, ...extra].join(',')})`,
      );
    }
    log.info({ backend: [...held].join(','), step: stepName(request.stepId) }, 'lease found');
    return reply(existing, 'lease found');
  }

  const catalogue = await catalogueOrRefuse(request, deps);
  if (catalogue.defaults?.log_level !== undefined) log.level = catalogue.defaults.log_level;
  const requested = resolveBackends(request, catalogue);
  const facts = await factsOrRefuse(request, deps);
  const problems = missingCapacity(requested, facts);
  if (problems.length > 0) {
    log.warn(
      { backend: request.backends.join(','), missing: problems.map((p) => p.need), gres: facts.gres, licenses: facts.licenses },
      'capacity missing',
    );
    refuse(describeCapacityProblems(problems));
  }

  const base = {
    version: 1,
    jobId: request.jobId,
    uid: request.uid,
    gid: request.gid,
    hostname: request.hostname,
    token: existing?.token ?? deps.newToken(request.jobId, request.uid),
    deadline: facts.endTime,
    acquiredAt: deps.now().toISOString(),
    acquiredBy: stepName(request.stepId),
  };
  const pending: LeaseBackend[] = requested.map(({ alias, entry }) => ({
    alias,
    type: entry.type,
    capacity: capacityNeed(entry),
    lane: null,
    session: null,
  }));
  // Journal first: whatever is claimed below is then always found by release.
  await writeLease(paths, { ...base, state: 'acquiring', backends: pending, endpoint: '', gatewayPid: null });

  const held: LeaseBackend[] = [];
  const secrets = new Map<string, SecretValue>();
  try {
    for (const [index, { alias, entry }] of requested.entries()) {
      const backend = backendFor(entry.type) ?? refuse(`backend type ${entry.type} is not supported by this version of slurm-qpu`);
      const lane = await claimLaneOf(request, alias, entry, deps);
      const secret = entry.secret === undefined ? undefined : await deps.secretFor(alias, entry.secret);
      if (secret !== undefined) secrets.set(alias, secret);
      const { session } = await backend.acquire({ jobId: request.jobId, alias, entry, deadline: base.deadline, secret, stateDir: paths.root, logger: log });
      held.push({ ...(pending[index] as LeaseBackend), lane, session });
    }
    const gateway = await deps.gateway.start({
      jobId: request.jobId,
      uid: request.uid,
      aliases: held.map((b) => b.alias),
      token: base.token,
      deadline: base.deadline,
      serviceUser: request.serviceUser,
      gid: request.gid,
      stateDir: paths.root,
      backends: requested.map(({ alias, entry }) => ({ alias, entry, secret: secrets.get(alias) })),
      sessions: Object.fromEntries(held.map((b) => [b.alias, b.session])),
    });
    const lease: Lease = { ...base, state: 'held', backends: held, endpoint: gateway.endpoint, gatewayPid: gateway.pid, gateway: gateway.record ?? null };
    await writeLease(paths, lease);
    for (const b of held) {
      log.info(
        { backend: b.alias, type: b.type, lane: b.lane, uid: request.uid, step: base.acquiredBy, deadline: base.deadline },
        'lease acquired',
      );
    }
    return reply(lease, 'lease acquired');
  } catch (error) {
    // Give back what was taken; the job fails with the reason.
    for (const b of held) {
      if (b.session === null) continue;
      const entry = requested.find((r) => r.alias === b.alias)?.entry;
      await backendFor(b.type)
        ?.release({ jobId: request.jobId, alias: b.alias, entry, session: b.session, secret: secrets.get(b.alias), stateDir: paths.root, logger: log })
        .catch((closeError: unknown) => log.error({ err: closeError, backend: b.alias }, 'cannot close the vendor session of a failed acquire'));
    }
    await releaseLanes(paths, request.jobId).catch(() => undefined);
    await removeLease(paths, request.jobId).catch(() => undefined);
    if (isQrunError(error) && error.code === 'LANES_EXHAUSTED') {
      log.error({ backend: error.details?.['backend'], holders: error.details?.['holders'] }, 'no free lane');
      refuse(
        `${error.message}, although Slurm granted this job the capacity; the node's lanes and Slurm's count disagree. ` +
          'Resubmit; tell your admin if it persists',
      );
    }
    throw error;
  }
}

export async function acquire(request: HookRequest, baseDeps: HookDeps): Promise<HookReply> {
  const deps = { ...baseDeps, log: baseDeps.log.child({ jobId: request.jobId }) };
  try {
    return await withJobLock(deps.paths, request.jobId, deps.lockWaitMs, () => acquireLocked(request, deps));
  } catch (error) {
    if (error instanceof Refusal) {
      deps.log.warn({ backend: request.backends.join(','), step: stepName(request.stepId), reason: error.message }, 'acquire refused');
      return { ok: false, message: error.message };
    }
    throw error;
  }
}
