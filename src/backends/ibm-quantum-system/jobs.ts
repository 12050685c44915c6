/**
 * One vendor job from start to end, the way the Quantum System API wants it run: the input goes to the
 * bucket first, the job is created under an id we choose (204), its status is polled until final, the
 * results are read from the bucket, and then the job and its objects are deleted (the service keeps a
 * job until its client deletes it). Aborting cancels the job at the service and deletes it too.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { QrunError, isQrunError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { FINAL_STATUSES, type QsJob } from './api.js';
import type { DeviceConnection } from './connection.js';
import { objectKey, type ObjectKind } from './storage.js';

export interface VendorJobRequest {
  readonly programId: 'sampler' | 'estimator';
  /** Qiskit primitives V2 input: `{pubs, version: 2, options?, shots?|precision?}`. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Seconds the job may run at the service; default the entry's timeout_secs. */
  readonly timeoutSecs?: number | undefined;
}

export interface VendorJobResult {
  readonly jobId: string;
  /** The service's RuntimeEncoder JSON (`{"__type__": "PrimitiveResult", ...}`), parsed. */
  readonly encoded: unknown;
  readonly quantumNanoseconds: number | undefined;
}

/** The vendor jobs of this gateway that have not ended: what release must cancel. */
export class LiveJobs {
  readonly #ids = new Map<string, string>();

  add(alias: string, id: string): void {
    this.#ids.set(id, alias);
  }

  delete(id: string): void {
    this.#ids.delete(id);
  }

  ids(alias?: string): string[] {
    return [...this.#ids].filter(([, a]) => alias === undefined || a === alias).map(([id]) => id);
  }
}

export interface RunJobOptions {
  readonly signal: AbortSignal;
  readonly live?: LiveJobs | undefined;
  readonly logger?: Logger | undefined;
  /** First status poll after this many ms, growing to `maxPollMs`. Defaults 250 and 5000. */
  readonly pollMs?: number | undefined;
  readonly maxPollMs?: number | undefined;
  /** Called after each status read (progress for long waits). */
  readonly onStatus?: ((job: QsJob) => void) | undefined;
}

/** Presigned URLs outlive the job's own timeout by this much: the service uploads results after its last shot. */
const URL_MARGIN_SECONDS = 15 * 60;
/** Cancel and delete after an abort get their own short budget: the gateway is stopping. */
const CLEANUP_TIMEOUT_MS = 4_000;
const LANE_RETRY_CAP_MS = 30_000;

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

/**
 * Creates the job, waiting while every lane is busy (1232) for up to the entry's lane_wait_secs:
 * Slurm counts this site's lanes, so a full device means work from outside this cluster holds it, and
 * a job that already has its allocation is better served by a short wait than by a failure.
 */
async function createJob(conn: DeviceConnection, id: string, request: VendorJobRequest, timeoutSecs: number, options: RunJobOptions): Promise<void> {
  const { settings, store, api } = conn;
  const urlSeconds = timeoutSecs + URL_MARGIN_SECONDS;
  const body = {
    id,
    backend: settings.device,
    program_id: request.programId,
    timeout_secs: timeoutSecs,
    ...(settings.logLevel === undefined ? {} : { log_level: settings.logLevel }),
    storage: {
      input: { type: 's3_compatible' as const, presigned_url: store.presignForService('GET', objectKey('input', id), urlSeconds) },
      results: { type: 's3_compatible' as const, presigned_url: store.presignForService('PUT', objectKey('results', id), urlSeconds) },
      logs: { type: 's3_compatible' as const, presigned_url: store.presignForService('PUT', objectKey('logs', id), urlSeconds) },
    },
  };
  const giveUpAt = Date.now() + settings.laneWaitSecs * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await api.createJob(body, options.signal);
      return;
    } catch (error) {
      if (!isQrunError(error) || error.code !== 'DEVICE_LANES_BUSY') throw error;
      const delay = Math.min(LANE_RETRY_CAP_MS, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (Date.now() + delay > giveUpAt) {
        throw new QrunError(error.code, error.message, {
          hint: `${error.hint ?? ''}${settings.laneWaitSecs > 0 ? ` (this gateway waited ${settings.laneWaitSecs} s for a lane)` : ''}`.trim(),
          cause: error,
          ...(error.details === undefined ? {} : { details: { ...error.details, lane_wait_secs: settings.laneWaitSecs } }),
        });
      }
      options.logger?.warn({ device: settings.device, attempt, delayMs: Math.round(delay) }, 'every execution lane is busy; waiting to submit again');
      await pause(delay, options.signal, settings.device);
    }
  }
}

/** What a job log may add to an error: its end, where the service writes why it stopped. */
const LOG_TAIL_CHARS = 2_000;

