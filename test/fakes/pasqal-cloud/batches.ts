/**
 * The fake's batches and jobs: created whole (a closed batch, as the backend and the SDK's default
 * send), then PENDING for `queueDelayMs`, then each job RUNNING for `runDelayMs` in creation order,
 * then DONE with Pulser's counter (atoms.ts), or ERROR, CANCELED, TIMED_OUT. States are derived from
 * the clock when read, so no timer runs and nothing outlives `close()`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { runSequence, UnsupportedSequence } from './atoms.js';
import { fail } from './jsend.js';

export type BatchStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'ERROR' | 'CANCELED' | 'TIMED_OUT';
type JobStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'ERROR' | 'CANCELED';

export interface FakeJob {
  readonly id: string;
  readonly batch_id: string;
  readonly project_id: string;
  readonly runs: number;
  readonly variables: Record<string, unknown> | null;
  readonly sequence: string | null;
  readonly creation_order: number;
  readonly created_at: string;
  updated_at: string;
  status: JobStatus;
  errors: string[];
  start_timestamp: string | null;
  end_timestamp: string | null;
  counter: Record<string, number> | null;
}

export interface FakeBatch {
  readonly id: string;
  readonly project_id: string;
  readonly user_id: string;
  readonly device_type: string;
  readonly sequence_builder: string | null;
  readonly created_at: string;
  readonly createdMs: number;
  readonly tags: string[];
  readonly webhook: string | null;
  readonly configuration: unknown;
  readonly backend_configuration: string | null;
  readonly jobs: FakeJob[];
  readonly outcome: 'normal' | 'job-error' | 'timeout';
  readonly jobErrors: readonly string[];
  open: boolean;
  updated_at: string;
  canceled: boolean;
  start_datetime: string | null;
  end_datetime: string | null;
}

export interface DeviceLimits {
  readonly maxAtoms: number;
  readonly maxRuns: number;
}

export interface BatchClock {
  readonly queueDelayMs: number;
  readonly runDelayMs: number;
}

const FINAL_JOB: ReadonlySet<JobStatus> = new Set(['DONE', 'ERROR', 'CANCELED']);

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A sequence's register size, or an error the API answers 400 with. */
function atomsIn(text: string, where: string): { parsed: Record<string, unknown>; atoms: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail(400, `${where} is not a serialized Pulser sequence (invalid JSON)`);
  }
  const register = record(parsed)['register'];
  if (!Array.isArray(register)) throw fail(400, `${where} has no register`);
  return { parsed: record(parsed), atoms: register.length };
}

export class BatchStore {
  readonly batches = new Map<string, FakeBatch>();
  readonly #secret = randomUUID();

  constructor(
    readonly projectId: string,
    readonly devices: ReadonlyMap<string, DeviceLimits>,
    readonly clock: BatchClock,
  ) {}

