/**
 * IBM Quantum's Qiskit Runtime REST API (IBM Cloud channel), the calls this backend makes. Every call
 * goes through the project's HTTP layer with `Authorization: Bearer <IAM token>`, `Service-CRN` and
 * a dated `IBM-API-Version`; IBM's error bodies become coded errors (errors.ts).
 */
import { isQrunError, QrunError } from '../../errors.js';
import { createHttpClient, createMemoryBackoff, createSharedBackoff, isHttpStatusError, type HttpClient, type HttpRequest, type HttpTimeouts, type RetryEvent, type RetryPolicy } from '../../http/index.js';
import type { Logger } from '../../log/logger.js';
import type { PrimitiveKind } from '../../pipeline/types.js';
import type { SecretValue } from '../../secrets/value.js';
import type { V2Params } from '../remote/index.js';
import type { VendorStatus } from '../remote/index.js';
import { mapIamError, mapRuntimeError, textOf } from './errors.js';
import { iamTokens, type IamTokens } from './iam.js';
import type { IbmComputeSettings } from './schema.js';

/** The API version this module was written against (the one qiskit-ibm-runtime 0.51.0 sends). */
export const IBM_API_VERSION = '2026-04-15';
/** Longest a cleanup call (cancel, close) may take: it runs at job end, when nothing else waits for it. */
const CLEANUP_TIMEOUT_MS = 15_000;
/** Jobs asked per page when listing a session's pending jobs (IBM's ceiling is 200). */
const PAGE = 200;

export interface IbmApiOptions {
  /** The catalogue alias: named in errors, logs and the shared-backoff key. */
  readonly alias: string;
  readonly settings: IbmComputeSettings;
  readonly secret: SecretValue;
  /** Epoch ms when the job's allocation ends: no call but cancel and close is sent past it. */
  readonly deadline?: number | undefined;
  /** Shared-backoff directory; undefined: in memory (one process). */
  readonly backoffDir?: string | undefined;
  readonly logger?: Logger | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly timeouts?: Partial<HttpTimeouts> | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

export interface IbmSessionRequest {
  readonly mode: 'batch' | 'dedicated';
  /** Seconds; undefined: IBM's default. */
  readonly maxTtl?: number | undefined;
}

export interface IbmBackendStatus {
  readonly operational: boolean;
  readonly status: string;
  readonly message: string;
}

export interface IbmApi {
  /** IBM's name of the device. */
  readonly device: string;
  /** Exchanges the API key for a token (what `accessible` checks first). */
  authenticate(): Promise<void>;
  backendStatus(signal?: AbortSignal): Promise<IbmBackendStatus>;
  configuration(signal?: AbortSignal): Promise<unknown>;
  openSession(request: IbmSessionRequest): Promise<string>;
  /** Closes the session now (queued jobs are cancelled by IBM); an unknown or closed session is fine. */
  closeSession(id: string): Promise<void>;
  /** Ids of the session's jobs that are not final yet. */
  pendingJobs(sessionId: string): Promise<string[]>;
  submitJob(program: PrimitiveKind, params: V2Params, sessionId: string | null, signal?: AbortSignal): Promise<string>;
  jobStatus(id: string, signal?: AbortSignal): Promise<VendorStatus>;
  /** RuntimeEncoder JSON text of the PrimitiveResult (IBM serves it as text/plain). */
  jobResults(id: string, signal?: AbortSignal): Promise<string>;
  /** Cancels the job; one already final or gone is fine. Sent even past the deadline. */
  cancelJob(id: string): Promise<void>;
  close(): Promise<void>;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function badReply(backend: string, what: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IBM's reply to ${what} has an unexpected form`, {
    hint: 'The API may have changed; report it with the backend name and what was being done.',
    details: { backend },
  });
}

/** IBM's job states (`Queued`, `Running`, `Completed`, `Failed`, `Cancelled`, `Cancelled - Ran too long`). */
export function jobState(view: unknown): VendorStatus {
  const v = record(view);
  const state = record(v['state']);
  const status = textOf(state['status'], textOf(v['status'], '')).toLowerCase();
  if (status.startsWith('completed')) return { state: 'done' };
  if (status.startsWith('running')) return { state: 'running' };
  if (status.startsWith('cancelled')) return { state: 'cancelled' };
  if (status.startsWith('failed') || status.startsWith('error')) {
    const reason = typeof state['reason'] === 'string' && state['reason'] !== '' ? state['reason'] : 'IBM gives no reason';
    const code = state['reason_code'];
    return { state: 'failed', reason, code: typeof code === 'number' || typeof code === 'string' ? code : undefined };
  }
  return { state: 'queued' };
}

/** A call that may meet what is already gone (cancel, close): these statuses mean "nothing left to do". */
function alreadyDone(error: unknown): boolean {
  if (!isQrunError(error)) return false;
  const cause: unknown = error.cause;
  const status = isHttpStatusError(error) ? error.status : isHttpStatusError(cause) ? cause.status : undefined;
  return status === 404 || status === 409;
}

