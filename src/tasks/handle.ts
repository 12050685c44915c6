/**
 * Tasks that outlive a command, and a job: `submitTask()` sends a primitive run and returns a
 * handle with a durable record (src/tasks/record.ts); `openTask()` finds it again from its id or
 * record file, in the same job or a later one. The handle's `status`, `wait`, `collect` and
 * `cancel` talk to the job's gateway when the task is there, and otherwise re-attach: the later
 * job's gateway checks the record's binding and owner, then polls and collects the same vendor
 * jobs. Nothing is ever submitted twice: resume resubmits only a request that reached no vendor.
 *
 * Outside a QPU job (or on `local:`) the built-in simulator runs the task at once, in this process;
 * its record holds the result.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient } from '../backends/job-gateway/client.js';
import { estimatorPayload, samplerPayload } from '../backends/job-gateway/encode-params.js';
import type { TaskView } from '../backends/job-gateway/wire.js';
import { parseTask } from '../backends/task.js';
import { QrunError } from '../errors.js';
import type { EstimatorParams, SamplerParams } from '../primitives/payload.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import { runEstimator, runSampler } from '../primitives/run.js';
import { selectBackend, type Env, type SelectedBackend } from '../primitives/select-backend.js';
import { requestDigest } from './digest.js';
import { FINAL_STATES, RECORD_FORMAT, stateFromStatus, updateRecord, type Durability, type RecordedRequest, type RecordState, type TaskRecord } from './record.js';
import { readSavedOutcome, saveOutcome } from './saved-outcome.js';
import { newRecordId, readRecord, recordPath, recordsDir, resultPathFor, writeRecord } from './store.js';

/** What a wait reports each time something changes (and now and then while nothing does). */
export interface TaskProgress {
  readonly id: string;
  readonly backend: string;
  readonly state: RecordState;
  /** The vendor's own word (queued, running), when it says. */
  readonly vendorState?: string | undefined;
  /** Place in the vendor's queue, when the vendor says. */
  readonly position?: number | undefined;
  readonly elapsedSeconds: number;
}

export interface TaskContext {
  readonly env: Env;
  readonly cwd: string;
  /** The caller's uid: written into new records, compared with the owner of existing ones. */
  readonly uid: number;
  readonly now?: () => number;
}

