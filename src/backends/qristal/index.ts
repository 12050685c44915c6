/**
 * `qristal`: a Quantum Brilliance QPU, or a site's own Qristal vQPU, through the QB hardware HTTP API
 * that Qristal's `qdk` backend speaks. With a reservation secret in the catalogue the hook (root)
 * reserves the device for the job at its start (a token per job, valid until the allocation ends)
 * and gives the reservation back at its end; the job's gateway runs the tasks with the same token
 * (runner.ts, loaded only there). Without a secret the device is shared, unreserved.
 */
import { join } from 'node:path';
import { QrunError } from '../../errors.js';
import type { AcquireContext, Backend, ReleaseContext, TaskRunner } from '../types.js';
import { createQristalApi, type QristalApi } from './api.js';
import { parseSessionHandle, reservationFor, reservationToken, sessionHandle } from './reservation.js';
import { QRISTAL_TYPE, qristalEntrySchema, type QristalEntry } from './schema.js';
import { loadOnFirstUse } from '../lazy-runner.js';
import { accessibility } from '../accessibility.js';

/** The hook runs under the shim's timeout: its calls give up sooner than a gateway's. */
const HOOK_RETRY = { maxAttempts: 3, maxRetryAfterMs: 10_000 };
const HOOK_TIMEOUTS = { connectMs: 5_000, headersMs: 15_000, bodyMs: 15_000 };

function hookApi(ctx: Pick<AcquireContext<QristalEntry>, 'alias' | 'stateDir' | 'logger'>, entry: QristalEntry, token: string | undefined): QristalApi {
  return createQristalApi({
    alias: ctx.alias,
    settings: entry,
    token,
    backoffDir: ctx.stateDir === undefined ? undefined : join(ctx.stateDir, 'backoff'),
    logger: ctx.logger,
    retry: HOOK_RETRY,
    timeouts: HOOK_TIMEOUTS,
  });
}

function needSecret(ctx: Pick<AcquireContext<QristalEntry>, 'alias' | 'secret'>): NonNullable<AcquireContext['secret']> {
  if (ctx.secret === undefined || ctx.secret.length === 0) {
    throw new QrunError('SECRET_UNAVAILABLE', `backend ${ctx.alias} reserves its device with a shared secret and none was resolved`, {
      hint: "Point the entry's secret at a root-only file holding the device's reservation shared secret (file:/etc/slurm/qpu-secrets/<alias>.secret).",
      details: { backend: ctx.alias },
    });
  }
  return ctx.secret;
}

async function withApi<T>(api: QristalApi, work: (api: QristalApi) => Promise<T>): Promise<T> {
  try {
    return await work(api);
  } finally {
    await api.close();
  }
}

function lazyRunner(context: Parameters<Backend['runner']>[0]): TaskRunner {
  return loadOnFirstUse('the Qristal runner', () => import('./runner.js').then((m) => m.createQristalRunner(context)), { detachable: true });
}

export const qristalBackend: Backend<QristalEntry> = {
  type: QRISTAL_TYPE,
  entrySchema: qristalEntrySchema,
  // The reservation secret must stay out of the job, and an open device is still reached from one place.
  runsInJob: () => false,

  accessible: (ctx) =>
    accessibility(async () => {
      await withApi(hookApi(ctx, ctx.entry, undefined), (api) => api.nativeGates());
      return { ok: true };
    }),

  async acquire(ctx) {
    if (ctx.entry.secret === undefined) return { session: null };
    const reservation = reservationFor(ctx.jobId, ctx.deadline);
    const token = reservationToken(reservation, needSecret(ctx));
    await withApi(hookApi(ctx, ctx.entry, token), (api) => api.reserve());
    const session = sessionHandle(reservation);
    ctx.logger?.info({ backend: ctx.alias, session: reservation.sessionId, until: reservation.endTime }, 'device reserved');
    return { session };
  },

  async release(ctx: ReleaseContext<QristalEntry>) {
    if (ctx.session === null) return;
    const reservation = parseSessionHandle(ctx.session, ctx.alias);
    if (ctx.entry === undefined) {
      throw new QrunError('CONFIG_INVALID', `backend ${ctx.alias} left the catalogue; its reservation ${reservation.sessionId} cannot be given back from here`, {
        hint: `The device frees itself when the reservation ends (epoch ${reservation.endTime}); put the entry back to release it sooner.`,
        details: { backend: ctx.alias, session: reservation.sessionId },
      });
    }
    const token = reservationToken(reservation, needSecret(ctx));
    // Deleting the reservation also stops what the token still has running on the device.
    await withApi(hookApi(ctx, ctx.entry, token), (api) => api.unreserve());
    ctx.logger?.info({ backend: ctx.alias, session: reservation.sessionId }, 'device reservation released');
  },

  runner: lazyRunner,
};