export function createIbmApi(options: IbmApiOptions): IbmApi {
  const { alias, settings } = options;
  const device = settings.device ?? alias;
  const proxy = settings.https_proxy ?? undefined;
  const backoff = (key: string) => (options.backoffDir === undefined ? createMemoryBackoff(key) : createSharedBackoff(options.backoffDir, key));
  const common = { proxy, logger: options.logger, retry: options.retry, timeouts: options.timeouts, onRetry: options.onRetry };

  const iamClient = createHttpClient({ ...common, backend: alias, baseUrl: settings.auth_endpoint, deadline: options.deadline, backoff: backoff('ibm-iam'), mapStatusError: mapIamError });
  const tokens: IamTokens = iamTokens(iamClient, options.secret);
  const headers = async (): Promise<Record<string, string>> => ({
    authorization: `Bearer ${await tokens.current()}`,
    'service-crn': settings.instance,
    'ibm-api-version': IBM_API_VERSION,
  });
  const runtimeOptions = { ...common, backend: alias, baseUrl: settings.endpoint, backoff: backoff(alias), headers, mapStatusError: mapRuntimeError(settings.instance) };
  const runtime = createHttpClient({ ...runtimeOptions, deadline: options.deadline });
  // Cancel and close end spending at IBM: they must go out even when the job's deadline has passed.
  let cleanup: HttpClient | null = null;
  const cleanupClient = (): HttpClient => (cleanup ??= createHttpClient(runtimeOptions));

  /** One retry with a fresh token when IBM refuses the one it was given (revoked, or expired early). */
  async function call<T>(client: HttpClient, request: HttpRequest): Promise<T> {
    try {
      return (await client.request<T>(request)).body;
    } catch (error) {
      if (!(isQrunError(error) && error.code === 'VENDOR_AUTH_FAILED' && error.details?.['status'] === 401)) throw error;
      tokens.invalidate();
      return (await client.request<T>(request)).body;
    }
  }

  const path = (template: string, id: string): string => template.replace('{id}', encodeURIComponent(id));

  return {
    device,
    async authenticate() {
      await tokens.current();
    },
    async backendStatus(signal) {
      const body = record(await call(runtime, { method: 'GET', path: path('/v1/backends/{id}/status', device), signal }));
      return {
        operational: body['state'] === true,
        status: textOf(body['status'], 'unknown'),
        message: textOf(body['message'], ''),
      };
    },
    configuration: (signal) => call(runtime, { method: 'GET', path: path('/v1/backends/{id}/configuration', device), signal }),
    async openSession(request) {
      const body = record(
        await call(runtime, {
          method: 'POST',
          path: '/v1/sessions',
          json: { mode: request.mode, backend: device, ...(request.maxTtl === undefined ? {} : { max_ttl: request.maxTtl }) },
        }),
      );
      if (typeof body['id'] !== 'string') throw badReply(alias, 'POST /v1/sessions');
      return body['id'];
    },
    async closeSession(id) {
      try {
        await call(cleanupClient(), { method: 'DELETE', path: path('/v1/sessions/{id}/close', id), timeoutMs: CLEANUP_TIMEOUT_MS });
      } catch (error) {
        if (!alreadyDone(error)) throw error;
      }
    },
    async pendingJobs(sessionId) {
      const ids: string[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const body = record(
          await call(cleanupClient(), {
            method: 'GET',
            path: '/v1/jobs',
            query: { session_id: sessionId, pending: true, limit: PAGE, offset, exclude_params: true },
            timeoutMs: CLEANUP_TIMEOUT_MS,
          }),
        );
        const jobs = Array.isArray(body['jobs']) ? body['jobs'] : [];
        for (const job of jobs) if (typeof record(job)['id'] === 'string') ids.push(record(job)['id'] as string);
        const count = typeof body['count'] === 'number' ? body['count'] : 0;
        if (jobs.length < PAGE || offset + PAGE >= count) return ids;
      }
    },
    async submitJob(program, params, sessionId, signal) {
      const body = record(
        await call(runtime, {
          method: 'POST',
          path: '/v1/jobs',
          json: { program_id: program, backend: device, params, ...(sessionId === null ? {} : { session_id: sessionId }) },
          signal,
        }),
      );
      if (typeof body['id'] !== 'string') throw badReply(alias, 'POST /v1/jobs');
      return body['id'];
    },
    async jobStatus(id, signal) {
      return jobState(await call(runtime, { method: 'GET', path: path('/v1/jobs/{id}', id), query: { exclude_params: true }, signal }));
    },
    async jobResults(id, signal) {
      const body = await call<unknown>(runtime, { method: 'GET', path: path('/v1/jobs/{id}/results', id), responseType: 'text', signal });
      if (typeof body !== 'string') throw badReply(alias, `GET /v1/jobs/${id}/results`);
      return body;
    },
    async cancelJob(id) {
      try {
        await call(cleanupClient(), { method: 'POST', path: path('/v1/jobs/{id}/cancel', id), idempotent: true, timeoutMs: CLEANUP_TIMEOUT_MS });
      } catch (error) {
        if (!alreadyDone(error)) throw error;
      }
    },
    async close() {
      await Promise.all([runtime.close(), iamClient.close(), cleanup?.close()]);
    },
  };
}
