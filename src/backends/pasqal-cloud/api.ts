/**
 * Pasqal Cloud's core API, the calls this backend makes (the routes pasqal-cloud 0.24's SDK uses,
 * under `/core-fast`), through the project's HTTP layer with a bearer token from the client-credentials
 * exchange (auth.ts). Results come from a presigned link to Pasqal's object store on another host: a
 * client of its own, which never carries the token.
 */
import { isQrunError, QrunError } from '../../errors.js';
import { createHttpClient, createMemoryBackoff, createSharedBackoff, isHttpStatusError, type HttpClient, type HttpRequest, type HttpTimeouts, type RetryPolicy } from '../../http/index.js';
import type { Logger } from '../../log/logger.js';
import type { SecretValue } from '../../secrets/value.js';
import { pasqalTokens, type PasqalTokens } from './auth.js';
import { mapAuthError, mapCoreError } from './errors.js';
import type { PasqalCloudSettings } from './schema.js';
import { deviceFromSpecs, type PasqalDevice } from './target.js';

const CORE = '/core-fast/api';
/** Longest a cleanup call (cancel, list at release) may take: nothing waits for it. */
const CLEANUP_TIMEOUT_MS = 15_000;

/** Batch states as Pasqal spells them. */
export type BatchStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'ERROR' | 'CANCELED' | 'TIMED_OUT' | 'PAUSED';
const FINAL: ReadonlySet<string> = new Set(['DONE', 'ERROR', 'CANCELED', 'TIMED_OUT']);

export interface CreatedBatch {
  readonly id: string;
  readonly jobIds: readonly string[];
}

export interface PasqalJob {
  readonly id: string;
  readonly status: string;
  readonly errors: readonly string[];
}

export interface NewBatch {
  /** Pulser's abstract repr as JSON text (`sequence_builder`). */
  readonly sequence: string;
  readonly runs: number;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  readonly tags?: readonly string[] | undefined;
}

export interface PasqalApiOptions {
  readonly alias: string;
  readonly settings: PasqalCloudSettings;
  readonly secret: SecretValue;
  /** Epoch ms when the job's allocation ends: nothing but cancel is sent past it. */
  readonly deadline?: number | undefined;
  readonly backoffDir?: string | undefined;
  readonly logger?: Logger | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly timeouts?: Partial<HttpTimeouts> | undefined;
}

export interface PasqalApi {
  readonly device: string;
  authenticate(): Promise<void>;
  deviceSpecs(signal?: AbortSignal): Promise<PasqalDevice>;
  /** The device's status as Pasqal reports it (`UP`, `DOWN`, ...), or null when it reports none. */
  deviceStatus(signal?: AbortSignal): Promise<string | null>;
  createBatch(batch: NewBatch, signal?: AbortSignal): Promise<CreatedBatch>;
  batchStatus(id: string, signal?: AbortSignal): Promise<string>;
  job(id: string, signal?: AbortSignal): Promise<PasqalJob>;
  /** The job's Pulser counter (bitstring → shots), read through its presigned results link. */
  jobCounter(id: string, signal?: AbortSignal): Promise<Record<string, number>>;
  /** Cancels the batch; one already final or gone is fine. Sent even past the deadline. */
  cancelBatch(id: string): Promise<void>;
  /** Ids of the project's batches carrying `tag` that are not final yet. */
  openBatches(tag: string): Promise<string[]>;
  close(): Promise<void>;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** JSend's `data`. */
function dataOf(body: unknown): unknown {
  return record(body)['data'];
}

function badReply(backend: string, what: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: Pasqal's reply to ${what} has an unexpected form`, {
    hint: 'The API may have changed; report it with the backend name and what was being done.',
    details: { backend },
  });
}

/** Cancel meeting what already ended: Pasqal refuses it (400) or has forgotten it (404). */
function alreadyDone(error: unknown): boolean {
  if (!isQrunError(error)) return false;
  const cause: unknown = error.cause;
  const status = isHttpStatusError(error) ? error.status : isHttpStatusError(cause) ? cause.status : undefined;
  return status === 400 || status === 404 || status === 409;
}

/** The tag every batch of a Slurm job carries, so release finds what the job left at Pasqal. */
export function jobTag(jobId: number): string {
  return `slurm-job-${jobId}`;
}

export function isFinalBatch(status: string): boolean {
  return FINAL.has(status);
}

