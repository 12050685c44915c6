/**
 * The QB hardware HTTP API as Qristal's `qdk` backend speaks it: `PUT api/v1/reservations` (empty
 * body, the reservation token as bearer) to hold the device, `GET api/v1/native-gates` for its gate
 * set, `POST api/v1/circuits` → `{id}`, then `GET api/v1/circuits/{id}` until the shots are there
 * (425 Too Early means "not yet"). Release deletes the reservation and cancel deletes a circuit, as
 * the fake documents (test/fakes/qristal/README.md). Every call goes through the project's HTTP layer.
 * A 503 is the device's "reserved under another token" (Qristal's reading): final, so it is taken as
 * an answer rather than retried as an overload.
 */
import { isQrunError, QrunError } from '../../errors.js';
import { createHttpClient, createMemoryBackoff, createSharedBackoff, type HttpClient, type HttpTimeouts, type RetryPolicy } from '../../http/index.js';
import type { Logger } from '../../log/logger.js';
import { detailOf, mapQristalError, reservedError } from './errors.js';
import type { QristalSettings } from './schema.js';

const RESERVATIONS = '/api/v1/reservations';
const NATIVE_GATES = '/api/v1/native-gates';
const CIRCUITS = '/api/v1/circuits';
/** Longest a cleanup call (cancel, unreserve) may take: it runs at job end, when nothing else waits. */
const CLEANUP_TIMEOUT_MS = 15_000;

export interface QristalApiOptions {
  readonly alias: string;
  readonly settings: QristalSettings;
  /** The job's reservation token; undefined: the device is used unreserved (no Authorization header). */
  readonly token?: string | undefined;
  /** Epoch ms when the job's allocation ends: nothing but cleanup is sent past it. */
  readonly deadline?: number | undefined;
  readonly backoffDir?: string | undefined;
  readonly logger?: Logger | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly timeouts?: Partial<HttpTimeouts> | undefined;
}

/** The body of `POST api/v1/circuits`, in the fields Qristal sends. */
export interface CircuitRequest {
  readonly command: 'circuit';
  readonly settings: { readonly shots: number; readonly results: 'normal'; readonly shot_fulfilment_strategy: 'exact' };
  readonly init: readonly number[];
  readonly circuit: readonly string[];
  readonly measure: readonly (readonly [number, number])[];
}

type CircuitState =
  | { readonly state: 'pending' }
  /** One entry per shot, one bit per measurement index. */
  | { readonly state: 'done'; readonly shots: readonly (readonly number[])[] }
  | { readonly state: 'failed'; readonly reason: string; readonly status: number };

export interface QristalApi {
  readonly device: string;
  /** Holds the device for the token's reservation; 503 (held under another token) is QPU_RESERVED at once. */
  reserve(): Promise<void>;
  /** Gives the reservation back; one already gone is fine. Sent even past the deadline. */
  unreserve(): Promise<void>;
  nativeGates(signal?: AbortSignal): Promise<unknown>;
  submit(body: CircuitRequest, signal?: AbortSignal): Promise<string>;
  poll(id: string, signal?: AbortSignal): Promise<CircuitState>;
  /** Stops a circuit; one finished or unknown is fine. Sent even past the deadline. */
  cancel(id: string): Promise<void>;
  close(): Promise<void>;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function badReply(backend: string, what: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the device's reply to ${what} has an unexpected form`, {
    hint: "The device's API may differ from the one this version speaks; report it with the device model and its software version.",
    details: { backend },
  });
}

function isShot(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((bit) => bit === 0 || bit === 1);
}

function statusOf(error: unknown): number | undefined {
  if (!isQrunError(error)) return undefined;
  const status = error.details?.['status'];
  return typeof status === 'number' ? status : undefined;
}

export function createQristalApi(options: QristalApiOptions): QristalApi {
  const { alias, settings } = options;
  const device = settings.device ?? alias;
  const backoff = options.backoffDir === undefined ? createMemoryBackoff(alias) : createSharedBackoff(options.backoffDir, alias);
  const headers = options.token === undefined ? undefined : () => ({ authorization: `Bearer ${options.token ?? ''}` });
  const common = {
    backend: alias,
    baseUrl: settings.endpoint,
    proxy: settings.https_proxy ?? undefined,
    backoff,
    headers,
    logger: options.logger,
    retry: options.retry,
    timeouts: options.timeouts,
    mapStatusError: mapQristalError(device),
  };
  const client = createHttpClient({ ...common, deadline: options.deadline });
  let cleanup: HttpClient | null = null;
  const cleanupClient = (): HttpClient => (cleanup ??= createHttpClient(common));

  return {
    device,
    async reserve() {
      const reply = await client.request({ method: 'PUT', path: RESERVATIONS, body: '', headers: { 'content-type': 'application/json' }, expect: [200, 201, 204, 503] });
      if (reply.status === 503) throw reservedError(alias, device, 503, detailOf(reply.body));
    },
    async unreserve() {
      try {
        await cleanupClient().request({ method: 'DELETE', path: RESERVATIONS, timeoutMs: CLEANUP_TIMEOUT_MS, expect: [200, 204, 404] });
      } catch (error) {
        // The reservation ended already (its token expired with the allocation): nothing is held.
        if (statusOf(error) !== 401) throw error;
      }
    },
    async nativeGates(signal) {
      const reply = await client.request({ method: 'GET', path: NATIVE_GATES, signal, expect: [200, 503] });
      if (reply.status === 503) throw reservedError(alias, device, 503, detailOf(reply.body));
      return reply.body;
    },
    async submit(body, signal) {
      const reply = record((await client.request({ method: 'POST', path: CIRCUITS, json: body, signal })).body);
      const id = reply['id'];
      if (typeof id !== 'number' && typeof id !== 'string') throw badReply(alias, `POST ${CIRCUITS}`);
      return String(id);
    },
    async poll(id, signal) {
      const reply = await client.request({ method: 'GET', path: `${CIRCUITS}/${encodeURIComponent(id)}`, signal, expect: [200, 425, 500, 503] });
      if (reply.status === 503) throw reservedError(alias, device, 503, detailOf(reply.body));
      if (reply.status === 425) return { state: 'pending' };
      if (reply.status === 500) return { state: 'failed', reason: detailOf(reply.body) ?? 'the device reports a process failure and gives no detail', status: 500 };
      const data = record(reply.body)['data'];
      // Qristal reads a reply without data as "not ready yet".
      if (data === null || data === undefined) return { state: 'pending' };
      if (!Array.isArray(data) || !data.every(isShot)) throw badReply(alias, `GET ${CIRCUITS}/${id}`);
      return { state: 'done', shots: data };
    },
    async cancel(id) {
      await cleanupClient().request({ method: 'DELETE', path: `${CIRCUITS}/${encodeURIComponent(id)}`, timeoutMs: CLEANUP_TIMEOUT_MS, expect: [200, 204, 404, 409] });
    },
    async close() {
      await Promise.all([client.close(), cleanup?.close()]);
    },
  };
}
