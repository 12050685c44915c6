import type { BackendEntry, Catalogue } from '../config/catalogue.js';
import { hookBackendFor } from '../backends/for-hook.js';
import { isQrunError, QrunError } from '../errors.js';
import type { SecretValue } from '../secrets/value.js';
import { capacityNeed, describeCapacityProblems, missingCapacity, nodeShare } from './capacity.js';
import type { HookDeps, PreparedGateway } from './deps.js';
import type { GatewayRecord } from '../gateway/launch.js';
import { jobEnvironment } from './env.js';
import { withSiteProxy } from './catalogue-entry.js';
import { faultPoint } from './faults.js';
import { CorruptLeaseError, readLease, writeLease, type Lease, type LeaseBackend } from './journal.js';
import { claimLane, laneOwners } from './lanes.js';
import { withJobLock } from './lock.js';
import { reapAsked, reapOthers } from './reaper.js';
import { recordVendorIds } from './vendor-ids.js';
import { releaseJob, releaseLease } from './release.js';
import { stepName, type HookReply, type HookRequest } from './protocol.js';
import type { SlurmJobFacts } from '../slurm/job.js';

/**
 * acquire: idempotent and keyed by job id. The first step of a job on this node checks the job's
 * Slurm capacity, takes a lane per backend, writes the lease journal and returns the environment;
 * every later step finds the lease and gets the same environment.
 */

/** A refusal the user reads (the shim prints its message): what is wrong and what to do. */
class Refusal extends QrunError {
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
  const claim = (): Promise<number | undefined> =>
    claimLane(deps.paths, alias, entry.capacity.lanes, request.jobId, (n, path) => deps.log.error({ backend: alias, lane: n, path }, 'lane file names no job; reclaimed'));
  const lane = await claim();
  if (lane !== undefined) return lane;
  // job_epilog's release runs detached (spank/job_script.c), so Slurm may hand a job's capacity on
  // before its lanes are free: wait for any release working on a holder (it holds that job's lock;
  // a holder nobody works on costs nothing here), then try once more.
  const holders = [...new Set((await laneOwners(deps.paths, alias)).values())].filter((id) => id !== request.jobId);
  for (const holder of holders) {
    await withJobLock(deps.paths, holder, deps.lockWaitMs, () => Promise.resolve()).catch(() => undefined);
  }
  const retried = await claim();
  if (retried !== undefined) {
    deps.log.info({ backend: alias, lane: retried, waitedFor: holders }, 'lane claimed after a release finished');
    return retried;
  }
  // A lane may still be held by a job Slurm no longer runs whose release never came (slurmd died
  // before its epilog): the full reap gives those back, then one more try.
  await reapOthers(deps, request.jobId);
  const reaped = await claim();
  if (reaped !== undefined) {
    deps.log.info({ backend: alias, lane: reaped }, 'lane claimed after a reap');
    return reaped;
  }
  const owners = await laneOwners(deps.paths, alias);
  throw lanesExhausted(alias, entry.capacity.lanes, [...new Set(owners.values())]);
}

/** Codes a backend's acquire raises for something the job's user set up wrong (a vqpu not served). */
const USER_FIXABLE: ReadonlySet<string> = new Set(['VQPU_NOT_SERVED', 'VQPU_REGISTRATION_INVALID']);

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

/** Whether another component of this heterogeneous job holds every unit this component lacks. */
async function anotherComponentHolds(requested: ReadonlyArray<{ alias: string; entry: BackendEntry }>, facts: SlurmJobFacts, deps: HookDeps): Promise<boolean> {
  if (facts.hetJobId === undefined || deps.slurm.hetComponents === undefined) return false;
  const components = await deps.slurm.hetComponents(facts.hetJobId);
  return components.some((c) => c.jobId !== facts.jobId && c.uid === facts.uid && missingCapacity(requested, c).length === 0);
}

function reply(lease: Lease, message: string): HookReply {
  return { ok: true, message, env: jobEnvironment(lease) };
}

/** The environment the gateway's restart and the first start share: entries, secrets, sessions. */
function gatewayRequest(
  request: HookRequest,
  lease: Pick<Lease, 'token' | 'deadline' | 'backends'>,
  requested: ReadonlyArray<{ alias: string; entry: BackendEntry }>,
  secrets: ReadonlyMap<string, SecretValue>,
  deps: HookDeps,
  save: (next: Partial<Lease>) => Promise<void>,
  resumeUsage: boolean,
) {
  return {
    jobId: request.jobId,
    uid: request.uid,
    aliases: lease.backends.map((b) => b.alias),
    token: lease.token,
    deadline: lease.deadline,
    serviceUser: request.serviceUser,
    gid: request.gid,
    stateDir: deps.paths.root,
    backends: requested.map(({ alias, entry }) => ({ alias, entry, secret: secrets.get(alias) })),
    sessions: Object.fromEntries(lease.backends.map((b) => [b.alias, b.session])),
    onSpawn: (record: GatewayRecord) => {
      deps.trace?.mark('gateway-spawned');
      return save({ gateway: record, gatewayPid: record.pid, endpoint: record.endpoint });
    },
    watch: deps.stepProcess === undefined ? undefined : { ...deps.stepProcess, jobEnds: stepName(request.stepId) === 'batch' },
    resumeUsage,
  };
}

