/**
 * `ibm-quantum-compute-service`: IBM Quantum's Qiskit Runtime REST API on IBM Cloud as a backend.
 * The hook (root) checks access and opens the job's session at IBM at job start, and cancels what is
 * left and closes the session at job end; the job's gateway (which alone holds the API key) runs the
 * tasks (runner.ts, loaded only there).
 */
import { join } from 'node:path';
import { QrunError } from '../../errors.js';
import type { AcquireContext, Backend, ReleaseContext, TaskRunner } from '../types.js';
import { createIbmApi, type IbmApi } from './api.js';
import { IBM_COMPUTE_TYPE, ibmComputeEntrySchema, type IbmComputeEntry } from './schema.js';
import { loadOnFirstUse } from '../lazy-runner.js';
import { accessibility } from '../accessibility.js';

/** IBM's ceiling for a session's max_ttl, seconds (8 hours). */
export const MAX_SESSION_TTL_SECONDS = 28_800;

/**
 * The hook runs under the shim's hard timeout (30 s by default): its calls give up sooner than a
 * gateway's, so a slow IBM fails the job start with IBM's error rather than with the shim's kill.
 */
const HOOK_RETRY = { maxAttempts: 3, maxRetryAfterMs: 10_000 };
const HOOK_TIMEOUTS = { connectMs: 5_000, headersMs: 15_000, bodyMs: 15_000 };

function hookApi(ctx: Pick<AcquireContext<IbmComputeEntry>, 'alias' | 'secret' | 'stateDir' | 'logger'>, entry: IbmComputeEntry, deadline?: number): IbmApi {
  if (ctx.secret === undefined || ctx.secret.length === 0) {
    throw new QrunError('SECRET_UNAVAILABLE', `backend ${ctx.alias} needs its IBM Cloud API key and none was resolved`, {
      hint: "Point the entry's secret at a root-only file holding the key (file:/etc/slurm/qpu-secrets/<alias>.key).",
      details: { backend: ctx.alias },
    });
  }
  return createIbmApi({
    alias: ctx.alias,
    settings: entry,
    secret: ctx.secret,
    deadline,
    // Shared by the hook processes of this node (root); the gateways keep theirs elsewhere (launch.ts).
    backoffDir: ctx.stateDir === undefined ? undefined : join(ctx.stateDir, 'backoff'),
    logger: ctx.logger,
    retry: HOOK_RETRY,
    timeouts: HOOK_TIMEOUTS,
  });
}

/** The session's max_ttl: what is left of the allocation, within IBM's limits. */
export function sessionTtl(deadline: number | null, nowMs: number = Date.now()): number | undefined {
  if (deadline === null) return undefined;
  return Math.min(MAX_SESSION_TTL_SECONDS, Math.max(1, Math.ceil(deadline - nowMs / 1000)));
}

async function withApi<T>(api: IbmApi, work: (api: IbmApi) => Promise<T>): Promise<T> {
  try {
    return await work(api);
  } finally {
    await api.close();
  }
}

/** The gateway's runner, loaded on first use: the hook never loads the primitives or the pipeline. */
function lazyRunner(context: Parameters<Backend['runner']>[0]): TaskRunner {
  return loadOnFirstUse('the IBM runner', () => import('./runner.js').then((m) => m.createIbmComputeRunner(context)), { detachable: true });
}

export const ibmComputeBackend: Backend<IbmComputeEntry> = {
  type: IBM_COMPUTE_TYPE,
  entrySchema: ibmComputeEntrySchema,
  // The API key must stay out of the job: every task goes through the gateway.
  runsInJob: () => false,

  accessible: (ctx) =>
    accessibility(() =>
      withApi(hookApi(ctx, ctx.entry), async (api) => {
        await api.authenticate();
        const status = await api.backendStatus();
        if (status.operational) return { ok: true };
        return { ok: false, reason: `${api.device} is ${status.status}${status.message === '' ? '' : ` (${status.message})`} at IBM; jobs wait until it is back` };
      }),
    ),

  async acquire(ctx) {
    const mode = ctx.entry.session;
    if (mode === 'none') return { session: null };
    const session = await withApi(hookApi(ctx, ctx.entry, ctx.deadline === null ? undefined : ctx.deadline * 1000), (api) =>
      api.openSession({ mode, maxTtl: sessionTtl(ctx.deadline) }),
    );
    ctx.logger?.info({ backend: ctx.alias, session, mode }, 'vendor session opened');
    return { session };
  },

  async release(ctx: ReleaseContext<IbmComputeEntry>) {
    if (ctx.session === null) return;
    const session = ctx.session;
    if (ctx.entry === undefined) {
      throw new QrunError('CONFIG_INVALID', `backend ${ctx.alias} left the catalogue; its IBM session ${session} cannot be closed from here`, {
        hint: 'Close it at IBM (quantum.cloud.ibm.com → Workloads), or put the entry back until its jobs are released.',
        details: { backend: ctx.alias, session },
      });
    }
    await withApi(hookApi(ctx, ctx.entry), async (api) => {
      const keep = new Set(ctx.keep ?? []);
      const pending = (await api.pendingJobs(session)).filter((id) => !keep.has(id));
      for (const id of pending) await api.cancelJob(id);
      await api.closeSession(session);
      ctx.logger?.info({ backend: ctx.alias, session, cancelled: pending.length }, 'vendor session closed');
    });
  },

  runner: lazyRunner,
};