  create(body: unknown, outcome: FakeBatch['outcome'], jobErrors: readonly string[] = []): FakeBatch {
    const b = record(body);
    if (typeof b['project_id'] !== 'string' || b['project_id'] === '') throw fail(400, 'project_id is required');
    if (b['project_id'] !== this.projectId) throw fail(403, `You are not a member of project ${b['project_id']}`);
    const deviceType = b['device_type'];
    if (typeof deviceType !== 'string') throw fail(400, 'device_type is required (the fake serves no emulator choice by default)');
    const device = this.devices.get(deviceType);
    if (device === undefined) throw fail(400, `Unknown device type ${deviceType}; available: ${[...this.devices.keys()].join(', ')}`);
    const jobs = b['jobs'];
    if (!Array.isArray(jobs) || jobs.length === 0) throw fail(400, 'A closed batch needs at least one job');
    const builder = b['sequence_builder'];
    if (builder !== null && builder !== undefined && typeof builder !== 'string') throw fail(400, 'sequence_builder must be a serialized sequence (a string)');
    if (typeof builder === 'string') {
      const { atoms } = atomsIn(builder, 'sequence_builder');
      if (atoms > device.maxAtoms) throw fail(400, `The register has ${atoms} atoms; ${deviceType} takes at most ${device.maxAtoms}`);
    }
    const now = Date.now();
    const id = randomUUID();
    const batch: FakeBatch = {
      id,
      project_id: this.projectId,
      user_id: 'fake-service-account',
      device_type: deviceType,
      sequence_builder: typeof builder === 'string' ? builder : null,
      created_at: iso(now),
      createdMs: now,
      tags: Array.isArray(b['tags']) ? b['tags'].filter((t): t is string => typeof t === 'string') : [],
      webhook: typeof b['webhook'] === 'string' ? b['webhook'] : null,
      configuration: b['configuration'] ?? null,
      backend_configuration: typeof b['backend_configuration'] === 'string' ? b['backend_configuration'] : null,
      jobs: [],
      outcome,
      jobErrors,
      open: b['open'] === true,
      updated_at: iso(now),
      canceled: false,
      start_datetime: null,
      end_datetime: null,
    };
    jobs.forEach((raw, index) => {
      const j = record(raw);
      const runs = j['runs'];
      if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 1) throw fail(400, `jobs[${index}].runs must be a positive integer`);
      if (runs > device.maxRuns) throw fail(400, `jobs[${index}].runs is ${runs}; ${deviceType} runs at most ${device.maxRuns}`);
      const sequence = typeof j['sequence'] === 'string' ? j['sequence'] : null;
      if (sequence === null && batch.sequence_builder === null) throw fail(400, `jobs[${index}] has no sequence and the batch has no sequence_builder`);
      if (sequence !== null && atomsIn(sequence, `jobs[${index}].sequence`).atoms > device.maxAtoms) throw fail(400, `jobs[${index}].sequence has more atoms than ${deviceType} takes`);
      batch.jobs.push({
        id: randomUUID(),
        batch_id: id,
        project_id: this.projectId,
        runs,
        variables: Object.keys(record(j['variables'])).length > 0 ? record(j['variables']) : null,
        sequence,
        creation_order: index,
        created_at: iso(now),
        updated_at: iso(now),
        status: 'PENDING',
        errors: [],
        start_timestamp: null,
        end_timestamp: null,
        counter: null,
      });
    });
    this.batches.set(id, batch);
    return batch;
  }

  get(id: string): FakeBatch {
    const batch = this.batches.get(id);
    if (batch === undefined) throw fail(404, `Batch ${id} not found`);
    this.advance(batch);
    return batch;
  }

  job(id: string): FakeJob {
    for (const batch of this.batches.values()) {
      const job = batch.jobs.find((j) => j.id === id);
      if (job !== undefined) {
        this.advance(batch);
        return job;
      }
    }
    throw fail(404, `Job ${id} not found`);
  }

  /** Brings the batch's jobs up to the clock. */
  advance(batch: FakeBatch, now = Date.now()): void {
    if (batch.canceled || batch.outcome === 'timeout') return;
    const start = batch.createdMs + this.clock.queueDelayMs;
    batch.jobs.forEach((job, index) => {
      if (FINAL_JOB.has(job.status)) return;
      const from = start + index * this.clock.runDelayMs;
      const to = from + this.clock.runDelayMs;
      if (now < from) return;
      if (job.start_timestamp === null) {
        job.start_timestamp = iso(from);
        batch.start_datetime ??= iso(from);
      }
      if (now < to) {
        job.status = 'RUNNING';
        return;
      }
      job.end_timestamp = iso(to);
      job.updated_at = iso(to);
      if (batch.outcome === 'job-error') {
        job.status = 'ERROR';
        job.errors = batch.jobErrors.length > 0 ? [...batch.jobErrors] : ['The QPU reported a failure while running the sequence (fake fault).'];
        return;
      }
      try {
        const text = job.sequence ?? batch.sequence_builder ?? '';
        job.counter = runSequence(JSON.parse(text) as Record<string, unknown>, job.runs, job.id);
        job.status = 'DONE';
      } catch (error) {
        job.status = 'ERROR';
        job.errors = [error instanceof UnsupportedSequence ? `The fake cannot run this sequence: ${error.message}` : String(error)];
      }
    });
    if (batch.jobs.every((j) => FINAL_JOB.has(j.status))) batch.end_datetime ??= batch.jobs.at(-1)?.end_timestamp ?? iso(now);
  }

  status(batch: FakeBatch): BatchStatus {
    if (batch.canceled) return 'CANCELED';
    if (batch.outcome === 'timeout' && Date.now() >= batch.createdMs + this.clock.queueDelayMs) return 'TIMED_OUT';
    const statuses = batch.jobs.map((j) => j.status);
    if (statuses.every((s) => s === 'PENDING')) return 'PENDING';
    if (statuses.some((s) => s === 'PENDING' || s === 'RUNNING')) return 'RUNNING';
    if (statuses.some((s) => s === 'ERROR')) return 'ERROR';
    return 'DONE';
  }

  cancel(batch: FakeBatch): void {
    const status = this.status(batch);
    if (status === 'DONE' || status === 'ERROR' || status === 'TIMED_OUT' || status === 'CANCELED') throw fail(400, `Batch ${batch.id} is already ${status} and cannot be canceled`);
    const now = iso(Date.now());
    batch.canceled = true;
    batch.end_datetime = now;
    batch.updated_at = now;
    for (const job of batch.jobs) {
      if (FINAL_JOB.has(job.status)) continue;
      job.status = 'CANCELED';
      job.end_timestamp = now;
      job.updated_at = now;
    }
  }

  cancelJob(job: FakeJob): void {
    if (FINAL_JOB.has(job.status)) throw fail(400, `Job ${job.id} is already ${job.status} and cannot be canceled`);
    job.status = 'CANCELED';
    job.end_timestamp = iso(Date.now());
  }

  /** The signature of a job's presigned results URL (what S3 would check). */
  signature(jobId: string): string {
    return createHmac('sha256', this.#secret).update(jobId).digest('hex');
  }

  jobView(job: FakeJob, withSequence: boolean): Record<string, unknown> {
    const { counter: _counter, sequence, ...rest } = job;
    return { ...rest, ...(withSequence ? { sequence } : {}), parent_id: null };
  }

  batchView(batch: FakeBatch, withJobs: boolean): Record<string, unknown> {
    const counts: Record<string, number> = {};
    for (const job of batch.jobs) counts[job.status] = (counts[job.status] ?? 0) + 1;
    return {
      id: batch.id,
      open: batch.open,
      complete: !batch.open,
      created_at: batch.created_at,
      updated_at: batch.updated_at,
      device_type: batch.device_type,
      project_id: batch.project_id,
      user_id: batch.user_id,
      status: this.status(batch),
      jobs_count: batch.jobs.length,
      jobs_count_per_status: counts,
      webhook: batch.webhook,
      start_datetime: batch.start_datetime,
      end_datetime: batch.end_datetime,
      device_status: 'UP',
      parent_id: null,
      configuration: batch.configuration,
      backend_configuration: batch.backend_configuration,
      tags: batch.tags,
      ...(withJobs ? { sequence_builder: batch.sequence_builder, jobs: batch.jobs.map((j) => this.jobView(j, false)) } : {}),
    };
  }
}