/**
 * The gateway a service prepared before answering the job (deps.afterReply), started now: under the
 * job's lock, and only while the lease still waits for it (a release or a restart may have come first).
 * A start that fails leaves the lease `starting` without a gateway: the job's calls get GATEWAY_GONE,
 * and the job's next step starts one (restartGatewayIfDead).
 */
async function launchAfterReply(jobId: number, token: string, prepared: PreparedGateway, deps: HookDeps): Promise<void> {
  const { paths, log } = deps;
  try {
    await withJobLock(paths, jobId, deps.lockWaitMs, async () => {
      const lease = await readLease(paths, jobId);
      if (lease === undefined || lease.token !== token || lease.state !== 'held' || lease.gatewayState !== 'starting' || lease.gateway != null) {
        await prepared.abandon();
        return;
      }
      let current = lease;
      const save = async (patch: Partial<Lease>): Promise<void> => {
        current = { ...current, ...patch };
        await writeLease(paths, current);
      };
      const handle = await prepared.launch((record) => save({ gateway: record, gatewayPid: record.pid, endpoint: record.endpoint }));
      await save({ gatewayState: 'running', endpoint: handle.endpoint, gatewayPid: handle.pid, gateway: handle.record ?? null });
      await faultPoint('acquire:after-gateway');
    });
  } catch (error) {
    await prepared.abandon().catch(() => undefined);
    log.error({ err: error, backend: null }, "gateway start after the reply failed; the job's calls get GATEWAY_GONE until its next step starts one");
  }
}

async function secretsOf(requested: ReadonlyArray<{ alias: string; entry: BackendEntry }>, deps: HookDeps): Promise<Map<string, SecretValue>> {
  const secrets = new Map<string, SecretValue>();
  for (const { alias, entry } of requested) {
    if (entry.secret !== undefined) secrets.set(alias, await deps.secretFor(alias, entry.secret));
  }
  return secrets;
}

/**
 * A later step finds the job's gateway dead (killed, crashed): it is started again once for the
 * rest of the job, on the same socket with the same token, counting on from the usage the dead one
 * last wrote. A second death is left alone: the job's tasks get GATEWAY_GONE.
 */
async function restartGatewayIfDead(request: HookRequest, existing: Lease, deps: HookDeps): Promise<Lease> {
  const record = existing.gateway ?? null;
  // Held and still starting without a record: a start after the reply (launchAfterReply) died, and
  // this step holds the job's lock, so nobody is starting it now.
  const startDied = record === null && existing.gatewayState === 'starting';
  if (!startDied && (record === null || existing.gatewayState === 'stopped' || deps.gateway.alive?.(record) !== false)) return existing;
  const restarts = existing.gatewayRestarts ?? 0;
  const backend = existing.backends.map((b) => b.alias).join(',');
  if (restarts >= 1) {
    deps.log.warn({ backend, pid: record?.pid ?? null, restarts }, 'gateway gone again; not restarted');
    return existing;
  }
  const catalogue = await catalogueOrRefuse({ ...request, config: existing.catalogue ?? request.config }, deps);
  const requested = resolveBackends({ ...request, backends: existing.backends.map((b) => b.alias) }, catalogue);
  const secrets = await secretsOf(requested, deps);
  let lease: Lease = { ...existing, gatewayState: 'starting', gatewayRestarts: restarts + 1 };
  await writeLease(deps.paths, lease);
  const save = async (patch: Partial<Lease>): Promise<void> => {
    lease = { ...lease, ...patch };
    await writeLease(deps.paths, lease);
  };
  const gateway = await deps.gateway.start(gatewayRequest(request, lease, requested, secrets, deps, save, true));
  await save({ gatewayState: 'running', endpoint: gateway.endpoint, gatewayPid: gateway.pid, gateway: gateway.record ?? null });
  deps.log.warn({ backend, oldPid: record?.pid ?? null, pid: gateway.pid, step: stepName(request.stepId) }, 'gateway restarted');
  return lease;
}

