/**
 * The job's tasks: admission (granted backend, deadline, in-flight limit), a FIFO with bounded
 * concurrency, cancel, waiting for results, and metering. Finished tasks are kept (up to a limit) for
 * status and result calls.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { asQrunError, QrunError } from '../errors.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import type { BackendMetadata } from '../backends/metadata.js';
import type { GatewayBackend, GatewayLimits } from './config.js';

export type { TaskView };
import type { PreparedTask, TaskDurability, TaskRequest, TaskRunner, VendorJobRef } from '../backends/types.js';
import type { TaskStatus, TaskView } from '../backends/job-gateway/wire.js';
import { requestDigest } from '../tasks/digest.js';
import { bindingValid, signBinding } from './binding.js';
import { Meter } from './usage.js';

/** A vendor job this gateway let go: the hook's release must not cancel it (detached.json). */
export interface DetachedJob {
  readonly backend: string;
  readonly id: string;
}

interface Task {
  readonly id: string;
  readonly request: TaskRequest;
  readonly backend: string;
  readonly prepared: PreparedTask;
  readonly abort: AbortController;
  readonly durability: TaskDurability;
  readonly digest: string;
  readonly vendorJobs: VendorJobRef[];
  vendorState: string | null;
  /** Let go at the gateway's end instead of cancelled. */
  detached: boolean;
  readonly createdMs: number;
  readonly created: string;
  status: TaskStatus;
  started: string | null;
  finished: string | null;
  error: QrunError | null;
  outcome: PrimitiveOutcome | null;
  readonly done: Promise<void>;
  settle: () => void;
}

export interface TaskManagerOptions {
  readonly jobId: number;
  readonly backends: readonly GatewayBackend[];
  readonly limits: GatewayLimits;
  /** Epoch seconds; null: none. */
  readonly deadline: number | null;
  readonly runners: Readonly<Record<string, TaskRunner>>;
  /** Called whenever usage changed (a task ended). */
  readonly onUsage?: () => void;
  /** The job's uid: a task re-attached from a record must be bound to it. */
  readonly uid?: number;
  /** Called with every vendor job let go so far, each time the list grows. */
  readonly onDetached?: (jobs: readonly DetachedJob[]) => void;
  readonly now?: () => number;
}

const FINAL: ReadonlySet<TaskStatus> = new Set(['Completed', 'Failed', 'Cancelled']);

function tooMany(limit: number, inFlight: number): QrunError {
  return new QrunError('TOO_MANY_TASKS', `the job already has ${inFlight} tasks queued or running (limit ${limit})`, {
    hint: 'Wait for results before submitting more.',
    details: { limit },
  });
}

export class TaskManager {
  readonly meter: Meter;
  readonly #options: TaskManagerOptions;
  readonly #backends: Map<string, GatewayBackend>;
  readonly #tasks = new Map<string, Task>();
  readonly #queue: Task[] = [];
  #running = 0;
  #inFlight = 0;
  #closed: QrunError | null = null;
  readonly #detachedJobs: DetachedJob[] = [];

