/** Jobs as the API keeps them: client-chosen id, status spelled as the API spells it, reason fields. */
export type JobStatus = 'Queued' | 'Running' | 'Completed' | 'Failed' | 'Cancelled';
export type ProgramId = 'sampler' | 'estimator';
export type StorageType = 's3_compatible' | 'ibmcloud_cos';

export interface StorageOption {
  readonly type: StorageType;
  readonly presigned_url: string;
}

export interface JobStorage {
  readonly input?: StorageOption;
  readonly results?: StorageOption;
  readonly logs?: StorageOption;
}

export interface FakeJob {
  readonly id: string;
  readonly backend: string;
  readonly programId: ProgramId;
  readonly logLevel: string | undefined;
  readonly timeoutSecs: number;
  readonly storage: JobStorage;
  /** Inline `params`, when the client sent them instead of storage.input. */
  readonly params: unknown;
  status: JobStatus;
  readonly createdTime: string;
  startTime: string | undefined;
  endTime: string | undefined;
  reasonCode: number | undefined;
  reasonMessage: string | undefined;
  reasonSolution: string | undefined;
  quantumNanoseconds: number | undefined;
  /** The result JSON the fake uploaded to storage.results (RuntimeEncoder form). */
  results: string | undefined;
  /** The log text the fake uploaded to storage.logs. */
  logs: string | undefined;
}

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['Completed', 'Failed', 'Cancelled']);

export function isFinal(job: FakeJob): boolean {
  return FINAL_STATUSES.has(job.status);
}

/** GET /v1/jobs/{id}: the fields qrmi's `Job` model reads; optional ones only when set. */
export function jobDocument(job: FakeJob): Record<string, unknown> {
  return {
    id: job.id,
    backend: job.backend,
    program_id: job.programId,
    status: job.status,
    created_time: job.createdTime,
    ...(job.endTime !== undefined ? { end_time: job.endTime } : {}),
    ...(job.logLevel !== undefined ? { log_level: job.logLevel } : {}),
    timeout_secs: job.timeoutSecs,
    storage: job.storage,
    ...(job.reasonCode !== undefined ? { reason_code: job.reasonCode } : {}),
    ...(job.reasonMessage !== undefined ? { reason_message: job.reasonMessage } : {}),
    ...(job.reasonSolution !== undefined ? { reason_solution: job.reasonSolution } : {}),
    ...(job.quantumNanoseconds !== undefined ? { usage: { quantum_nanoseconds: job.quantumNanoseconds } } : {}),
  };
}
