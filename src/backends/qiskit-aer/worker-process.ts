/**
 * One long-lived Qiskit Aer worker (worker.py beside this file) as the gateway sees it: started on
 * the first request, fed one request at a time over JSON lines, killed to cancel the request it is
 * running (Aer cannot interrupt a simulation), and started again for the next request after a
 * cancel or a crash. Stopped when the gateway closes.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { ERROR_CATALOG, QrunError, type ErrorCode } from '../../errors.js';
import type { Logger } from '../../log/logger.js';

/**
 * worker.py, shipped beside this module (the build copies it to dist/backends/qiskit-aer/); from
 * the gateway's bundle (dist/gateway/, scripts/bundle-entries.mjs) that folder is one level over.
 */
export const WORKER_SCRIPT = [new URL('./worker.py', import.meta.url), new URL('../backends/qiskit-aer/worker.py', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL('./worker.py', import.meta.url));

/** Importing Qiskit from a cold disk cache, or building a large device's noise model, takes a while. */
const DEFAULT_START_TIMEOUT_MS = 180_000;
/** How long a closing worker may take to leave after its stdin ends before it is killed. */
const CLOSE_GRACE_MS = 3_000;
/** The end of the worker's stderr kept for the error of a worker that died. */
const STDERR_TAIL_BYTES = 4_000;

interface WorkerReady {
  readonly pid: number;
  readonly versions: Readonly<Record<string, string>>;
  /** `runtime`: results come from qiskit-ibm-runtime's RuntimeEncoder; `plain`: the worker's own, same shape. */
  readonly encoder: 'runtime' | 'plain';
  readonly devices: readonly string[];
  readonly ranks: number;
}

export type WorkerEvent =
  | { readonly kind: 'started'; readonly pid: number; readonly ranks: number }
  | { readonly kind: 'running'; readonly id: string; readonly pid: number }
  | { readonly kind: 'killed'; readonly pid: number; readonly why: 'cancel' | 'start-timeout' | 'close' }
  | { readonly kind: 'exited'; readonly pid: number; readonly code: number | null; readonly signal: string | null };

export interface WorkerProcessOptions {
  /** The backend alias, for messages. */
  readonly name: string;
  readonly python: string;
  /** An MPI launcher's argv, put before the Python (the entry's `mpi.launcher`). */
  readonly launcher?: readonly string[] | undefined;
  readonly script?: string | undefined;
  readonly startTimeoutMs?: number | undefined;
  readonly logger?: Logger | undefined;
  readonly onEvent?: ((event: WorkerEvent) => void) | undefined;
}

export interface WorkerRequest {
  readonly kind: 'sampler' | 'estimator' | 'target';
  readonly config: Readonly<Record<string, unknown>>;
  readonly params?: unknown;
  readonly seed?: number | undefined;
}

/** The reply's payload: `result` for a task, `target` for a target request. */
export type WorkerAnswer = Readonly<Record<string, unknown>>;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

interface Live {
  readonly child: Child;
  readonly ready: Promise<WorkerReady>;
  /** Why the process ended, once it has: the request it was running fails with this. */
  exit: QrunError | null;
  stderr: string;
  /** The request on the wire, waiting for its reply. */
  pending: { readonly id: string; resolve(answer: WorkerAnswer): void; reject(error: QrunError): void } | null;
  /** Set when we killed it on purpose (cancel, timeout, close): its exit is then no crash. */
  killedFor: 'cancel' | 'start-timeout' | 'close' | null;
  readonly exited: Promise<void>;
}

function codeOf(value: unknown): ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value) ? (value as ErrorCode) : 'BACKEND_FAILED';
}

function workerError(name: string, error: unknown): QrunError {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; hint?: unknown };
  return new QrunError(codeOf(e.code), `${name}: ${typeof e.message === 'string' ? e.message : 'the Aer worker reported an error without a message'}`, {
    ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
    details: { backend: name },
  });
}

