/**
 * The service's state and rules: backends, lanes, jobs and their lifecycle (Queued → Running →
 * Completed | Failed | Cancelled), timeouts, cancel and delete. Routes translate HTTP to these calls.
 */
import { makeBackend, type BackendSpec, type FakeBackend } from './backends.js';
import { apiError, type ApiErrorKind } from './errors.js';
import { execute, REASON } from './execution.js';
import type { Faults } from './faults.js';
import { isRecord, json, noContent, type Reply } from './http.js';
import { isFinal, jobDocument, type FakeJob, type JobStatus, type StorageOption } from './jobs.js';
import { Lanes } from './lanes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = new Set(['critical', 'error', 'warning', 'info', 'debug']);
const STORAGE_TYPES = new Set(['s3_compatible', 'ibmcloud_cos']);
const JOB_FIELDS = new Set(['id', 'backend', 'program_id', 'log_level', 'timeout_secs', 'storage', 'params']);

export interface ServiceOptions {
  readonly backends: readonly BackendSpec[];
  readonly faults: Faults;
  readonly python: () => string;
}

function invalid(message: string): Reply {
  return apiError('invalidInput', message);
}

function storageOption(value: unknown, name: string): StorageOption | string {
  if (!isRecord(value)) return `storage.${name} must be an object with type and presigned_url`;
  const type = value['type'];
  const url = value['presigned_url'];
  if (typeof type !== 'string' || !STORAGE_TYPES.has(type)) return `storage.${name}.type must be one of s3_compatible, ibmcloud_cos`;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return `storage.${name}.presigned_url must be an http(s) URL`;
  return { type: type as StorageOption['type'], presigned_url: url };
}

export class QuantumSystemService {
  readonly backends = new Map<string, FakeBackend>();
  readonly jobs = new Map<string, FakeJob>();
  readonly lanes = new Lanes();
  runDelayMs = 0;
  readonly #faults: Faults;
  readonly #python: () => string;
  readonly #controllers = new Map<string, AbortController>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #executions = new Set<Promise<void>>();

  constructor(options: ServiceOptions) {
    for (const spec of options.backends) this.backends.set(spec.name, makeBackend(spec));
    this.#faults = options.faults;
    this.#python = options.python;
  }

  backendOr404(name: string): FakeBackend | Reply {
    return this.backends.get(name) ?? apiError('backendNotFound', `Backend ${name} not found.`);
  }

  createJob(body: unknown, forced?: ApiErrorKind): Reply {
    if (!isRecord(body)) return invalid('The request body must be a JSON object.');
    const unknown = Object.keys(body).filter((k) => !JOB_FIELDS.has(k));
    if (unknown.length > 0) return invalid(`Unknown field(s): ${unknown.join(', ')}.`);
    const { id, backend: backendName, program_id: programId, log_level: logLevel, timeout_secs: timeoutSecs, storage, params } = body;
    if (typeof id !== 'string' || !UUID.test(id)) return invalid('id must be a UUID chosen by the client.');
    if (typeof backendName !== 'string' || backendName === '') return invalid('backend is required.');
    if (programId !== 'sampler' && programId !== 'estimator') return invalid('program_id must be one of sampler, estimator.');
    if (typeof timeoutSecs !== 'number' || !Number.isSafeInteger(timeoutSecs) || timeoutSecs <= 0) return invalid('timeout_secs must be a positive integer.');
    if (logLevel !== undefined && (typeof logLevel !== 'string' || !LOG_LEVELS.has(logLevel))) return invalid('log_level must be one of critical, error, warning, info, debug.');
    if (!isRecord(storage)) return invalid('storage is required: {input?, results, logs}, each {type, presigned_url}.');
    const checked: Record<string, StorageOption> = {};
    for (const name of ['input', 'results', 'logs'] as const) {
      if (storage[name] === undefined) continue;
      const option = storageOption(storage[name], name);
      if (typeof option === 'string') return invalid(option);
      checked[name] = option;
    }
    if (checked['results'] === undefined) return invalid('storage.results is required.');
    if (params !== undefined && !isRecord(params)) return invalid('params must be an object (Qiskit primitives V2 input).');
    if ((params === undefined) === (checked['input'] === undefined)) return invalid('Give the primitive input either inline as params or as storage.input, not both and not neither.');
    if (this.jobs.has(id)) return apiError('duplicateJob', `A job with ID ${id} already exists.`);
    const backend = this.backendOr404(backendName);
    if (!('lanes' in backend)) return backend;
    if (forced === 'backendReserved' || backend.locked) return apiError('backendReserved', `Backend ${backend.name} is reserved and jobs outside of the reservation cannot be run.`);
    if (backend.status !== 'online') return apiError('backendReserved', `Backend ${backend.name} is ${backend.status} and cannot run jobs.`, {}, 409);
    const admission = forced === 'laneLimit' ? 'full' : this.lanes.admission(backend);
    if (admission === 'full') return apiError('laneLimit', `Per backend concurrent job limit has been reached for ${backend.name} (${backend.lanes} lanes, ${backend.queue} queued).`);
    const job: FakeJob = {
      id,
      backend: backend.name,
      programId: programId,
      logLevel: logLevel,
      timeoutSecs,
      storage: checked,
      params,
      status: admission === 'run' ? 'Running' : 'Queued',
      createdTime: new Date().toISOString(),
      startTime: undefined,
      endTime: undefined,
      reasonCode: undefined,
      reasonMessage: undefined,
      reasonSolution: undefined,
      quantumNanoseconds: undefined,
      results: undefined,
      logs: undefined,
    };
    this.jobs.set(id, job);
    this.lanes.admit(backend, id, admission);
    if (admission === 'run') this.#start(job);
    return noContent();
  }