  constructor(options: TaskManagerOptions) {
    this.#options = options;
    this.#backends = new Map(options.backends.map((b) => [b.name, b]));
    this.meter = new Meter(options.jobId, options.backends.map((b) => b.name));
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  backends(): readonly GatewayBackend[] {
    return this.#options.backends;
  }

  /** A granted backend's target: the catalogue's metadata, else what its runner reads from the vendor. */
  async target(backend: GatewayBackend): Promise<BackendMetadata> {
    const runner = this.#options.runners[backend.type];
    if (backend.metadata !== undefined) return backend.metadata;
    if (runner?.target === undefined) {
      throw new QrunError('BACKEND_UNAVAILABLE', `backend ${backend.name} has no metadata in the catalogue and its type cannot read a target`, {
        hint: 'Ask your admin to add metadata to its catalogue entry.',
        details: { backend: backend.name },
      });
    }
    return runner.target(backend);
  }

  /** Throws ALLOCATION_EXPIRED once the deadline has passed or the gateway is shutting down. */
  checkOpen(): void {
    if (this.#closed !== null) throw this.#closed;
    const deadline = this.#options.deadline;
    if (deadline !== null && this.#now() >= deadline * 1000) {
      throw new QrunError('ALLOCATION_EXPIRED', `the job's allocation ended at ${new Date(deadline * 1000).toISOString()}`, {
        hint: 'Submit a new job with a longer --time to run more QPU work.',
        details: { deadline },
      });
    }
  }

  async submit(request: TaskRequest): Promise<TaskView> {
    this.checkOpen();
    const name = request.backend ?? this.#options.backends[0]?.name;
    const backend = name === undefined ? undefined : this.#backends.get(name);
    if (backend === undefined || name === undefined) {
      const granted = [...this.#backends.keys()];
      throw new QrunError('BACKEND_NOT_GRANTED', `backend ${JSON.stringify(name)} was not granted to this job (granted: ${granted.join(', ')})`, {
        hint: 'Pick one of the granted backends, or request this one with #SBATCH --q_backend.',
        details: { backend: name, granted },
      });
    }
    if (this.#inFlight >= this.#options.limits.maxTasks) throw tooMany(this.#options.limits.maxTasks, this.#inFlight);
    const runner = this.#options.runners[backend.type];
    if (runner === undefined) throw new QrunError('BACKEND_UNAVAILABLE', `no runner for backend type ${backend.type} in this gateway`);
    const durability = this.#durability(request, backend, runner);
    const digest = requestDigest(request);
    if (request.attach !== undefined) this.#checkBinding(request.attach, backend, digest);
    const prepared = await runner.prepare(request, backend);
    this.checkOpen();
    if (this.#inFlight >= this.#options.limits.maxTasks) throw tooMany(this.#options.limits.maxTasks, this.#inFlight);

    let settle = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const task: Task = {
      id: randomUUID(),
      request,
      backend: backend.name,
      prepared,
      abort: new AbortController(),
      durability,
      digest,
      vendorJobs: [],
      vendorState: null,
      detached: durability === 'detached',
      createdMs: performance.now(),
      created: new Date(this.#now()).toISOString(),
      status: 'Queued',
      started: null,
      finished: null,
      error: null,
      outcome: null,
      done,
      settle,
    };
    this.#tasks.set(task.id, task);
    this.#inFlight += 1;
    this.meter.submitted(backend.name);
    this.#queue.push(task);
    this.#pump();
    return this.#view(task);
  }

  /** A task the runner cannot let outlive the gateway stays the job's; asking for more than that is refused. */
  #durability(request: TaskRequest, backend: GatewayBackend, runner: TaskRunner): TaskDurability {
    const asked = request.durability ?? 'job';
    if (runner.detachable === true || (asked === 'job' && request.attach === undefined)) return asked;
    if (asked === 'resumable' && request.attach === undefined) return 'job';
    throw new QrunError('TASK_NOT_DETACHABLE', `backend ${backend.name} (type ${backend.type}) runs its tasks inside the job's gateway; they end with the job`, {
      hint: 'Drop --detach for this backend, or keep the job running until the task has finished (qrun wait).',
      details: { backend: backend.name, type: backend.type },
    });
  }

  #checkBinding(attach: NonNullable<TaskRequest['attach']>, backend: GatewayBackend, digest: string): void {
    const uid = this.#options.uid;
    const secret = backend.secret;
    const refuse = (why: string): QrunError =>
      new QrunError('TASK_NOT_OWNED', `the task record cannot be collected here: ${why}`, {
        hint: 'Only the user who submitted a task may collect or cancel it, in a job granted the same backend, with the record qrun wrote.',
        details: { backend: backend.name },
      });
    if (uid === undefined || attach.ownerUid !== uid) throw refuse(`it belongs to uid ${attach.ownerUid}, this job runs as uid ${String(uid)}`);
    if (secret === undefined || !bindingValid(secret, { backend: backend.name, ownerUid: attach.ownerUid, digest, vendorJobs: attach.vendorJobs }, attach.binding)) {
      throw refuse(`its binding was not made by a gateway of backend ${backend.name} for this request`);
    }
  }

  #binding(task: Task): string | null {
    const backend = this.#backends.get(task.backend);
    if (task.vendorJobs.length === 0 || backend?.secret === undefined || this.#options.uid === undefined) return null;
    return signBinding(backend.secret, { backend: task.backend, ownerUid: this.#options.uid, digest: task.digest, vendorJobs: task.vendorJobs });
  }

  #noteDetached(task: Task): void {
    let grew = false;
    for (const job of task.vendorJobs) {
      if (this.#detachedJobs.some((d) => d.id === job.id && d.backend === task.backend)) continue;
      this.#detachedJobs.push({ backend: task.backend, id: job.id });
      grew = true;
    }
    if (grew) this.#options.onDetached?.([...this.#detachedJobs]);
  }

  /** Vendor jobs let go so far. */
  detachedJobs(): readonly DetachedJob[] {
    return [...this.#detachedJobs];
  }

  #pump(): void {
    while (this.#running < this.#options.limits.concurrency && this.#queue.length > 0) {
      const task = this.#queue.shift();
      if (task === undefined || task.status !== 'Queued') continue;
      this.#running += 1;
      void this.#run(task).finally(() => {
        this.#running -= 1;
        this.#pump();
      });
    }
  }

  async #run(task: Task): Promise<void> {
    task.status = 'Running';
    task.started = new Date(this.#now()).toISOString();
    const started = performance.now();
    try {
      const outcome = await task.prepared.run(task.abort.signal, {
        onVendorJob: (job) => {
          task.vendorJobs.push(job);
          if (task.detached) this.#noteDetached(task);
        },
        onVendorState: (state) => {
          task.vendorState = state;
        },
      });
      if (task.abort.signal.aborted) throw new QrunError('TASK_CANCELLED', 'the task was cancelled');
      task.outcome = outcome;
      this.#finish(task, 'Completed', performance.now() - started);
    } catch (error) {
      const coded = asQrunError(error);
      task.error = task.abort.signal.aborted ? (task.abort.signal.reason instanceof QrunError ? task.abort.signal.reason : coded) : coded;
      this.#finish(task, task.abort.signal.aborted ? 'Cancelled' : 'Failed', performance.now() - started);
    }
  }

  #finish(task: Task, status: 'Completed' | 'Failed' | 'Cancelled', deviceMs: number): void {
    if (FINAL.has(task.status)) return;
    task.status = status;
    task.finished = new Date(this.#now()).toISOString();
    this.#inFlight -= 1;
    const shots = task.outcome === null ? 0 : shotsOf(task.outcome);
    this.meter.finished(task.backend, status === 'Completed' ? 'completed' : status === 'Failed' ? 'failed' : 'cancelled', {
      wallMs: performance.now() - task.createdMs,
      deviceMs,
      shots,
    });
    task.settle();
    this.#forgetOld();
    this.#options.onUsage?.();
  }

  #forgetOld(): void {
    const keep = this.#options.limits.keepFinished;
    let finished = this.#tasks.size - this.#inFlight;
    for (const [id, task] of this.#tasks) {
      if (finished <= keep) break;
      if (FINAL.has(task.status)) {
        this.#tasks.delete(id);
        finished -= 1;
      }
    }
  }

  #get(id: string): Task {
    const task = this.#tasks.get(id);
    if (task === undefined) {
      throw new QrunError('TASK_NOT_FOUND', `no task ${JSON.stringify(id)} in this job`, { hint: 'Task ids come from POST /v1/tasks; finished tasks are kept for a while only.' });
    }
    return task;
  }

  /** Whether the task's payload asked for Qiskit-encoded results. */
  supportQiskit(id: string): boolean {
    return this.#get(id).request.params['support_qiskit'] === true;
  }

  status(id: string): TaskView {
    return this.#view(this.#get(id));
  }

  list(): TaskView[] {
    return [...this.#tasks.values()].map((t) => this.#view(t));
  }

  /** Keeps the task's vendor jobs running when the gateway stops (the job's time limit came). */
  detach(id: string): TaskView {
    const task = this.#get(id);
    if (task.durability === 'job') {
      throw new QrunError('TASK_NOT_DETACHABLE', `task ${id} belongs to the job: its vendor jobs run in the job's session and end with it`, {
        hint: 'Submit it with qrun submit --detach (or qrun sample in a job, which is resumable) to let it outlive the job.',
        details: { task: id },
      });
    }
    if (!FINAL.has(task.status)) {
      task.detached = true;
      this.#noteDetached(task);
    }
    return this.#view(task);
  }

  #view(task: Task): TaskView {
    return {
      ...view(task),
      durability: task.durability,
      vendor_jobs: [...task.vendorJobs],
      vendor_state: task.vendorState,
      binding: this.#binding(task),
      owner_uid: this.#options.uid ?? null,
      payload_digest: task.digest,
    };
  }

  /** Waits up to `waitMs` for the task to end; returns the outcome or throws the task's error. */
  async result(id: string, waitMs: number): Promise<{ view: TaskView; outcome: PrimitiveOutcome }> {
    const task = this.#get(id);
    if (!FINAL.has(task.status) && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([task.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    if (task.status === 'Completed' && task.outcome !== null) return { view: this.#view(task), outcome: task.outcome };
    if (task.error !== null) throw task.error;
    throw new QrunError('TASK_NOT_DONE', `task ${id} is ${task.status}`, {
      hint: 'Ask again later (GET /v1/tasks/:id/result?wait=SECONDS waits for it).',
      details: { status: task.status },
    });
  }

  cancel(id: string, reason?: QrunError): TaskView {
    const task = this.#get(id);
    this.#cancel(task, reason ?? new QrunError('TASK_CANCELLED', 'the task was cancelled by the job'));
    return this.#view(task);
  }

  #cancel(task: Task, reason: QrunError): void {
    if (FINAL.has(task.status)) return;
    task.abort.abort(reason);
    if (task.status === 'Queued') {
      task.error = reason;
      this.#finish(task, 'Cancelled', 0);
    }
    // A running task notices at its next progress point and ends as Cancelled.
  }

  #detachedError(task: Task): QrunError {
    const details: DetachedErrorDetails = {
      task: task.id,
      backend: task.backend,
      vendor_jobs: [...task.vendorJobs],
      binding: this.#binding(task),
      owner_uid: this.#options.uid ?? null,
      payload_digest: task.digest,
    };
    return new QrunError('TASK_DETACHED', `the job ended; the vendor job${task.vendorJobs.length === 1 ? '' : 's'} of task ${task.id} on ${task.backend} keep${task.vendorJobs.length === 1 ? 's' : ''} running`, {
      hint: 'Collect it in a later QPU job granted the same backend: qrun resume RECORD (or qrun wait|result RECORD).',
      details: { ...details },
    });
  }

  /** Refuses new work from now on and cancels everything queued or running; resolves when all have ended. */
  async close(reason: QrunError): Promise<void> {
    this.#closed ??= reason;
    const pending = [...this.#tasks.values()].filter((t) => !FINAL.has(t.status));
    for (const task of pending) {
      // At the time limit a resumable task that reached the vendor is let go, to be resumed later;
      // on any other end (scancel, release) it is cancelled like the job's own tasks.
      const letGo = task.detached || (task.durability === 'resumable' && reason.code === 'ALLOCATION_EXPIRED' && task.vendorJobs.length > 0);
      if (!letGo) {
        this.#cancel(task, reason);
        continue;
      }
      task.detached = true;
      this.#noteDetached(task);
      this.#cancel(task, this.#detachedError(task));
    }
    await Promise.all(pending.map((t) => t.done));
  }
}

interface DetachedErrorDetails {
  readonly task: string;
  readonly backend: string;
  readonly vendor_jobs: readonly VendorJobRef[];
  readonly binding: string | null;
  readonly owner_uid: number | null;
  readonly payload_digest: string;
}

/** Shots the task ran: per PUB, its shots times its number of elements. */
function shotsOf(outcome: PrimitiveOutcome): number {
  let total = 0;
  for (const pub of outcome.pubs) {
    const shots = 'shots' in pub ? pub.shots : Number(pub.metadata['shots'] ?? 0);
    total += shots * pub.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function view(task: Task): TaskView {
  return {
    id: task.id,
    program_id: task.request.programId,
    backend: task.backend,
    status: task.status,
    created: task.created,
    started: task.started,
    finished: task.finished,
    error: task.error === null ? null : task.error.toJSON(),
  };
}