async function acquireLocked(request: HookRequest, deps: HookDeps): Promise<HookReply> {
  const { paths, log } = deps;
  let existing: Lease | undefined;
  try {
    existing = await readLease(paths, request.jobId);
  } catch (error) {
    if (!(error instanceof CorruptLeaseError)) throw error;
    log.error({ err: error, backend: null }, 'corrupt lease of this job; giving back what it names and acquiring again');
    await releaseJob(request.jobId, deps, 'acquire-recovery');
  }
  if (existing?.state === 'held') {
    const held = new Set(existing.backends.map((b) => b.alias));
    const extra = request.backends.filter((alias) => !held.has(alias));
    if (extra.length > 0) {
      refuse(
        `this job's QPU lease holds ${[...held].join(',')}; a later step cannot add ${extra.join(',')}. ` +
          `Ask for every backend when submitting (--q_backend=${[...held, ...extra].join(',')})`,
      );
    }
    const lease = await restartGatewayIfDead(request, existing, deps);
    log.info({ backend: [...held].join(','), step: stepName(request.stepId) }, 'lease found');
    return reply(lease, 'lease found');
  }
  if (existing !== undefined) {
    // We hold the job's lock, so whoever wrote this half-done lease is dead: undo it, then start over.
    log.warn({ backend: existing.backends.map((b) => b.alias).join(','), state: existing.state }, 'unfinished lease of this job; undoing it');
    await releaseLease(existing, deps, 'acquire-recovery');
  }

  deps.trace?.mark('locked');
  const catalogue = await catalogueOrRefuse(request, deps);
  deps.trace?.mark('catalogue-loaded');
  if (catalogue.defaults?.log_level !== undefined) log.level = catalogue.defaults.log_level;
  const requested = resolveBackends(request, catalogue);
  const facts = await factsOrRefuse(request, deps);
  const share = nodeShare(facts, request.hostname);
  if (share === undefined) {
    log.error({ backend: request.backends.join(','), hostname: request.hostname, perNode: facts.perNode }, 'node not in the job allocation');
    refuse(`cannot tell which of job ${request.jobId}'s nodes this is (host ${request.hostname}), so no QPU was granted; tell your admin (NodeName should match the host name)`);
  }
  deps.trace?.mark('slurm-job-read');
  const problems = missingCapacity(requested, { gres: share, licenses: facts.licenses });
  if (problems.length > 0) {
    if (await anotherComponentHolds(requested, facts, deps)) {
      // --q_backend reaches every component of a heterogeneous job; the QPU goes where its capacity went.
      log.info({ backend: request.backends.join(','), hetJobId: facts.hetJobId, step: stepName(request.stepId) }, 'component without QPU capacity; no QPU here');
      return { ok: true, message: 'this component of the heterogeneous job holds no QPU capacity', env: {} };
    }
    log.warn(
      { backend: request.backends.join(','), missing: problems.map((p) => p.need), gres: share, jobGres: facts.gres, licenses: facts.licenses },
      'capacity missing',
    );
    refuse(describeCapacityProblems(problems));
  }
  // Releases that did not finish (a killed epilog, a vendor that would not close) are finished
  // before this job claims a lane; with none asked for, this costs one directory read.
  await reapAsked(deps, request.jobId);
  deps.trace?.mark('others-reaped');

  const hookSides = await Promise.all(
    requested.map(async ({ entry }) => (await hookBackendFor(entry.type)) ?? refuse(`backend type ${entry.type} is not supported by this version of slurm-qpu`)),
  );
  // Backends that open nothing at a vendor leave the gateway as the one external step: its
  // `starting` goes into the first write, the lanes (their files name the job) into the last.
  const nothingAtVendors = hookSides.every((side) => side.opensSession === false);

  let lease: Lease = {
    version: 1,
    jobId: request.jobId,
    uid: request.uid,
    gid: request.gid,
    hostname: request.hostname,
    state: 'acquiring',
    backends: requested.map(({ alias, entry }) => ({ alias, type: entry.type, capacity: capacityNeed(entry), lane: null, session: null, sessionState: 'none' })),
    token: deps.newToken(request.jobId, request.uid),
    endpoint: '',
    deadline: facts.endTime,
    gatewayPid: null,
    gateway: null,
    gatewayState: nothingAtVendors ? 'starting' : 'none',
    catalogue: request.config,
    acquiredAt: deps.now().toISOString(),
    acquiredBy: stepName(request.stepId),
  };
  const save = async (patch: Partial<Lease>): Promise<void> => {
    lease = { ...lease, ...patch };
    await writeLease(paths, lease);
  };
  const saveBackend = (index: number, patch: Partial<LeaseBackend>): Promise<void> =>
    save({ backends: lease.backends.map((b, i) => (i === index ? { ...b, ...patch } : b)) });
  // Journal first: whatever is claimed below is then always found by release.
  await writeLease(paths, lease);
  await faultPoint('acquire:after-journal');

  try {
    const secrets = new Map<string, SecretValue>();
    // A write guards the next external step only, and steps with nothing external between them
    // share one. A lease naming a vendor session is fsynced (file and directory) at each write.
    for (const [index, { alias, entry }] of requested.entries()) {
      const backend = hookSides[index] ?? refuse(`backend type ${entry.type} is not supported by this version of slurm-qpu`);
      const secret = entry.secret === undefined ? undefined : await deps.secretFor(alias, entry.secret);
      if (secret !== undefined) secrets.set(alias, secret);
      // The lane file names the job, so release frees a lane claimed just before a crash even
      // before the journal names it; the next write records it with the session about to open.
      const lane = await claimLaneOf(request, alias, entry, deps);
      if (backend.opensSession === false) {
        // Nothing at a vendor to guard: the lane goes into the next write (its file names the job).
        lease = { ...lease, backends: lease.backends.map((b, i) => (i === index ? { ...b, lane } : b)) };
      } else {
        // Durable before the vendor is asked (durableLease): a power cut must leave the record.
        await saveBackend(index, { lane, sessionState: 'opening' });
      }
      await faultPoint('acquire:after-claim');
      const { session } = await backend.acquire({
        jobId: request.jobId,
        alias,
        entry,
        deadline: lease.deadline,
        secret,
        stateDir: paths.root,
        logger: log,
        uid: request.uid,
        slurmJob: (id) => deps.slurm.show(id),
      });
      const last = index === requested.length - 1;
      const patch = {
        backends: lease.backends.map((b, i) => (i === index ? { ...b, session, sessionState: session === null ? ('none' as const) : ('open' as const) } : b)),
        ...(last ? { gatewayState: 'starting' as const } : {}),
      };
      // A session is journalled (durably) the moment it is known, whatever the backend declared.
      if (nothingAtVendors && session === null) lease = { ...lease, ...patch };
      else await save(patch);
      await faultPoint('acquire:after-session');
    }
    deps.trace?.mark('lanes-and-sessions');
    const start = gatewayRequest(request, lease, requested, secrets, deps, save, false);
    const gateway = deps.afterReply !== undefined && deps.gateway.prepare !== undefined ? await deps.gateway.prepare(start) : await deps.gateway.start(start);
    if ('launch' in gateway) {
      // The service answers the job first and spawns the gateway right after: the endpoint takes
      // calls already (they wait in the socket's backlog), and the step starts a Node start sooner.
      await save({ gatewayState: 'starting', endpoint: gateway.endpoint, state: 'held' }).catch(async (error: unknown) => {
        await gateway.abandon();
        throw error;
      });
      deps.trace?.mark('gateway-prepared');
      const token = lease.token;
      deps.afterReply?.(request.jobId, () => launchAfterReply(request.jobId, token, gateway, deps));
    } else {
      // Running and held in one write: a crash before the reply leaves a held lease, which the job's epilog releases.
      await save({ gatewayState: gateway.pid === null ? 'none' : 'running', endpoint: gateway.endpoint, gatewayPid: gateway.pid, gateway: gateway.record ?? null, state: 'held' });
      deps.trace?.mark('gateway-ready');
      await faultPoint('acquire:after-gateway');
    }
    deps.trace?.mark('lease-held');
    // The job runs now, so Slurm takes the update; never fatal (vendor-ids.ts).
    await recordVendorIds(lease, deps);
    for (const b of lease.backends) {
      log.info({ backend: b.alias, type: b.type, lane: b.lane, uid: request.uid, step: lease.acquiredBy, deadline: lease.deadline }, 'lease acquired');
    }
    await faultPoint('acquire:before-reply');
    return reply(lease, 'lease acquired');
  } catch (error) {
    // Give back what was taken, by the journal; the job fails with the reason.
    await releaseLease(lease, deps, 'acquire-failed').catch((undoError: unknown) => log.error({ err: undoError, backend: null }, 'cannot undo a failed acquire; the epilog or the reaper finishes it'));
    // What the user can fix themselves (serve their vqpu first) is theirs to read, not the admin's.
    if (isQrunError(error) && USER_FIXABLE.has(error.code)) {
      log.warn({ backend: error.details?.['backend'] ?? null, code: error.code }, 'backend refused the job');
      refuse(`${error.code}: ${error.message}${error.hint === undefined ? '' : `. ${error.hint}`}`);
    }
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
    return await withJobLock(deps.paths, request.jobId, deps.lockWaitMs, () => acquireLocked(request, deps), (why) =>
      deps.log.warn({ backend: request.backends.join(','), why }, 'stale lock taken over'),
    );
  } catch (error) {
    if (error instanceof Refusal) {
      deps.log.warn({ backend: request.backends.join(','), step: stepName(request.stepId), reason: error.message }, 'acquire refused');
      return { ok: false, message: error.message };
    }
    throw error;
  }
}
