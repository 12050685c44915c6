/**
 * The task record: what `qrun submit` (and an interrupted `qrun sample|estimate`) leaves on disk so
 * that a later command, in the same job or a later one, can follow the task: where it runs, the
 * vendor's job ids, the gateway's binding of those ids to the owner's uid, and the request itself
 * (resume resends it to rebuild the same batch, or resubmits it when nothing reached the vendor).
 *
 * Checked by hand, like the gateway's request: a record is small and its reader must name the bad
 * field, not dump a schema.
 */
import type { TaskDurability, VendorJobRef } from '../backends/types.js';
import { QrunError } from '../errors.js';

export type { VendorJobRef };

export const RECORD_FORMAT = 'slurm-qpu.task-record/1';

/** What became of the task, as far as the record's writer knew. */
export type RecordState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'detached';

export const FINAL_STATES: ReadonlySet<RecordState> = new Set(['completed', 'failed', 'cancelled']);

/**
 * - `job`: the task belongs to the job that submitted it and is cancelled at its release.
 * - `resumable`: the same while the job runs; at the job's time limit its vendor job is kept.
 * - `detached`: the vendor job outlives the job from the start.
 */
export type Durability = TaskDurability;

/** The body of `POST /v1/tasks` without the durability fields: what resume sends again. */
export interface RecordedRequest {
  readonly program_id: 'sampler' | 'estimator';
  readonly backend?: string | undefined;
  readonly params: Record<string, unknown>;
  readonly options: { shots?: number; precision?: number; seed?: number; mitigation?: string[] };
}

export interface TaskRecord {
  readonly format: typeof RECORD_FORMAT;
  /** qrun's id for the task: the record's file name in the state directory. */
  readonly id: string;
  readonly backend: string;
  /** `local`: ran in qrun's own process on the built-in simulator; `gateway`: in a QPU job's gateway. */
  readonly where: 'local' | 'gateway';
  readonly durability: Durability;
  /** The Slurm job whose gateway holds (or held) the task; null outside Slurm. */
  readonly job_id: number | null;
  /** The task's id in that gateway. */
  readonly gateway_task_id: string | null;
  readonly vendor_jobs: readonly VendorJobRef[];
  /** The gateway's HMAC over backend, owner uid, payload digest and vendor jobs; null until it has vendor jobs. */
  readonly binding: string | null;
  readonly owner_uid: number;
  /** sha256 of the request (src/tasks/digest.ts): resume refuses a request that is not this one. */
  readonly payload_digest: string;
  /** How the result is written: `qiskit` when the payload set support_qiskit (RuntimeEncoder), else plain. */
  readonly encoding: 'plain' | 'qiskit';
  readonly request: RecordedRequest;
  readonly submitted: string;
  readonly updated: string;
  readonly state: RecordState;
  /** Vendor state as last seen (queued, running), when the vendor says. */
  readonly vendor_state?: string | undefined;
  /** Where the collected result was saved (mode 0600), once there is one. */
  readonly result_file: string | null;
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string | undefined } | null;
}

const STATES: readonly RecordState[] = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted', 'detached'];
const DURABILITIES: readonly Durability[] = ['job', 'resumable', 'detached'];
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(where: string, problem: string): QrunError {
  return new QrunError('RECORD_INVALID', `${where} is not a usable task record: ${problem}`, {
    hint: 'Task records are written by qrun submit and by an interrupted qrun sample|estimate; do not edit them by hand.',
    details: { record: where },
  });
}

/** Checks a parsed record; `where` names it (its path) in the error. */
export function parseRecord(value: unknown, where: string): TaskRecord {
  if (!isRecord(value)) throw invalid(where, 'expected a JSON object');
  if (value['format'] !== RECORD_FORMAT) throw invalid(where, `format must be ${RECORD_FORMAT}, got ${JSON.stringify(value['format'])}`);
  const text = (key: string, nullable = false): void => {
    const v = value[key];
    if (nullable && v === null) return;
    if (typeof v !== 'string' || v === '') throw invalid(where, `${key} must be a ${nullable ? 'string or null' : 'non-empty string'}`);
  };
  text('id');
  if (!RECORD_ID.test(value['id'] as string)) throw invalid(where, 'id has characters a record id may not have');
  text('backend');
  text('payload_digest');
  text('submitted');
  text('updated');
  text('gateway_task_id', true);
  text('binding', true);
  text('result_file', true);
  if (value['encoding'] !== 'plain' && value['encoding'] !== 'qiskit') throw invalid(where, 'encoding must be plain or qiskit');
  if (value['where'] !== 'local' && value['where'] !== 'gateway') throw invalid(where, 'where must be local or gateway');
  if (!DURABILITIES.includes(value['durability'] as Durability)) throw invalid(where, `durability must be one of ${DURABILITIES.join(', ')}`);
  if (!STATES.includes(value['state'] as RecordState)) throw invalid(where, `state must be one of ${STATES.join(', ')}`);
  const jobId = value['job_id'];
  if (jobId !== null && !(typeof jobId === 'number' && Number.isSafeInteger(jobId) && jobId > 0)) throw invalid(where, 'job_id must be a Slurm job id or null');
  const uid = value['owner_uid'];
  if (!(typeof uid === 'number' && Number.isSafeInteger(uid) && uid >= 0)) throw invalid(where, 'owner_uid must be a uid');
  const jobs = value['vendor_jobs'];
  if (!Array.isArray(jobs) || !jobs.every((j) => isRecord(j) && (j['program'] === 'sampler' || j['program'] === 'estimator') && typeof j['id'] === 'string' && j['id'] !== '')) {
    throw invalid(where, 'vendor_jobs must be a list of {program, id}');
  }
  const request = value['request'];
  if (!isRecord(request) || (request['program_id'] !== 'sampler' && request['program_id'] !== 'estimator') || !isRecord(request['params']) || !isRecord(request['options'])) {
    throw invalid(where, 'request must be {program_id, params, options}');
  }
  const error = value['error'];
  if (error !== null && !(isRecord(error) && typeof error['code'] === 'string' && typeof error['message'] === 'string')) throw invalid(where, 'error must be {code, message} or null');
  return value as unknown as TaskRecord;
}

/** The record with some fields changed and `updated` set to now. */
export function updateRecord(record: TaskRecord, changes: Partial<Omit<TaskRecord, 'format' | 'id' | 'owner_uid' | 'submitted'>>, now: Date = new Date()): TaskRecord {
  return { ...record, ...changes, updated: now.toISOString() };
}

/** Gateway and wire states (Qiskit Runtime's spelling) in the record's words. */
export function stateFromStatus(status: string): RecordState {
  switch (status) {
    case 'Queued':
      return 'queued';
    case 'Running':
      return 'running';
    case 'Completed':
      return 'completed';
    case 'Failed':
      return 'failed';
    default:
      return 'cancelled';
  }
}
