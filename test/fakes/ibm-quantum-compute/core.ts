/**
 * The fake's state and its job scheduler: devices, sessions, jobs, IAM, faults, and the clockwork
 * that moves a job Queued → Running → Completed (or Failed/Cancelled). Routes act on this; the
 * server only speaks HTTP.
 */
import type { DeviceSpec } from './devices.js';
import type { PreparedJob } from './execution.js';
import { Faults } from './faults.js';
import { Iam } from './iam.js';
import { QpyConverter } from './qpy.js';
import { FINAL_STATES, now, type FakeJob, type FakeSession } from './state.js';

export interface CoreOptions {
  readonly apiKey: string;
  readonly instance: string;
  readonly devices: readonly DeviceSpec[];
  readonly queueDelayMs: number;
  readonly runDelayMs: number;
  readonly tokenLifetimeSeconds: number;
  readonly python: string | undefined;
  readonly rateLimit: RateLimit | undefined;
  /** Jobs stay Queued until `releaseHeld()`: a test decides when the vendor gets to them. */
  readonly holdQueue?: boolean | undefined;
}

export interface RateLimit {
  /** Requests allowed per window, counted per access token. */
  readonly requests: number;
  readonly windowMs: number;
}

export interface JobFailure {
  readonly reason: string;
  readonly reasonCode: number;
}

export class Core {
  readonly devices: Map<string, DeviceSpec>;
  readonly sessions = new Map<string, FakeSession>();
  readonly jobs = new Map<string, FakeJob>();
  readonly iam: Iam;
  readonly faults = new Faults();
  readonly qpy: QpyConverter;
  queueDelayMs: number;
  runDelayMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Queue clocks waiting for `releaseHeld()`; null once released (or when nothing is held). */
  private held: Array<() => void> | null;
  private readonly hits = new Map<string, number[]>();
  private closed = false;

  constructor(readonly options: CoreOptions) {
    this.devices = new Map(options.devices.map((d) => [d.name, d]));
    this.iam = new Iam(options.apiKey, options.tokenLifetimeSeconds);
    this.qpy = new QpyConverter(options.python);
    this.queueDelayMs = options.queueDelayMs;
    this.runDelayMs = options.runDelayMs;
    this.held = options.holdQueue === true ? [] : null;
  }

  /** Starts the queue clock of every held job, and of every job created from now on. */
  releaseHeld(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const start of waiting) start();
  }

  pendingOn(backend: string): number {
    let n = 0;
    for (const j of this.jobs.values()) if (j.backend === backend && !FINAL_STATES.includes(j.status)) n += 1;
    return n;
  }

  /** Milliseconds until this token may call again, or 0 when it is within the rate limit. */
  rateLimited(token: string): number {
    const limit = this.options.rateLimit;
    if (limit === undefined) return 0;
    const t = Date.now();
    const recent = (this.hits.get(token) ?? []).filter((at) => at > t - limit.windowMs);
    if (recent.length >= limit.requests) {
      this.hits.set(token, recent);
      return (recent[0] ?? t) + limit.windowMs - t;
    }
    recent.push(t);
    this.hits.set(token, recent);
    return 0;
  }

  /** Starts a submitted job's clock; `failure` makes it fail instead of running. */
  schedule(job: FakeJob, prepared: PreparedJob, failure: JobFailure | undefined): void {
    if (this.held !== null) {
      this.held.push(() => this.schedule(job, prepared, failure));
      return;
    }
    this.later(this.queueDelayMs, () => {
      if (job.status !== 'Queued') return;
      this.start(job);
      this.later(this.runDelayMs, () => {
        if (job.status !== 'Running') return;
        if (failure !== undefined) {
          this.finish(job, 'Failed', failure.reason, failure);
          return;
        }
        prepared.run().then(
          (results) => {
            if (job.status === 'Running') this.finish(job, 'Completed', results);
          },
          (error: unknown) => {
            if (job.status !== 'Running') return;
            const message = error instanceof Error ? error.message : String(error);
            this.finish(job, 'Failed', message, { reason: message, reasonCode: 1500 });
          },
        );
      });
    });
  }

  cancel(job: FakeJob): void {
    this.finish(job, 'Cancelled', null);
  }

  /** `DELETE /sessions/{id}/close`: no more jobs, queued ones cancelled, the session closed. */
  closeSession(session: FakeSession): void {
    session.acceptingJobs = false;
    session.endedBy = 'close';
    for (const id of session.jobIds) {
      const job = this.jobs.get(id);
      if (job !== undefined && job.status === 'Queued') this.cancel(job);
    }
    this.markClosed(session);
  }

  /** `PATCH accepting_jobs:false`: the session closes once its last job is done. */
  stopAccepting(session: FakeSession): void {
    session.acceptingJobs = false;
    session.endedBy ??= 'patch';
    this.closeIfDrained(session);
  }

  /** Sessions end at max_ttl, as IBM's do; checked whenever a session is looked at. */
  expire(session: FakeSession): void {
    if (session.state !== 'closed' && Date.parse(session.createdAt) + session.maxTtl * 1000 <= Date.now()) {
      session.acceptingJobs = false;
      this.markClosed(session);
    }
  }

  shutdown(): void {
    this.closed = true;
    this.qpy.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private start(job: FakeJob): void {
    job.status = 'Running';
    job.runningAt = now();
    const session = job.sessionId === null ? undefined : this.sessions.get(job.sessionId);
    if (session !== undefined) {
      session.lastJobStarted = job.runningAt;
      if (session.state === 'open' || session.state === 'inactive') {
        session.state = 'active';
        session.activatedAt ??= job.runningAt;
        session.timestamps.push({ status: 'active', timestamp: job.runningAt });
      }
    }
  }

  private finish(job: FakeJob, status: 'Completed' | 'Failed' | 'Cancelled', results: string | null, failure?: JobFailure): void {
    job.status = status;
    job.finishedAt = now();
    job.results = results;
    if (failure !== undefined) {
      job.reason = failure.reason;
      job.reasonCode = failure.reasonCode;
    }
    const session = job.sessionId === null ? undefined : this.sessions.get(job.sessionId);
    if (session !== undefined) {
      session.lastJobCompleted = job.finishedAt;
      this.closeIfDrained(session);
    }
  }

  private closeIfDrained(session: FakeSession): void {
    if (session.acceptingJobs || session.state === 'closed') return;
    const pending = session.jobIds.some((id) => {
      const job = this.jobs.get(id);
      return job !== undefined && !FINAL_STATES.includes(job.status);
    });
    if (!pending) this.markClosed(session);
  }

  private markClosed(session: FakeSession): void {
    if (session.state === 'closed') return;
    session.state = 'closed';
    session.closedAt = now();
    session.timestamps.push({ status: 'closed', timestamp: session.closedAt });
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
