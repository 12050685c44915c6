/**
 * The job gateway's client: `qrun` and the library use it whenever QRUN_ENDPOINT is `unix:PATH` or
 * `http://127.0.0.1:PORT`. One undici pool per client (keep-alive connections), the job's token on
 * every request, JSON errors turned back into coded QrunErrors, and a dead gateway reported as
 * BACKEND_UNAVAILABLE with what to do.
 */
import { Pool } from 'undici';
import { QrunError, ERROR_CATALOG, type ErrorCode } from '../../errors.js';
import type { BackendMetadata } from '../metadata.js';
import type { PrimitiveOutcome } from '../../primitives/result-model.js';
import type { TaskView } from './wire.js';
import type { Usage } from '../../gateway/usage.js';
import { outcomeFromWire } from './wire.js';

export interface GatewayBackendInfo {
  readonly name: string;
  readonly type: string;
  readonly description: string | null;
  readonly metadata: BackendMetadata;
}

export interface SubmitTask {
  readonly program_id: 'sampler' | 'estimator' | 'native';
  readonly backend?: string | undefined;
  readonly params: Record<string, unknown>;
  readonly options?: { shots?: number | undefined; precision?: number | undefined; seed?: number | undefined; mitigation?: string[] | undefined };
  /** Default `job`: the task ends with the job (docs/gateway-api.md). */
  readonly durability?: 'job' | 'resumable' | 'detached' | undefined;
  /** Vendor jobs of an earlier job's gateway for this same request, with its binding. */
  readonly attach?: { vendor_jobs: readonly { program: 'sampler' | 'estimator'; id: string }[]; binding: string; owner_uid: number } | undefined;
}

export interface GatewayClientOptions {
  /** Connections kept open; default 4. */
  readonly connections?: number;
  /** Per-request timeout for the headers to arrive, ms; default 90 s (a result call waits up to 60 s). */
  readonly timeoutMs?: number;
}

/**
 * What a dead gateway looks like from here: its socket is left with no listener, or a connection is
 * cut mid-reply. (A gateway stopped at release removes its socket: ENOENT, `is not running`.)
 */
const GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Seconds one result call waits on the gateway before asking again. */
const RESULT_WAIT_SECONDS = 30;

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value);
}

function parseEndpoint(endpoint: string): { origin: string; socketPath?: string } {
  if (endpoint.startsWith('unix:')) {
    const socketPath = endpoint.slice('unix:'.length);
    if (!socketPath.startsWith('/')) throw new QrunError('BACKEND_UNAVAILABLE', `QRUN_ENDPOINT ${JSON.stringify(endpoint)} is not an absolute socket path`);
    return { origin: 'http://gateway', socketPath };
  }
  if (endpoint.startsWith('http://') || endpoint.startsWith('https://')) return { origin: new URL(endpoint).origin };
  throw new QrunError('BACKEND_UNAVAILABLE', `QRUN_ENDPOINT ${JSON.stringify(endpoint)} is not a gateway endpoint`, { hint: 'Expected unix:/path/to/socket or http://127.0.0.1:PORT.' });
}

export class GatewayClient {
  readonly endpoint: string;
  readonly #token: string;
  readonly #pool: Pool;
  readonly #timeoutMs: number;

