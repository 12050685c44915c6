/**
 * `pasqal-cloud`: Pasqal Cloud's analog neutral-atom QPUs as a backend. The hook (root) checks access
 * at job start (token exchange, device status) and, at job end, cancels the batches the job left at
 * Pasqal (found by the job's tag); the job's gateway, which alone holds the client secret, runs the
 * job's vendor-native Pulser sequences (runner.ts, loaded only there).
 */
import { join } from 'node:path';
import { QrunError } from '../../errors.js';
import type { AcquireContext, Backend, ReleaseContext, TaskRunner } from '../types.js';
import { createPasqalApi, jobTag, type PasqalApi } from './api.js';
import { PASQAL_CLOUD_TYPE, pasqalCloudEntrySchema, type PasqalCloudEntry } from './schema.js';
import { loadOnFirstUse } from '../lazy-runner.js';
import { accessibility } from '../accessibility.js';

/** The hook runs under the shim's hard timeout: fewer retries and shorter waits than the gateway's. */
const HOOK_RETRY = { maxAttempts: 3, maxRetryAfterMs: 10_000 };
const HOOK_TIMEOUTS = { connectMs: 5_000, headersMs: 15_000, bodyMs: 15_000 };

function hookApi(ctx: Pick<AcquireContext<PasqalCloudEntry>, 'alias' | 'secret' | 'stateDir' | 'logger'>, entry: PasqalCloudEntry): PasqalApi {
  if (ctx.secret === undefined || ctx.secret.length === 0) {
    throw new QrunError('SECRET_UNAVAILABLE', `backend ${ctx.alias} needs its Pasqal client secret and none was resolved`, {
      hint: "Point the entry's secret at a root-only file holding the service account's client secret (file:/etc/slurm/qpu-secrets/<alias>.secret).",
      details: { backend: ctx.alias },
    });
  }
  return createPasqalApi({
    alias: ctx.alias,
    settings: entry,
    secret: ctx.secret,
    backoffDir: ctx.stateDir === undefined ? undefined : join(ctx.stateDir, 'backoff'),
    logger: ctx.logger,
    retry: HOOK_RETRY,
    timeouts: HOOK_TIMEOUTS,
  });
}

async function withApi<T>(api: PasqalApi, work: (api: PasqalApi) => Promise<T>): Promise<T> {
  try {
    return await work(api);
  } finally {
    await api.close();
  }
}

/** The gateway's runner, loaded on first use: the hook never loads the payload schemas. */
function lazyRunner(context: Parameters<Backend['runner']>[0]): TaskRunner {
  return loadOnFirstUse('the Pasqal runner', () => import('./runner.js').then((m) => m.createPasqalRunner(context)), { detachable: false });
}

export const pasqalCloudBackend: Backend<PasqalCloudEntry> = {
  type: PASQAL_CLOUD_TYPE,
  entrySchema: pasqalCloudEntrySchema,
  // The client secret must stay out of the job: every task goes through the gateway.
  runsInJob: () => false,

  accessible: (ctx) =>
    accessibility(() =>
      withApi(hookApi(ctx, ctx.entry), async (api) => {
        await api.authenticate();
        const status = await api.deviceStatus();
        if (status === null || status === 'UP') return { ok: true };
        return { ok: false, reason: `${api.device} is ${status} at Pasqal; batches wait until it is back` };
      }),
    ),

  // Pasqal has no session to open: a job's batches are created by its gateway and tagged with its id.
  acquire: () => Promise.resolve({ session: null }),

  async release(ctx: ReleaseContext<PasqalCloudEntry>) {
    if (ctx.entry === undefined) return;
    await withApi(hookApi(ctx, ctx.entry), async (api) => {
      const open = await api.openBatches(jobTag(ctx.jobId));
      for (const id of open) await api.cancelBatch(id);
      if (open.length > 0) ctx.logger?.info({ backend: ctx.alias, cancelled: open.length }, 'vendor batches cancelled');
    });
  },

  runner: lazyRunner,
};