export interface SubmitTaskOptions {
  readonly backend?: string | undefined;
  readonly shots?: number | undefined;
  readonly precision?: number | undefined;
  readonly seed?: number | undefined;
  readonly mitigation?: readonly string[] | undefined;
  /** Default `job`. */
  readonly durability?: Durability;
  /** Where the record goes; default: `<records dir>/<id>.json`. */
  readonly recordFile?: string | undefined;
  /** Write the record at once (default) or only when `save()` is called (an interruptible run). */
  readonly persist?: boolean;
  readonly onProgress?: ((progress: TaskProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface WaitOptions {
  readonly onProgress?: ((progress: TaskProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Seconds one long poll of the gateway waits; between two polls the progress is refreshed. */
const LONG_POLL_SECONDS = 5;

function inJobId(env: Env): number | null {
  const raw = env['SLURM_JOB_ID'];
  const id = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

function requestOf(params: SamplerParams | EstimatorParams, backend: string, options: SubmitTaskOptions): RecordedRequest {
  return {
    program_id: params.kind,
    backend,
    params: params.kind === 'sampler' ? samplerPayload(params) : estimatorPayload(params),
    options: {
      ...(options.shots === undefined ? {} : { shots: options.shots }),
      ...(options.precision === undefined ? {} : { precision: options.precision }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.mitigation === undefined ? {} : { mitigation: [...options.mitigation] }),
    },
  };
}

function digestOf(request: RecordedRequest): string {
  return requestDigest({ programId: request.program_id, params: request.params, options: request.options });
}

function errorOf(error: QrunError): TaskRecord['error'] {
  return { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
}

function notOwned(record: TaskRecord, uid: number): QrunError {
  return new QrunError('TASK_NOT_OWNED', `task ${record.id} belongs to uid ${record.owner_uid}, not to uid ${uid}`, {
    hint: 'Only the user who submitted a task may follow, collect or cancel it.',
    details: { task: record.id, owner_uid: record.owner_uid },
  });
}

export class TaskHandle {
  #record: TaskRecord;
  readonly #file: string;
  readonly #ctx: TaskContext;
  #persisted: boolean;
  #outcome: PrimitiveOutcome | null = null;

  constructor(record: TaskRecord, file: string, ctx: TaskContext, persisted: boolean) {
    this.#record = record;
    this.#file = file;
    this.#ctx = ctx;
    this.#persisted = persisted;
  }

  get id(): string {
    return this.#record.id;
  }

  get recordFile(): string {
    return this.#file;
  }

  get record(): TaskRecord {
    return this.#record;
  }

  #now(): number {
    return (this.#ctx.now ?? Date.now)();
  }

  async #update(changes: Parameters<typeof updateRecord>[1]): Promise<void> {
    this.#record = updateRecord(this.#record, changes, new Date(this.#now()));
    if (this.#persisted) await writeRecord(this.#file, this.#record);
  }

  /** Changes the record; written when it is persisted. */
  async note(changes: Parameters<typeof updateRecord>[1]): Promise<void> {
    await this.#update(changes);
  }

  /** Writes the record now (an interruptible run writes it only when it is interrupted). */
  async save(changes: Parameters<typeof updateRecord>[1] = {}): Promise<void> {
    this.#persisted = true;
    await this.#update(changes);
  }

  #absorb(view: TaskView): Parameters<typeof updateRecord>[1] {
    const detached = view.error?.code === 'TASK_DETACHED';
    return {
      state: detached ? 'detached' : stateFromStatus(view.status),
      vendor_jobs: view.vendor_jobs ?? this.#record.vendor_jobs,
      binding: view.binding ?? this.#record.binding,
      vendor_state: view.vendor_state ?? undefined,
      error: view.error === null || detached ? null : { code: view.error.code, message: view.error.message, ...(view.error.hint === undefined ? {} : { hint: view.error.hint }) },
    };
  }

  #selected(): SelectedBackend {
    return selectBackend(this.#ctx.env, this.#record.backend);
  }

  /**
   * A gateway task that follows this record's work in the current job: the one it was submitted
   * to, or a new one attached to its vendor jobs. Null when the work cannot be followed from here.
   */
  async #gatewayTask(client: GatewayClient, resubmit: boolean): Promise<string | null> {
    const record = this.#record;
    const here = inJobId(this.#ctx.env);
    if (record.gateway_task_id !== null && record.job_id === here) return record.gateway_task_id;
    const attach =
      record.vendor_jobs.length > 0 && record.binding !== null
        ? { vendor_jobs: record.vendor_jobs, binding: record.binding, owner_uid: record.owner_uid }
        : undefined;
    if (attach === undefined && !resubmit) return null;
    const view = await client.submit({
      program_id: record.request.program_id,
      backend: record.backend,
      params: record.request.params,
      options: record.request.options,
      durability: record.durability,
      ...(attach === undefined ? {} : { attach }),
    });
    await this.#update({ job_id: here, gateway_task_id: view.id, ...this.#absorb(view) });
    return view.id;
  }

  #checkOwner(): void {
    if (this.#record.owner_uid !== this.#ctx.uid) throw notOwned(this.#record, this.#ctx.uid);
  }

  #final(): boolean {
    return FINAL_STATES.has(this.#record.state);
  }

  /** The task's state now: asked of the gateway when the task can be followed from here, else as recorded. */
  async status(): Promise<TaskRecord> {
    this.#checkOwner();
    if (this.#final() || this.#record.where === 'local') return this.#record;
    const selected = this.#selected();
    if (selected.kind !== 'gateway') return this.#record;
    const client = new GatewayClient(selected.endpoint, selected.token, { connections: 1 });
    try {
      const id = await this.#gatewayTask(client, false);
      if (id === null) return this.#record;
      await this.#update(this.#absorb(await client.status(id)));
      return this.#record;
    } finally {
      await client.close();
    }
  }

  /** Waits until the task ends; returns its outcome, or throws its error (saved in the record). */
  async collect(options: WaitOptions = {}): Promise<PrimitiveOutcome> {
    this.#checkOwner();
    if (this.#outcome !== null) return this.#outcome;
    const saved = this.#record.result_file === null ? null : await readSavedOutcome(this.#record.result_file);
    if (saved !== null) return (this.#outcome = saved);
    if (this.#final()) throw this.#finalError();
    if (this.#record.where === 'local') return this.#runLocal(options);
    return this.#collectFromGateway(options, false);
  }

  /** Continues an interrupted task: collects its vendor jobs, or resubmits a request that reached none. */
  async resume(options: WaitOptions = {}): Promise<PrimitiveOutcome> {
    this.#checkOwner();
    if (this.#record.where === 'local' || this.#selected().kind === 'local') {
      if (this.#record.result_file !== null || this.#final()) return this.collect(options);
      return this.#runLocal(options);
    }
    return this.#collectFromGateway(options, true);
  }

  #finalError(): QrunError {
    const error = this.#record.error;
    if (this.#record.state === 'completed') {
      return new QrunError('TASK_LOST', `task ${this.#record.id} completed, but its result is not saved beside its record`, {
        hint: 'The result file was removed; submit the payload again.',
      });
    }
    const code = error !== null && error.code in ({ TASK_CANCELLED: 1, BACKEND_FAILED: 1 } as const) ? (error.code as 'TASK_CANCELLED' | 'BACKEND_FAILED') : this.#record.state === 'cancelled' ? 'TASK_CANCELLED' : 'BACKEND_FAILED';
    return new QrunError(code, error?.message ?? `task ${this.#record.id} ${this.#record.state}`, { ...(error?.hint === undefined ? {} : { hint: error.hint }), details: { task: this.#record.id } });
  }

  async #finishWith(outcome: PrimitiveOutcome): Promise<PrimitiveOutcome> {
    this.#outcome = outcome;
    if (this.#persisted) {
      const file = resultPathFor(this.#file);
      await saveOutcome(file, outcome);
      await this.#update({ state: 'completed', result_file: file, error: null });
    } else {
      await this.#update({ state: 'completed', error: null });
    }
    return outcome;
  }

  async #runLocal(options: WaitOptions): Promise<PrimitiveOutcome> {
    const request = this.#record.request;
    const params = parseTask({ programId: request.program_id, backend: request.backend, params: request.params, options: request.options }, { name: this.#record.backend, type: 'sim' });
    const started = this.#now();
    const progress = (state: RecordState): void =>
      options.onProgress?.({ id: this.id, backend: this.#record.backend, state, elapsedSeconds: (this.#now() - started) / 1000 });
    await this.#update({ state: 'running' });
    progress('running');
    const run = { env: this.#ctx.env, backend: this.#record.backend, ...request.options, onProgress: () => progress('running') };
    const running: Promise<PrimitiveOutcome> = params.kind === 'sampler' ? runSampler(params, run) : runEstimator(params, run);
    const outcome = await abortable(running, options.signal);
    return this.#finishWith(outcome);
  }

  async #collectFromGateway(options: WaitOptions, resubmit: boolean): Promise<PrimitiveOutcome> {
    const selected = this.#selected();
    if (selected.kind !== 'gateway') {
      throw new QrunError('BACKEND_NOT_GRANTED', `task ${this.id} runs on ${this.#record.backend}, which this process cannot reach (no QPU job's gateway)`, {
        hint: `Run it inside a QPU job granted ${this.#record.backend} (#SBATCH --q_backend=${this.#record.backend}).`,
        details: { task: this.id, backend: this.#record.backend },
      });
    }
    const client = new GatewayClient(selected.endpoint, selected.token, { connections: 1 });
    try {
      const id = await this.#gatewayTask(client, resubmit);
      if (id === null) {
        throw new QrunError('TASK_LOST', `task ${this.id} never reached ${this.#record.backend} before job ${String(this.#record.job_id)} ended, and was cancelled with it`, {
          hint: `qrun resume ${this.id} submits it again (nothing of it ran).`,
          details: { task: this.id },
        });
      }
      const started = this.#now();
      for (;;) {
        if (options.signal?.aborted === true) throw options.signal.reason;
        let outcome: PrimitiveOutcome | null;
        try {
          outcome = await client.resultWithin(id, LONG_POLL_SECONDS, options.signal);
        } catch (error) {
          if (isAborted(options.signal)) throw (options.signal as AbortSignal).reason;
          if (error instanceof QrunError && error.code !== 'BACKEND_UNAVAILABLE') {
            const details = error.details as { vendor_jobs?: TaskRecord['vendor_jobs']; binding?: string | null } | undefined;
            if (error.code === 'TASK_DETACHED') {
              await this.save({ state: 'detached', vendor_jobs: details?.vendor_jobs ?? this.#record.vendor_jobs, binding: details?.binding ?? this.#record.binding });
            } else {
              await this.#update({ state: error.code === 'TASK_CANCELLED' ? 'cancelled' : 'failed', error: errorOf(error) });
            }
          }
          throw error;
        }
        if (outcome !== null) return await this.#finishWith(outcome);
        const view = await client.status(id);
        await this.#update(this.#absorb(view));
        options.onProgress?.({
          id: this.id,
          backend: this.#record.backend,
          state: this.#record.state,
          vendorState: this.#record.vendor_state,
          elapsedSeconds: (this.#now() - started) / 1000,
        });
      }
    } finally {
      await client.close();
    }
  }

  /**
   * Keeps the task's vendor jobs running past the job and writes the record: what a run does when
   * its job reaches the time limit. Resolves to whether anything reached the vendor.
   */
  async detach(): Promise<boolean> {
    const selected = this.#selected();
    if (this.#record.where === 'local' || selected.kind !== 'gateway' || this.#record.gateway_task_id === null) {
      await this.save({ state: 'interrupted' });
      return false;
    }
    const client = new GatewayClient(selected.endpoint, selected.token, { connections: 1, timeoutMs: 5_000 });
    try {
      const view = await client.detach(this.#record.gateway_task_id);
      const absorbed = this.#absorb(view);
      await this.save({ ...absorbed, state: FINAL_STATES.has(absorbed.state ?? 'queued') ? absorbed.state : 'interrupted' });
    } catch (error) {
      // The gateway may already be gone (the job's end came first): what the record knows is kept.
      await this.save({ state: 'interrupted', error: error instanceof QrunError ? errorOf(error) : null });
    } finally {
      await client.close();
    }
    return this.#record.vendor_jobs.length > 0;
  }

  /** Cancels the task (its vendor jobs too), here or from a later job. */
  async cancel(): Promise<TaskRecord> {
    this.#checkOwner();
    if (this.#final()) return this.#record;
    const selected = this.#selected();
    if (this.#record.where === 'local' || selected.kind !== 'gateway') {
      if (this.#record.vendor_jobs.length > 0) {
        throw new QrunError('BACKEND_NOT_GRANTED', `task ${this.id} has vendor jobs on ${this.#record.backend}; only a QPU job granted it can cancel them`, {
          hint: `Run qrun cancel inside a job with #SBATCH --q_backend=${this.#record.backend}.`,
        });
      }
      await this.#update({ state: 'cancelled', error: { code: 'TASK_CANCELLED', message: 'cancelled before it reached a backend' } });
      return this.#record;
    }
    const client = new GatewayClient(selected.endpoint, selected.token, { connections: 1 });
    try {
      const id = await this.#gatewayTask(client, false);
      if (id === null) {
        await this.#update({ state: 'cancelled', error: { code: 'TASK_CANCELLED', message: 'cancelled before it reached a backend' } });
        return this.#record;
      }
      const view = await client.cancel(id);
      await this.#update({ ...this.#absorb(view), state: 'cancelled' });
      return this.#record;
    } finally {
      await client.close();
    }
  }
}

/** Read through a function: TypeScript narrows `signal.aborted` once and misses that an await may change it. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Sends a task and returns its handle. In a job's gateway the task is queued there (a detached one
 * waits until its vendor job exists, so the record can name it); locally it is not run yet — the
 * first `collect` runs it.
 */
export async function submitTask(params: SamplerParams | EstimatorParams, ctx: TaskContext, options: SubmitTaskOptions = {}): Promise<TaskHandle> {
  const selected = selectBackend(ctx.env, options.backend);
  const now = new Date((ctx.now ?? Date.now)());
  const id = newRecordId(now);
  const file = options.recordFile ?? `${recordsDir(ctx.env)}/${id}.json`;
  const request = requestOf(params, selected.name, options);
  const durability = options.durability ?? 'job';
  const record: TaskRecord = {
    format: RECORD_FORMAT,
    id,
    backend: selected.name,
    where: selected.kind,
    durability,
    job_id: inJobId(ctx.env),
    gateway_task_id: null,
    vendor_jobs: [],
    binding: null,
    owner_uid: ctx.uid,
    payload_digest: digestOf(request),
    encoding: params.supportQiskit ? 'qiskit' : 'plain',
    request,
    submitted: now.toISOString(),
    updated: now.toISOString(),
    state: 'queued',
    result_file: null,
    error: null,
  };
  const persist = options.persist ?? true;
  const handle = new TaskHandle(record, file, ctx, false);
  if (persist) await handle.save();
  if (selected.kind === 'local') return handle;

  const client = new GatewayClient(selected.endpoint, selected.token, { connections: 1 });
  try {
    const view = await client.submit({ ...request, durability });
    await handle.note({ gateway_task_id: view.id, ...absorbFirst(view) });
    if (durability !== 'detached') return handle;
    // A detached task's record must name its vendor job before the job may end.
    const started = Date.now();
    for (let current = view; ; ) {
      if ((current.vendor_jobs ?? []).length > 0 || ['Completed', 'Failed', 'Cancelled'].includes(current.status)) {
        await handle.note(absorbFirst(current));
        return handle;
      }
      options.onProgress?.({ id, backend: selected.name, state: stateFromStatus(current.status), elapsedSeconds: (Date.now() - started) / 1000 });
      await sleep(250, undefined, options.signal === undefined ? undefined : { signal: options.signal });
      current = await client.status(view.id);
    }
  } finally {
    await client.close();
  }
}

function absorbFirst(view: TaskView): Partial<TaskRecord> {
  return {
    state: stateFromStatus(view.status),
    vendor_jobs: view.vendor_jobs ?? [],
    binding: view.binding ?? null,
    vendor_state: view.vendor_state ?? undefined,
    ...(view.payload_digest === undefined ? {} : { payload_digest: view.payload_digest }),
  };
}

/** The handle of an existing record: `ref` is a record id or a record file. */
export async function openTask(ref: string, ctx: TaskContext): Promise<TaskHandle> {
  const file = recordPath(ref, ctx.env, ctx.cwd);
  const record = await readRecord(file);
  if (record.owner_uid !== ctx.uid) throw notOwned(record, ctx.uid);
  return new TaskHandle(record, file, ctx, true);
}