export class AerWorkerProcess {
  private live: Live | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerProcessOptions) {}

  /** The worker's pid while one runs (for the gateway's log and the tests). */
  get pid(): number | null {
    return this.live?.child.pid ?? null;
  }

  /**
   * Sends one request once those before it are answered. Aborting the signal while it waits drops
   * it; while the worker runs it, kills the worker (the next request starts a new one).
   */
  request(request: WorkerRequest, signal?: AbortSignal): Promise<WorkerAnswer> {
    const turn = this.queue.then(() => this.send(request, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Ends the worker: its stdin closes (it leaves between tasks), then it is killed if it stays. */
  async close(): Promise<void> {
    this.closed = true;
    const live = this.live;
    if (live === null) return;
    live.child.stdin.end();
    const timer = setTimeout(() => this.kill(live, 'close'), CLOSE_GRACE_MS);
    await live.exited;
    clearTimeout(timer);
  }

  private async send(request: WorkerRequest, signal: AbortSignal | undefined): Promise<WorkerAnswer> {
    if (this.closed) {
      throw new QrunError('TASK_CANCELLED', `${this.options.name}: the job's gateway is stopping; the Aer worker takes no more tasks`, { details: { backend: this.options.name } });
    }
    if (signal?.aborted === true) throw this.cancelled(signal);
    const live = this.live ?? this.start();
    await this.untilReady(live, signal);
    if (live.exit !== null) throw live.exit;
    const id = String(this.nextId++);
    return new Promise<WorkerAnswer>((resolve, reject) => {
      const onAbort = (): void => {
        if (live.pending?.id !== id) return;
        live.pending = null;
        // Aer cannot stop a simulation half way: the only cancel is to end the process.
        this.kill(live, 'cancel');
        reject(this.cancelled(signal));
      };
      live.pending = {
        id,
        resolve: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      live.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  private async untilReady(live: Live, signal: AbortSignal | undefined): Promise<void> {
    if (signal === undefined) {
      await live.ready;
      return;
    }
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        live.ready,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(this.cancelled(signal));
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
  }

  private cancelled(signal: AbortSignal | undefined): QrunError {
    const reason: unknown = signal?.reason;
    if (reason instanceof QrunError) return reason;
    return new QrunError('TASK_CANCELLED', `the task on ${this.options.name} was cancelled; its Aer worker was stopped, and the next task starts a new one`, {
      details: { backend: this.options.name },
    });
  }

  private kill(live: Live, why: 'cancel' | 'start-timeout' | 'close'): void {
    if (live.exit !== null || live.killedFor !== null) return;
    live.killedFor = why;
    const pid = live.child.pid;
    if (pid !== undefined) this.options.onEvent?.({ kind: 'killed', pid, why });
    this.options.logger?.info({ backend: this.options.name, pid, why }, 'aer worker killed');
    try {
      // Its own process group: an MPI launcher's ranks go with it.
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      live.child.kill('SIGKILL');
    }
    if (this.live === live) this.live = null;
  }

  private start(): Live {
    const { name, python, logger } = this.options;
    const argv = [...(this.options.launcher ?? []), python, '-u', this.options.script ?? WORKER_SCRIPT, ...(this.options.launcher === undefined ? [] : ['--mpi'])];
    const [command, ...args] = argv as [string, ...string[]];
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: {
        // The gateway's own fixed environment (src/gateway/launch.ts): nothing of the job's reaches Python.
        PATH: '/usr/local/bin:/usr/bin:/bin',
        HOME: '/',
        LC_ALL: 'C.UTF-8',
        // The service user cannot write beside the installed worker; nothing to gain from trying.
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONUNBUFFERED: '1',
      },
    });
    let resolveExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (resolveExited = resolve));
    let readyResolve: (ready: WorkerReady) => void = () => undefined;
    let readyReject: (error: QrunError) => void = () => undefined;
    const ready = new Promise<WorkerReady>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    // A worker that never got ready fails every request that waits for it, not the process.
    ready.catch(() => undefined);
    const live: Live = { child, ready, exit: null, stderr: '', pending: null, killedFor: null, exited };
    this.live = live;
    let isReady = false;

    const timer = setTimeout(() => {
      if (isReady) return;
      readyReject(
        new QrunError('BACKEND_UNAVAILABLE', `${name}: the Aer worker (${python}) was not ready within ${Math.round((this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS) / 1000)} s`, {
          hint: 'Check that the Python imports qiskit and qiskit_aer quickly for the gateway user (the gateway log has its stderr).',
          details: { backend: name, python },
        }),
      );
      this.kill(live, 'start-timeout');
    }, this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);

    createInterface({ input: child.stderr }).on('line', (line) => {
      live.stderr = `${live.stderr}${line}\n`.slice(-STDERR_TAIL_BYTES);
      logger?.info({ backend: name, pid: child.pid, line }, 'aer worker stderr');
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        logger?.warn({ backend: name, line: line.slice(0, 200) }, 'aer worker wrote a line that is not JSON');
        return;
      }
      if (!isReady && 'ready' in message) {
        if (message['ready'] === true) {
          isReady = true;
          clearTimeout(timer);
          const info = message as unknown as WorkerReady;
          logger?.info({ backend: name, pid: child.pid, versions: info.versions, encoder: info.encoder, devices: info.devices, ranks: info.ranks }, 'aer worker ready');
          if (child.pid !== undefined) this.options.onEvent?.({ kind: 'started', pid: child.pid, ranks: info.ranks });
          readyResolve(info);
        } else {
          readyReject(workerError(name, message['error']));
        }
        return;
      }
      const pending = live.pending;
      if (pending === null || message['id'] !== pending.id) return;
      if (message['running'] === true) {
        if (child.pid !== undefined) this.options.onEvent?.({ kind: 'running', id: pending.id, pid: child.pid });
        return;
      }
      live.pending = null;
      if (message['ok'] === true) pending.resolve(message);
      else pending.reject(workerError(name, message['error']));
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      // spawn itself failed (ENOENT, EACCES): no exit event follows.
      live.exit = new QrunError('BACKEND_UNAVAILABLE', `${name}: cannot run ${command}: ${error.code ?? error.message}`, {
        hint: `The catalogue entry's python (or mpi.launcher) must exist and be executable by the gateway's service user.`,
        details: { backend: name, command },
      });
      this.ended(live, timer, readyReject);
      resolveExited();
    });
    child.on('exit', (code, signal) => {
      if (child.pid !== undefined) this.options.onEvent?.({ kind: 'exited', pid: child.pid, code, signal });
      logger?.info({ backend: name, pid: child.pid, code, signal, killedFor: live.killedFor }, 'aer worker exited');
      live.exit ??= this.exitError(live, code, signal, isReady);
      this.ended(live, timer, readyReject);
      resolveExited();
    });
    // A worker that died makes its stdin raise EPIPE: the exit handler reports it.
    child.stdin.on('error', () => undefined);
    return live;
  }

  private ended(live: Live, timer: NodeJS.Timeout, readyReject: (error: QrunError) => void): void {
    clearTimeout(timer);
    const error = live.exit ?? new QrunError('BACKEND_FAILED', `${this.options.name}: the Aer worker ended`);
    readyReject(error);
    const pending = live.pending;
    live.pending = null;
    pending?.reject(error);
    if (this.live === live) this.live = null;
  }

  private exitError(live: Live, code: number | null, signal: string | null, wasReady: boolean): QrunError {
    const name = this.options.name;
    const how = signal === null ? `exited with status ${code ?? '?'}` : `was killed by ${signal}`;
    const details = { backend: name, exit_code: code, signal, stderr: live.stderr.trim().split('\n').slice(-20).join('\n') };
    if (live.killedFor === 'close') return new QrunError('TASK_CANCELLED', `${name}: the job's gateway stopped its Aer worker`, { details });
    if (live.killedFor === 'cancel') return new QrunError('TASK_CANCELLED', `${name}: the Aer worker was stopped to cancel a task`, { details });
    if (!wasReady) {
      return new QrunError('BACKEND_UNAVAILABLE', `${name}: the Aer worker (${this.options.python}) ${how} before it was ready`, {
        hint: "The gateway log has the worker's stderr; check that this Python imports qiskit, qiskit_aer and qiskit_qasm3_import.",
        details,
      });
    }
    return new QrunError('BACKEND_FAILED', `${name}: the Aer worker ${how} while running the task; the next task starts a new worker`, {
      hint:
        signal === 'SIGKILL'
          ? 'Killed from outside, often by the kernel for lack of memory: use fewer qubits, single precision, or the matrix_product_state method.'
          : "The gateway log has the worker's stderr; submit again, and report it if it repeats.",
      details,
    });
  }
}
