/** The fake's memory: sessions and jobs, as IBM describes them in its responses. */
import { randomBytes } from 'node:crypto';

/** IBM spells job states this way in `state.status` (qiskit-ibm-runtime upper-cases them). */
export type JobStatus = 'Queued' | 'Running' | 'Completed' | 'Failed' | 'Cancelled';
export const FINAL_STATES: readonly JobStatus[] = ['Completed', 'Failed', 'Cancelled'];

export type SessionMode = 'batch' | 'dedicated';
export type SessionState = 'open' | 'active' | 'inactive' | 'closed';

export interface FakeSession {
  readonly id: string;
  readonly backend: string;
  readonly mode: SessionMode;
  readonly maxTtl: number;
  readonly createdAt: string;
  state: SessionState;
  acceptingJobs: boolean;
  activatedAt: string | null;
  closedAt: string | null;
  lastJobStarted: string | null;
  lastJobCompleted: string | null;
  readonly jobIds: string[];
  readonly timestamps: { status: SessionState; timestamp: string }[];
  /** How the session was ended: `patch` (accepting_jobs false), `close` (DELETE .../close). */
  endedBy: 'patch' | 'close' | null;
}

export interface FakeJob {
  readonly id: string;
  readonly program: 'sampler' | 'estimator';
  readonly backend: string;
  readonly sessionId: string | null;
  /** The params as submitted (QPY circuits left as they came). */
  readonly params: unknown;
  tags: readonly string[];
  readonly createdAt: string;
  status: JobStatus;
  reason: string | null;
  reasonCode: number | null;
  runningAt: string | null;
  finishedAt: string | null;
  /** The results body once Completed (or the failure text once Failed). */
  results: string | null;
  deleted: boolean;
}

/** IBM's ids look like `d1abc...` (20 lower-case base32-ish characters). */
export function newId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(20)].map((b) => alphabet[b % 32]).join('');
}

export function now(): string {
  return new Date().toISOString();
}

export function sessionView(s: FakeSession): Record<string, unknown> {
  const elapsed = s.activatedAt === null ? 0 : Math.round(((s.closedAt === null ? Date.now() : Date.parse(s.closedAt)) - Date.parse(s.activatedAt)) / 1000);
  return {
    id: s.id,
    backend_name: s.backend,
    mode: s.mode,
    state: s.state,
    accepting_jobs: s.acceptingJobs,
    max_ttl: s.maxTtl,
    active_ttl: s.maxTtl,
    interactive_ttl: s.mode === 'dedicated' ? 60 : null,
    started_at: s.createdAt,
    activated_at: s.activatedAt,
    closed_at: s.closedAt,
    last_job_started: s.lastJobStarted,
    last_job_completed: s.lastJobCompleted,
    elapsed_time: elapsed,
    timestamps: s.timestamps,
    user_id: 'IBMid-fake0000',
  };
}

export function jobView(j: FakeJob, includeParams: boolean): Record<string, unknown> {
  const seconds = j.runningAt !== null && j.finishedAt !== null ? Math.max(1, Math.round((Date.parse(j.finishedAt) - Date.parse(j.runningAt)) / 1000)) : 0;
  return {
    id: j.id,
    backend: j.backend,
    state: { status: j.status, ...(j.reason === null ? {} : { reason: j.reason }), ...(j.reasonCode === null ? {} : { reason_code: j.reasonCode }) },
    status: j.status,
    program: { id: j.program },
    created: j.createdAt,
    session_id: j.sessionId,
    tags: j.tags,
    private: false,
    runtime: '',
    user_id: 'IBMid-fake0000',
    usage: { quantum_seconds: j.status === 'Completed' ? seconds : 0, seconds: j.status === 'Completed' ? seconds : 0 },
    cost: 0,
    ...(includeParams ? { params: j.params } : {}),
  };
}

export function metricsView(j: FakeJob): Record<string, unknown> {
  const final = FINAL_STATES.includes(j.status);
  const seconds = j.runningAt !== null && j.finishedAt !== null ? Math.max(1, Math.round((Date.parse(j.finishedAt) - Date.parse(j.runningAt)) / 1000)) : 0;
  return {
    timestamps: { created: j.createdAt, running: j.runningAt, finished: j.finishedAt },
    bss: { seconds },
    usage: { quantum_seconds: seconds, seconds, qpu_charge_time_seconds: seconds, status: final ? 'completed' : 'pending' },
    executions: j.status === 'Completed' ? 1 : 0,
    num_circuits: 1,
    qiskit_version: '',
    estimated_start_time: null,
    estimated_completion_time: null,
    position_in_queue: j.status === 'Queued' ? 1 : null,
    position_in_provider: j.status === 'Queued' ? 1 : null,
  };
}
