/**
 * `iqm-server`: a quantum computer behind IQM Server's REST API (QRMI's ResourceType.IQMServer). The
 * hook checks the device's health at job start and, where the site runs in booked timeslots
 * (`timeslot: true`), books one for the job and frees it at the job's end (the booking id is the
 * lease's session). The job's gateway translates, submits, polls and cancels its circuit jobs
 * (src/backends/remote/ carries the task; jobs.ts and translate.ts speak IQM).
 */
import { join } from 'node:path';
import type { AcquireContext, Backend, ReleaseContext, RunnerContext, TaskRunner } from '../types.js';
import { connectIqm, iqmSettings, parseToken, type IqmConnection, type IqmSettings } from './connection.js';
import { iqmServerEntrySchema, IQM_SERVER, type IqmServerEntry } from './schema.js';
import { notHealthy } from './target.js';
import { loadOnFirstUse } from '../lazy-runner.js';
import { accessibility } from '../accessibility.js';

/** What the hook asks the server: a few calls within this, so a job's start never hangs on them. */
const HOOK_TIMEOUT_MS = 15_000;

function entrySettings(alias: string, entry: IqmServerEntry): IqmSettings {
  const { type: _type, capacity: _capacity, secret: _secret, description: _description, metadata: _metadata, $comment: _comment, ...fields } = entry;
  return iqmSettings(alias, fields);
}

async function withConnection<T>(
  ctx: { alias: string; entry: IqmServerEntry; secret: AcquireContext['secret']; stateDir?: string | undefined; logger?: AcquireContext['logger'] },
  use: (connection: IqmConnection) => Promise<T>,
): Promise<T> {
  const settings = entrySettings(ctx.alias, ctx.entry);
  const connection = connectIqm(ctx.alias, settings, parseToken(ctx.alias, ctx.secret), {
    backoffDir: ctx.stateDir === undefined ? undefined : join(ctx.stateDir, 'backoff'),
    logger: ctx.logger,
    deadline: Date.now() + HOOK_TIMEOUT_MS,
    // The shim's timeout bounds the whole hook: fewer, shorter waits than the gateway's.
    retry: { maxAttempts: 3, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 },
  });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

async function checkHealth(connection: IqmConnection): Promise<void> {
  const details = await connection.api.details();
  const healthy = details.health?.healthy ?? details.operational ?? true;
  if (!healthy) throw notHealthy(connection.alias, connection.settings.device, details.operational_status);
}

/** Minutes to book: the entry's, but never past the job's allocation (a slot outliving it is paid for nothing). */
function bookingMinutes(settings: IqmSettings, deadline: number | null): number {
  if (deadline === null) return settings.timeslotMinutes;
  const left = Math.floor((deadline * 1000 - Date.now()) / 60_000);
  return Math.max(1, Math.min(settings.timeslotMinutes, left));
}

/** The runner loads the primitives and the OpenQASM front end, which the hook never needs. */
function lazyRunner(context: RunnerContext | undefined): TaskRunner {
  return loadOnFirstUse('the iqm-server runner', () => import('./runner.js').then((m) => m.createIqmRunner(context)), { detachable: true });
}

async function release(ctx: ReleaseContext<IqmServerEntry>): Promise<void> {
  // No booking (on-demand queue), or the entry left the catalogue: nothing to free here. The job's
  // IQM jobs live in its gateway, which cancels them when the hook stops it.
  if (ctx.session === null || ctx.entry === undefined) return;
  const session = ctx.session;
  await withConnection({ ...ctx, entry: ctx.entry }, async (connection) => {
    await connection.api.releaseTimeslot(session);
    ctx.logger?.info({ backend: ctx.alias, timeslot: session }, 'IQM timeslot released');
  });
}

export const iqmServerBackend: Backend<IqmServerEntry> = {
  type: IQM_SERVER,
  entrySchema: iqmServerEntrySchema,
  // The token must never reach the job's own process.
  runsInJob: () => false,
  accessible: (ctx) =>
    accessibility(async () => {
      await withConnection(ctx, checkHealth);
      return { ok: true };
    }),
  async acquire(ctx) {
    return withConnection(ctx, async (connection) => {
      await checkHealth(connection);
      if (!connection.settings.timeslot) return { session: null };
      const minutes = bookingMinutes(connection.settings, ctx.deadline);
      const id = await connection.api.bookTimeslot(minutes);
      ctx.logger?.info({ backend: ctx.alias, timeslot: id, minutes }, 'IQM timeslot booked');
      return { session: id };
    });
  },
  release,
  runner: lazyRunner,
};
