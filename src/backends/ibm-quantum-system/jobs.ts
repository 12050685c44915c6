/**
 * The device's vendor jobs as the generic remote executor calls them (src/backends/remote/): submit,
 * status, result, cancel, done the way the Quantum System API wants them. The input goes to the bucket
 * first, the job is created under an id we choose (204); the results are read from the bucket; and
 * every job is deleted at the end with its objects, since the service keeps a job until its client
 * deletes it: after its results are read, once it is found failed or cancelled, or after a cancel.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { QrunError, isQrunError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { PrimitiveKind } from '../../pipeline/types.js';
import type { V2Params, VendorStatus, VendorTasks } from '../remote/index.js';
import type { QsJob } from './api.js';
import { API_CODES } from './errors.js';
import type { DeviceConnection } from './connection.js';
import { objectKey, type ObjectKind } from './storage.js';

/** The vendor jobs of this gateway that have not ended: what the gateway cancels when it stops. */
export class LiveJobs {
  readonly #ids = new Set<string>();

  add(id: string): void {
    this.#ids.add(id);
  }

  delete(id: string): void {
    this.#ids.delete(id);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  ids(): string[] {
    return [...this.#ids];
  }
}

export interface DeviceTasksOptions {
  /** Where the ids of jobs still at the service are kept (one per gateway). */
  readonly live?: LiveJobs | undefined;
  readonly logger?: Logger | undefined;
  /** Epoch ms when the allocation ends: a job's timeout_secs never reaches past it. */
  readonly deadline?: number | undefined;
}

/** Presigned URLs outlive the job's own timeout by this much: the service uploads results after its last shot. */
const URL_MARGIN_SECONDS = 15 * 60;
/** Cancel and delete get a short budget of their own: they also run while the gateway is stopping. */
const CLEANUP_TIMEOUT_MS = 4_000;
const LANE_RETRY_CAP_MS = 30_000;
/** What a job log adds to a failure: its end, where the service writes why it stopped. */
const LOG_TAIL_CHARS = 2_000;
const KINDS: readonly ObjectKind[] = ['input', 'results', 'logs'];

function cancelledError(signal: AbortSignal, device: string): QrunError {
  const reason: unknown = signal.reason;
  if (isQrunError(reason)) return reason;
  return new QrunError('TASK_CANCELLED', `the task on ${device} was cancelled`, { details: { device } });
}

async function pause(ms: number, signal: AbortSignal, device: string): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw cancelledError(signal, device);
  }
}

/** The entry's timeout, shortened to what is left of the allocation (a job outliving it would be billed for nothing). */
function timeoutFor(conn: DeviceConnection, deadline: number | undefined): number {
  const configured = conn.settings.timeoutSecs;
  if (deadline === undefined) return configured;
  return Math.max(1, Math.min(configured, Math.floor((deadline - Date.now()) / 1000)));
}

/**
 * Creates the job, waiting while every lane is busy (1232) for up to the entry's lane_wait_secs:
 * Slurm counts this site's lanes, so a full device means work from outside this cluster holds it, and
 * a job that already has its allocation is better served by a bounded wait than by a failure.
 */
async function createJob(conn: DeviceConnection, id: string, kind: PrimitiveKind, timeoutSecs: number, signal: AbortSignal, logger: Logger | undefined): Promise<void> {
  const { settings, store, api } = conn;
  const urlSeconds = timeoutSecs + URL_MARGIN_SECONDS;
  const location = (method: 'GET' | 'PUT', object: ObjectKind) => ({ type: 's3_compatible' as const, presigned_url: store.presignForService(method, objectKey(object, id), urlSeconds) });
  const body = {
    id,
    backend: settings.device,
    program_id: kind,
    timeout_secs: timeoutSecs,
    ...(settings.logLevel === undefined ? {} : { log_level: settings.logLevel }),
    storage: { input: location('GET', 'input'), results: location('PUT', 'results'), logs: location('PUT', 'logs') },
  };
  const giveUpAt = Date.now() + settings.laneWaitSecs * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await api.createJob(body, signal);
      return;
    } catch (error) {
      if (!isQrunError(error) || error.code !== 'DEVICE_LANES_BUSY') throw error;
      const delay = Math.min(LANE_RETRY_CAP_MS, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (Date.now() + delay > giveUpAt) {
        if (settings.laneWaitSecs === 0) throw error;
        throw new QrunError(error.code, `${error.message}, still after ${settings.laneWaitSecs} s`, { hint: error.hint ?? '', cause: error, details: { ...error.details, lane_wait_secs: settings.laneWaitSecs } });
      }
      logger?.warn({ device: settings.device, attempt, delayMs: Math.round(delay) }, 'every execution lane is busy; waiting to submit again');
      await pause(delay, signal, settings.device);
    }
  }
}

