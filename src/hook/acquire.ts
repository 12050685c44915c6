import type { BackendEntry, Catalogue } from '../config/catalogue.js';
import { isQrunError } from '../errors.js';
import { adapterFor, LanesExhaustedError } from './adapters.js';
import { capacityNeed, describeCapacityProblems, missingCapacity } from './capacity.js';
import type { HookDeps } from './deps.js';
import { jobEnvironment } from './env.js';
import { readLease, removeLease, writeLease, type Lease, type LeaseBackend } from './journal.js';
import { releaseLanes } from './lanes.js';
import { withJobLock } from './lock.js';
import { stepName, type HookReply, type HookRequest } from './protocol.js';
import type { SlurmJobFacts } from './slurm-job.js';

/**
 * acquire: idempotent and keyed by job id. The first step of a job on this node checks the job's
 * Slurm capacity, takes a lane per backend, writes the lease journal and returns the environment;
 * every later step finds the lease and gets the same environment.
 */

export class Refusal extends Error {
  override readonly name = 'Refusal';
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
    return { alias, entry };
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

  const types = [...new Set(requested.map((r) => r.entry.type))];
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

  try {
    const held: LeaseBackend[] = [];
    for (const [index, { alias, entry }] of requested.entries()) {
      const got = await (adapterFor(entry.type) ?? refuse(`backend type ${entry.type} has no adapter`)).acquire({ jobId: request.jobId, alias, entry, paths });
      held.push({ ...(pending[index] as LeaseBackend), lane: got.lane, session: got.session });
    }
    const gateway = await deps.gatewayFor(types).start({
      jobId: request.jobId,
      uid: request.uid,
      aliases: held.map((b) => b.alias),
      token: base.token,
      deadline: base.deadline,
      serviceUser: request.serviceUser,
      gid: request.gid,
      stateDir: paths.root,
      backends: requested,
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
    await releaseLanes(paths, request.jobId).catch(() => undefined);
    await removeLease(paths, request.jobId).catch(() => undefined);
    if (error instanceof LanesExhaustedError) {
      log.error({ backend: error.alias, holders: error.holders }, 'no free lane');
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