  #start(job: FakeJob): void {
    job.status = 'Running';
    job.startTime = new Date().toISOString();
    const controller = new AbortController();
    this.#controllers.set(job.id, controller);
    this.#timers.set(
      job.id,
      setTimeout(() => this.#end(job, 'Failed', { reasonCode: REASON.timedOut, reasonMessage: `The job exceeded its timeout of ${job.timeoutSecs} seconds.`, reasonSolution: 'Raise timeout_secs or send fewer shots.' }), job.timeoutSecs * 1000),
    );
    const fault = this.#faults.take('execution');
    const running = execute(job, controller.signal, { python: this.#python, runDelayMs: () => this.runDelayMs, fault })
      .then((outcome) => {
        if (outcome === undefined || isFinal(job)) return;
        if (outcome.status === 'Completed') {
          job.results = outcome.results;
          job.logs = outcome.logs;
          job.quantumNanoseconds = outcome.quantumNanoseconds;
          this.#end(job, 'Completed', {});
        } else {
          job.logs = outcome.logs;
          this.#end(job, 'Failed', outcome);
        }
      })
      .catch((error: unknown) => {
        if (!isFinal(job)) this.#end(job, 'Failed', { reasonCode: REASON.invalidInput, reasonMessage: String(error), reasonSolution: '' });
      });
    this.#executions.add(running);
    void running.finally(() => this.#executions.delete(running));
  }

  #end(job: FakeJob, status: JobStatus, reason: { reasonCode?: number; reasonMessage?: string; reasonSolution?: string }): void {
    if (isFinal(job)) return;
    job.status = status;
    job.endTime = new Date().toISOString();
    job.reasonCode = reason.reasonCode;
    job.reasonMessage = reason.reasonMessage;
    job.reasonSolution = reason.reasonSolution;
    this.#controllers.get(job.id)?.abort();
    this.#controllers.delete(job.id);
    clearTimeout(this.#timers.get(job.id));
    this.#timers.delete(job.id);
    const backend = this.backends.get(job.backend);
    if (backend !== undefined) this.#startAll(this.lanes.release(backend, job.id));
  }

  #startAll(ids: readonly string[]): void {
    for (const id of ids) {
      const next = this.jobs.get(id);
      if (next !== undefined && next.status === 'Queued') this.#start(next);
    }
  }

  /** After a test changed lanes: queued jobs take any lane that is now free. */
  promote(backend: FakeBackend): void {
    this.#startAll(this.lanes.promote(backend));
  }

  getJob(id: string): Reply {
    const job = this.jobs.get(id);
    return job === undefined ? apiError('jobNotFound', `Job not found. Job ID: ${id}`) : json(200, jobDocument(job));
  }

  listJobs(query: URLSearchParams): Reply {
    let list = [...this.jobs.values()].reverse();
    const backend = query.get('backend');
    const status = query.get('status');
    if (backend !== null) list = list.filter((j) => j.backend === backend);
    if (status !== null) list = list.filter((j) => j.status === status);
    const offset = Number(query.get('offset') ?? 0);
    const limit = query.has('limit') ? Number(query.get('limit')) : list.length;
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 0) return invalid('limit and offset must be non-negative integers.');
    return json(200, { jobs: list.slice(offset, offset + limit).map(jobDocument) });
  }

  cancelJob(id: string): Reply {
    const job = this.jobs.get(id);
    if (job === undefined) return apiError('jobNotFound', `Job not found. Job ID: ${id}`);
    if (isFinal(job)) return apiError('jobState', `Job ${id} is already in a final state (${job.status}) and cannot be cancelled.`);
    this.#end(job, 'Cancelled', {});
    return noContent();
  }

  deleteJob(id: string): Reply {
    const job = this.jobs.get(id);
    if (job === undefined) return apiError('jobNotFound', `Job not found. Job ID: ${id}`);
    if (!isFinal(job)) return apiError('jobState', `Job ${id} is ${job.status}; only a job in a final state can be deleted. Cancel it first.`);
    this.jobs.delete(id);
    return noContent();
  }

  /** Stops every job that still runs and waits for their executions to settle. */
  async shutdown(): Promise<void> {
    for (const controller of this.#controllers.values()) controller.abort();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#executions]);
  }
}