/** The service writes results before it reports Completed; a store that lags gets a few more reads. */
async function readResults(conn: DeviceConnection, id: string, signal: AbortSignal): Promise<string> {
  const key = objectKey('results', id);
  for (let attempt = 1; ; attempt++) {
    const text = await conn.store.get(key, signal);
    if (text !== undefined) return text;
    if (attempt >= 4) {
      throw new QrunError('BACKEND_FAILED', `${conn.settings.device} reported job ${id} completed, and the job store has no ${key}`, {
        hint: 'The service could not upload the results; check that it reaches the store (s3_endpoint_for_service) and run the task again.',
        details: { backend: conn.alias, device: conn.settings.device, job_id: id },
      });
    }
    await pause(500 * attempt, signal, conn.settings.device);
  }
}

/** Deletes the job at the service and its objects in the bucket; failures are logged, never thrown. */
async function deleteVendorJob(conn: DeviceConnection, id: string, logger?: Logger): Promise<void> {
  const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  const outcomes = await Promise.allSettled([conn.api.deleteJob(id, signal), ...KINDS.map((kind) => conn.store.delete(objectKey(kind, id), signal))]);
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') logger?.warn({ err: outcome.reason, device: conn.settings.device, jobId: id }, 'cannot delete a finished vendor job');
  }
}

/** Cancels a job that may still run, then deletes it; failures are logged, never thrown. */
export async function cancelVendorJob(conn: DeviceConnection, id: string, logger?: Logger): Promise<void> {
  try {
    const cancelled = await conn.api.cancelJob(id, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    logger?.info({ device: conn.settings.device, jobId: id, cancelled }, 'vendor job cancelled');
  } catch (error) {
    logger?.warn({ err: error, device: conn.settings.device, jobId: id }, 'cannot cancel a vendor job');
  }
  await deleteVendorJob(conn, id, logger);
}

/** "message (reason): solution", with the end of the job's log when the service wrote one. */
async function failureReason(conn: DeviceConnection, job: QsJob, signal: AbortSignal): Promise<string> {
  const log = await conn.store.get(objectKey('logs', job.id), signal).catch(() => undefined);
  const solution = job.reasonSolution === undefined || job.reasonSolution === '' ? '' : `; ${job.reasonSolution}`;
  const tail = log === undefined || log.trim() === '' ? '' : `\njob log (end):\n${log.slice(-LOG_TAIL_CHARS)}`;
  return `${job.reasonMessage ?? 'no reason given'}${solution}${tail}`;
}

export function deviceTasks(conn: DeviceConnection, options: DeviceTasksOptions = {}): VendorTasks {
  const { live, logger } = options;
  const device = conn.settings.device;

  async function finished(id: string): Promise<void> {
    live?.delete(id);
    await deleteVendorJob(conn, id, logger);
  }

  return {
    async submit(params: V2Params, kind: PrimitiveKind, signal: AbortSignal): Promise<string> {
      if (signal.aborted) throw cancelledError(signal, device);
      const id = randomUUID();
      await conn.store.put(objectKey('input', id), JSON.stringify(params), signal);
      // Tracked before it exists: the id is ours, so a stop that comes while the create is on the
      // wire still cancels it (a cancel of a job never created is a harmless 404).
      live?.add(id);
      try {
        await createJob(conn, id, kind, timeoutFor(conn, options.deadline), signal, logger);
      } catch (error) {
        live?.delete(id);
        if (signal.aborted) await cancelVendorJob(conn, id, logger);
        else await conn.store.delete(objectKey('input', id), AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch(() => undefined);
        throw error;
      }
      logger?.info({ device, jobId: id, program: kind }, 'vendor job created');
      return id;
    },

    async status(id, signal): Promise<VendorStatus> {
      let job: QsJob;
      try {
        job = await conn.api.job(id, signal);
      } catch (error) {
        // The gateway cancelled and deleted it (it is stopping): this task ends as cancelled, not failed.
        if (live !== undefined && !live.has(id) && isQrunError(error) && error.details?.['vendor_code'] === API_CODES.jobNotFound) return { state: 'cancelled' };
        throw error;
      }
      switch (job.status) {
        case 'Queued':
          return { state: 'queued' };
        case 'Running':
          return { state: 'running' };
        case 'Completed':
          return { state: 'done' };
        case 'Cancelled':
          await finished(id);
          return { state: 'cancelled' };
        case 'Failed': {
          const reason = await failureReason(conn, job, signal);
          await finished(id);
          return { state: 'failed', reason, code: job.reasonCode };
        }
      }
    },

    async result(id, signal) {
      try {
        return await readResults(conn, id, signal);
      } finally {
        // Read or not, nothing will read it again: the executor asks once.
        await finished(id);
      }
    },

    async cancel(id) {
      await cancelVendorJob(conn, id, logger);
      live?.delete(id);
    },
  };
}