export function createPasqalApi(options: PasqalApiOptions): PasqalApi {
  const { alias, settings } = options;
  const proxy = settings.https_proxy ?? undefined;
  const backoff = (key: string) => (options.backoffDir === undefined ? createMemoryBackoff(key) : createSharedBackoff(options.backoffDir, key));
  const common = { proxy, logger: options.logger, retry: options.retry, timeouts: options.timeouts };

  const authUrl = new URL(settings.auth_endpoint);
  const authClient = createHttpClient({ ...common, backend: alias, baseUrl: authUrl.origin, deadline: options.deadline, backoff: backoff('pasqal-auth'), mapStatusError: mapAuthError });
  const tokens: PasqalTokens = pasqalTokens({ client: authClient, path: authUrl.pathname, clientId: settings.client_id, secret: options.secret, audience: settings.audience });
  const headers = async (): Promise<Record<string, string>> => ({ authorization: `Bearer ${await tokens.current()}` });
  const coreOptions = { ...common, backend: alias, baseUrl: settings.endpoint, backoff: backoff(alias), headers, mapStatusError: mapCoreError(settings.project_id) };
  const core = createHttpClient({ ...coreOptions, deadline: options.deadline });
  let cleanup: HttpClient | null = null;
  const cleanupClient = (): HttpClient => (cleanup ??= createHttpClient(coreOptions));
  // One client per results origin (Pasqal's object store), without the token.
  const stores = new Map<string, HttpClient>();
  const storeFor = (origin: string): HttpClient => {
    let client = stores.get(origin);
    if (client === undefined) {
      client = createHttpClient({ ...common, backend: alias, baseUrl: origin, deadline: options.deadline, backoff: backoff(`${alias}-results`) });
      stores.set(origin, client);
    }
    return client;
  };

  /** One retry with a fresh token when Pasqal refuses the one it was given (revoked, expired early). */
  async function call<T>(client: HttpClient, request: HttpRequest): Promise<T> {
    try {
      return (await client.request<T>(request)).body;
    } catch (error) {
      if (!(isQrunError(error) && error.code === 'VENDOR_AUTH_FAILED' && error.details?.['status'] === 401)) throw error;
      tokens.invalidate();
      return (await client.request<T>(request)).body;
    }
  }

  const path = (template: string, id: string): string => `${CORE}${template.replace('{id}', encodeURIComponent(id))}`;

  return {
    device: settings.device,
    async authenticate() {
      await tokens.current();
    },
    async deviceSpecs(signal) {
      return deviceFromSpecs(dataOf(await call(core, { method: 'GET', path: `${CORE}/v1/devices/specs`, signal })), settings.device, alias);
    },
    async deviceStatus(signal) {
      const data = dataOf(await call(core, { method: 'GET', path: `${CORE}/v1/devices`, query: { device_type: settings.device }, signal }));
      const first = Array.isArray(data) ? record(data[0]) : {};
      return typeof first['status'] === 'string' ? first['status'] : null;
    },
    async createBatch(batch, signal) {
      const body = {
        sequence_builder: batch.sequence,
        jobs: [{ runs: batch.runs, ...(batch.variables === undefined ? {} : { variables: batch.variables }) }],
        open: false,
        device_type: settings.device,
        project_id: settings.project_id,
        webhook: null,
        ...(batch.tags === undefined || batch.tags.length === 0 ? {} : { tags: [...batch.tags] }),
      };
      const data = record(dataOf(await call(core, { method: 'POST', path: `${CORE}/v1/batches`, json: body, signal })));
      const jobs = Array.isArray(data['jobs']) ? data['jobs'].map((j) => record(j)['id']).filter((id): id is string => typeof id === 'string') : [];
      if (typeof data['id'] !== 'string' || jobs.length === 0) throw badReply(alias, 'POST /core-fast/api/v1/batches');
      return { id: data['id'], jobIds: jobs };
    },
    async batchStatus(id, signal) {
      const status = record(dataOf(await call(core, { method: 'GET', path: path('/v1/batches/{id}/status', id), signal })))['status'];
      if (typeof status !== 'string') throw badReply(alias, `GET /v1/batches/${id}/status`);
      return status;
    },
    async job(id, signal) {
      const data = record(dataOf(await call(core, { method: 'GET', path: path('/v2/jobs/{id}', id), signal })));
      const errors = Array.isArray(data['errors']) ? data['errors'].filter((e): e is string => typeof e === 'string') : [];
      return { id, status: typeof data['status'] === 'string' ? data['status'] : 'UNKNOWN', errors };
    },
    async jobCounter(id, signal) {
      const link = record(dataOf(await call(core, { method: 'GET', path: path('/v1/jobs/{id}/results_link', id), signal })))['results_link'];
      if (typeof link !== 'string' || link === '') throw badReply(alias, `GET /v1/jobs/${id}/results_link`);
      let url: URL;
      try {
        url = new URL(link);
      } catch {
        throw badReply(alias, `GET /v1/jobs/${id}/results_link`);
      }
      const query = Object.fromEntries(url.searchParams);
      const body = record(await storeFor(url.origin).request<unknown>({ method: 'GET', path: url.pathname, query, responseType: 'json', signal }).then((r) => r.body));
      const counter = record(body['counter']);
      if (body['counter'] === undefined) throw badReply(alias, `the results of job ${id}`);
      return counter as Record<string, number>;
    },
    async cancelBatch(id) {
      try {
        await call(cleanupClient(), { method: 'PATCH', path: path('/v2/batches/{id}/cancel', id), idempotent: true, timeoutMs: CLEANUP_TIMEOUT_MS });
      } catch (error) {
        if (!alreadyDone(error)) throw error;
      }
    },
    async openBatches(tag) {
      const data = dataOf(
        await call(cleanupClient(), {
          method: 'GET',
          path: `${CORE}/v1/batches`,
          query: { tag, status: ['PENDING', 'RUNNING', 'PAUSED'], project_id: settings.project_id, limit: 100 },
          timeoutMs: CLEANUP_TIMEOUT_MS,
        }),
      );
      return (Array.isArray(data) ? data : []).map((b) => record(b)).filter((b) => typeof b['id'] === 'string' && !isFinalBatch(String(b['status']))).map((b) => b['id'] as string);
    },
    async close() {
      await Promise.all([core.close(), authClient.close(), cleanup?.close(), ...[...stores.values()].map((s) => s.close())]);
    },
  };
}