  constructor(endpoint: string, token: string, options: GatewayClientOptions = {}) {
    this.endpoint = endpoint;
    this.#token = token;
    const { origin, socketPath } = parseEndpoint(endpoint);
    this.#timeoutMs = options.timeoutMs ?? 90_000;
    this.#pool = new Pool(origin, {
      connections: options.connections ?? 4,
      ...(socketPath === undefined ? {} : { socketPath }),
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  #unreachable(error: unknown): QrunError {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (GONE.has(code)) {
      // The socket is there but nobody answers (or the answer was cut off): the process is dead.
      return new QrunError('GATEWAY_GONE', "this job's QPU gateway is gone: its process ended while the job is still running", {
        hint: 'The next job step (srun) restarts it once; if it dies again, resubmit the job and ask your admin to check the gateway log.',
        cause: error,
        details: { endpoint: this.endpoint },
      });
    }
    const why =
      code === 'ENOENT'
        ? 'is not running'
        : code === 'EACCES'
        ? 'refuses this user (permission denied on its socket)'
        : `cannot be reached (${code || (error instanceof Error ? error.message : String(error))})`;
    return new QrunError('BACKEND_UNAVAILABLE', `the job gateway at ${this.endpoint} ${why}`, {
      hint:
        code === 'EACCES'
          ? "Only the job's own user can reach its gateway; run qrun inside the job as that user."
          : "The gateway lives as long as the job's allocation; if the job is still running, it stopped unexpectedly — ask your admin to check the gateway log.",
      cause: error,
      details: { endpoint: this.endpoint, errno: code || undefined },
    });
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response;
    try {
      response = await this.#pool.request({
        method,
        path,
        ...(signal === undefined ? {} : { signal }),
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      throw this.#unreachable(error);
    }
    let data: unknown;
    try {
      data = await response.body.json();
    } catch (error) {
      throw new QrunError('BACKEND_FAILED', `the job gateway sent a non-JSON reply (HTTP ${response.statusCode})`, { cause: error });
    }
    if (response.statusCode >= 400) {
      const error = (data as { error?: { code?: unknown; message?: unknown; hint?: unknown; details?: unknown } }).error;
      const code = isErrorCode(error?.code) ? error.code : 'BACKEND_FAILED';
      throw new QrunError(code, typeof error?.message === 'string' ? error.message : `the job gateway answered HTTP ${response.statusCode}`, {
        ...(typeof error?.hint === 'string' ? { hint: error.hint } : {}),
        ...(typeof error?.details === 'object' && error.details !== null ? { details: error.details as Record<string, unknown> } : {}),
      });
    }
    return data as T;
  }

  async backends(): Promise<{ job_id: number; deadline: number | null; backends: GatewayBackendInfo[] }> {
    return this.#call('GET', '/v1/backends');
  }

  async submit(task: SubmitTask): Promise<TaskView> {
    return this.#call('POST', '/v1/tasks', task);
  }

  async status(id: string): Promise<TaskView> {
    return this.#call('GET', `/v1/tasks/${encodeURIComponent(id)}`);
  }

  async cancel(id: string): Promise<TaskView> {
    return this.#call('POST', `/v1/tasks/${encodeURIComponent(id)}/cancel`);
  }

  /** Lets the task's vendor jobs outlive the job (a resumable or detached task); the view carries the binding. */
  async detach(id: string): Promise<TaskView> {
    return this.#call('POST', `/v1/tasks/${encodeURIComponent(id)}/detach`);
  }

  /**
   * The result if the task ends within `waitSeconds`, else null (long poll: the gateway answers as
   * soon as the task ends). A task that failed or was cancelled throws its error.
   */
  async resultWithin(id: string, waitSeconds: number, signal?: AbortSignal): Promise<PrimitiveOutcome | null> {
    try {
      const reply = await this.#call<{ outcome: unknown }>('GET', `/v1/tasks/${encodeURIComponent(id)}/result?format=model&wait=${waitSeconds}`, undefined, signal);
      return outcomeFromWire(reply.outcome);
    } catch (error) {
      if (error instanceof QrunError && error.code === 'TASK_NOT_DONE') return null;
      throw error;
    }
  }

  async usage(): Promise<Usage> {
    return this.#call('GET', '/v1/usage');
  }

  /** Waits for the task's result (asking again every 30 s), as the result model. */
  async result(id: string): Promise<PrimitiveOutcome> {
    for (;;) {
      try {
        const reply = await this.#call<{ outcome: unknown }>('GET', `/v1/tasks/${encodeURIComponent(id)}/result?format=model&wait=${RESULT_WAIT_SECONDS}`);
        return outcomeFromWire(reply.outcome);
      } catch (error) {
        if (error instanceof QrunError && error.code === 'TASK_NOT_DONE') continue;
        throw error;
      }
    }
  }

  /** Submit and wait: one task, one outcome (one round trip when the task ends within the wait). */
  async run(task: SubmitTask): Promise<PrimitiveOutcome> {
    const reply = await this.#call<TaskView | { outcome: unknown }>('POST', `/v1/tasks?format=model&wait=${RESULT_WAIT_SECONDS}`, task);
    if ('outcome' in reply) return outcomeFromWire(reply.outcome);
    return this.result(reply.id);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