async function failed(conn: DeviceConnection, job: QsJob, signal: AbortSignal): Promise<QrunError> {
  // The log is deleted with the job, so the part that explains the failure travels with the error.
  const log = await conn.store.get(objectKey('logs', job.id), signal).catch(() => undefined);
  const code = job.reasonCode === undefined ? '' : ` (reason ${job.reasonCode})`;
  return new QrunError('BACKEND_FAILED', `${conn.settings.device} failed job ${job.id}: ${job.reasonMessage ?? 'no reason given'}${code}`, {
    hint: job.reasonSolution !== undefined && job.reasonSolution !== '' ? job.reasonSolution : 'See the message and the job log in the details.',
    details: {
      backend: conn.alias,
      device: conn.settings.device,
      job_id: job.id,
      reason_code: job.reasonCode,
      ...(log === undefined || log === '' ? {} : { log_tail: log.slice(-LOG_TAIL_CHARS) }),
    },
  });
}

async function waitForEnd(conn: DeviceConnection, id: string, options: RunJobOptions): Promise<QsJob> {
  let delay = options.pollMs ?? 250;
  const max = options.maxPollMs ?? 5000;
  for (;;) {
    const job = await conn.api.job(id, options.signal);
    options.onStatus?.(job);
    if (FINAL_STATUSES.has(job.status)) return job;
    await pause(delay, options.signal, conn.settings.device);
    delay = Math.min(max, Math.round(delay * 1.5));
  }
}

/** The service writes results before it reports Completed; a store that lags gets a few more reads. */
async function readResults(conn: DeviceConnection, id: string, signal: AbortSignal): Promise<unknown> {
  const key = objectKey('results', id);
  for (let attempt = 1; ; attempt++) {
    const text = await conn.store.get(key, signal);
    if (text !== undefined) {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new QrunError('UPSTREAM_BAD_RESPONSE', `${conn.alias}: the results of job ${id} are not JSON`, { cause: error, details: { backend: conn.alias, job_id: id } });
      }
    }
    if (attempt >= 4) {
      throw new QrunError('BACKEND_FAILED', `${conn.settings.device} reported job ${id} completed, and the job store has no ${key}`, {
        hint: 'The service could not upload the results; check that it reaches the store (s3_endpoint_for_service) and run the task again.',
        details: { backend: conn.alias, device: conn.settings.device, job_id: id },
      });
    }
    await pause(500 * attempt, signal, conn.settings.device);
  }
}

const KINDS: readonly ObjectKind[] = ['input', 'results', 'logs'];

/** Deletes the job at the service and its objects in the bucket; failures are logged, never thrown. */
export async function deleteVendorJob(conn: DeviceConnection, id: string, logger?: Logger): Promise<void> {
  const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  const steps = [conn.api.deleteJob(id, signal), ...KINDS.map((kind) => conn.store.delete(objectKey(kind, id), signal))];
  const outcomes = await Promise.allSettled(steps);
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

/** Runs one vendor job to its result; see the file's comment. */
export async function runVendorJob(conn: DeviceConnection, request: VendorJobRequest, options: RunJobOptions): Promise<VendorJobResult> {
  const { signal } = options;
  if (signal.aborted) throw cancelledError(signal, conn.settings.device);
  const id = randomUUID();
  const timeoutSecs = request.timeoutSecs ?? conn.settings.timeoutSecs;
  await conn.store.put(objectKey('input', id), JSON.stringify(request.params), signal);
  let created = false;
  try {
    await createJob(conn, id, request, timeoutSecs, options);
    created = true;
    options.live?.add(conn.alias, id);
    options.logger?.info({ device: conn.settings.device, jobId: id, program: request.programId }, 'vendor job created');
    const job = await waitForEnd(conn, id, options);
    if (job.status === 'Failed') throw await failed(conn, job, signal);
    if (job.status === 'Cancelled') {
      throw new QrunError('TASK_CANCELLED', `job ${id} was cancelled at ${conn.settings.device}`, {
        hint: 'Someone with access to the device cancelled it; run the task again.',
        details: { backend: conn.alias, device: conn.settings.device, job_id: id },
      });
    }
    const encoded = await readResults(conn, id, signal);
    return { jobId: id, encoded, quantumNanoseconds: job.quantumNanoseconds };
  } catch (error) {
    if (created && signal.aborted) {
      await cancelVendorJob(conn, id, options.logger);
      throw cancelledError(signal, conn.settings.device);
    }
    throw error;
  } finally {
    options.live?.delete(id);
    // A cancelled run was cleaned up above; every other end (results read, failed) deletes here.
    if (created && !signal.aborted) await deleteVendorJob(conn, id, options.logger);
    else if (!created) await conn.store.delete(objectKey('input', id), AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch(() => undefined);
  }
}
