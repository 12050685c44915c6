import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { QrunError } from '../errors.js';
import { VERSION } from '../version.js';
import { decodeBody, encodeBody, encodeQuery } from './body.js';
import { deadlineError, effectiveDeadline, type Deadline } from './deadline.js';
import { buildDispatcher } from './dispatcher.js';
import { checkBaseUrl, checkProxyUrl, proxyLabel } from './endpoint.js';
import { mapTransportError, type TransportFailure } from './map-error.js';
import {
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type RetryEvent,
  type RetryPolicy,
  type RetryReason,
  type HttpTimeouts,
} from './options.js';
import { backoffDelay, isIdempotent, parseRetryAfter, spread, statusMayRetry } from './retry-policy.js';
import { createMemoryBackoff } from './shared-backoff.js';
import { statusError, type HttpStatusError } from './status-error.js';

/** Marks an abort caused by the deadline timer, as opposed to the caller or close(). */
const DEADLINE_REACHED = Symbol('deadline reached');
/** setTimeout's ceiling; a later deadline simply gets no timer until it is closer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const result = { ...defaults };
  for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) (result as Record<string, unknown>)[key] = value;
  return result;
}

function checkPositive(backend: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new QrunError('CONFIG_INVALID', `${backend}: HTTP setting ${name} must be an integer ≥ ${min}, not ${value}`, {
      hint: 'Fix the value in the backend configuration.',
      details: { backend, setting: name, value },
    });
  }
}

function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

type Attempt =
  | { kind: 'reply'; status: number; headers: Record<string, string>; bytes: Uint8Array }
  | { kind: 'failure'; failure: TransportFailure };

/**
 * An HTTP client for one vendor API (one backend, one origin). See docs/http.md. Throws at
 * construction when the endpoint or proxy is insecure or malformed.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const backend = options.backend;
  const base = checkBaseUrl(backend, options.baseUrl);
  const proxyUrl = options.proxy === undefined || options.proxy === '' ? undefined : checkProxyUrl(backend, options.proxy);
  const proxy = proxyUrl === undefined ? undefined : proxyLabel(proxyUrl);
  const timeouts: HttpTimeouts = withDefaults(DEFAULT_TIMEOUTS, options.timeouts);
  const retry: RetryPolicy = withDefaults(DEFAULT_RETRY, options.retry);
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  for (const [name, value] of Object.entries(timeouts)) checkPositive(backend, `timeouts.${name}`, value);
  checkPositive(backend, 'retry.maxAttempts', retry.maxAttempts);
  checkPositive(backend, 'retry.baseDelayMs', retry.baseDelayMs, 0);
  checkPositive(backend, 'retry.maxDelayMs', retry.maxDelayMs, 0);
  checkPositive(backend, 'retry.maxRetryAfterMs', retry.maxRetryAfterMs, 0);
  checkPositive(backend, 'maxConnections', maxConnections);
  checkPositive(backend, 'maxResponseBytes', maxResponseBytes);

  const dispatcher: Dispatcher = buildDispatcher({
    timeouts,
    maxConnections,
    maxResponseBytes,
    proxy: proxyUrl,
    ca: options.ca === undefined ? undefined : typeof options.ca === 'string' ? [options.ca] : options.ca,
  });
  const backoff = options.backoff ?? createMemoryBackoff(backend);
  const userAgent = options.userAgent ?? `slurm-qpu/${VERSION}`;
  const log = options.logger?.child({ backend });
  const closing = new AbortController();
  let closed = false;
  const random = Math.random;

  function closedError(): QrunError {
    return new QrunError('TASK_CANCELLED', `${backend}: the HTTP client is closed (the gateway is stopping)`, {
      hint: 'The job or its gateway is ending; nothing more is sent to the backend.',
      details: { backend },
    });
  }

  function abortError(signal: AbortSignal): QrunError {
    if (closing.signal.aborted) return closedError();
    const reason: unknown = signal.reason;
    if (reason instanceof QrunError) return reason;
    return new QrunError('TASK_CANCELLED', `${backend}: the call was cancelled`, { cause: reason, details: { backend } });
  }

  async function request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    if (closed) throw closedError();
    if (!req.path.startsWith('/') || req.path.startsWith('//')) {
      throw new QrunError('INTERNAL', `${backend}: request path ${JSON.stringify(req.path)} is not a path below the endpoint`, {
        hint: 'This is a bug in slurm-qpu; please report it with the command you ran.',
        details: { backend, path: req.path },
      });
    }
    const method = req.method;
    const path = `${base.prefix}${req.path}`;
    const target = `${path}${encodeQuery(req.query)}`;
    const payload = encodeBody(backend, req);
    const idempotent = isIdempotent(method, req.idempotent);
    const deadline = effectiveDeadline(options.deadline, req.timeoutMs, Date.now());
    const signal = req.signal === undefined ? closing.signal : AbortSignal.any([req.signal, closing.signal]);
    const ctx = { backend, method, origin: base.origin, path };
    const accepted = (status: number): boolean => (req.expect === undefined ? status >= 200 && status < 300 : req.expect.includes(status));

    const notify = (event: RetryEvent): void => {
      log?.warn({ method, path, attempt: event.attempt, delayMs: event.delayMs, reason: event.reason, status: event.status, code: event.code }, 'upstream call waits before retrying');
      options.onRetry?.(event);
      req.onRetry?.(event);
    };

    /** Sleeps before attempt `next`, unless waking would already be past the deadline. */
    const pause = async (delayMs: number, next: number, reason: RetryReason, last: QrunError | undefined, status?: number): Promise<void> => {
      if (deadline !== undefined && Date.now() + delayMs >= deadline.at) {
        throw deadlineError(deadline, { ...ctx, attempts: next - 1, last, waitMs: delayMs });
      }
      notify({ backend, method, path, attempt: next, delayMs, reason, ...(status === undefined ? {} : { status }), ...(last === undefined ? {} : { code: last.code }) });
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        throw abortError(signal);
      }
    };

    const share = async (untilMs: number): Promise<void> => {
      try {
        await backoff.defer(untilMs);
      } catch (error) {
        log?.warn({ err: error, key: backoff.key }, 'shared backoff state could not be written');
      }
    };

    const finalStatusError = (error: HttpStatusError): QrunError => options.mapStatusError?.(error) ?? error;

    let last: QrunError | undefined;
    for (let attempt = 1; ; attempt++) {
      const until = await backoff.notBefore().catch(() => 0);
      const waitShared = until - Date.now();
      if (waitShared > 0) await pause(waitShared + spread(retry, random), attempt, 'shared-backoff', last);
      if (deadline !== undefined && Date.now() >= deadline.at) throw deadlineError(deadline, { ...ctx, attempts: attempt - 1, last });

      const outcome = await attemptOnce(attempt, deadline);
      if (outcome.kind === 'failure') {
        const { failure } = outcome;
        const mayRetry = failure.transient && (idempotent || !failure.reachedServer) && attempt < retry.maxAttempts;
        if (!mayRetry) throw failure.error;
        last = failure.error;
        await pause(backoffDelay(retry, attempt, random), attempt + 1, failure.reason, last);
        continue;
      }

      const { status, headers, bytes } = outcome;
      log?.debug({ method, path, status, attempt }, 'upstream reply');
      if (accepted(status)) {
        const decoded = decodeBody(bytes, headers['content-type'], req.responseType ?? 'auto');
        if (!decoded.ok) {
          throw new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the reply to ${method} ${path} is not valid JSON (HTTP ${status}, ${bytes.byteLength} bytes)`, {
            hint: 'The backend sent a broken or truncated reply; try again, and report it to the vendor if it persists.',
            cause: decoded.cause,
            details: { ...ctx, status, attempts: attempt, body: decoded.text.slice(0, 200) },
          });
        }
        return { status, headers, body: decoded.value as T, attempts: attempt };
      }

      const decoded = decodeBody(bytes, headers['content-type'], 'auto');
      const body = decoded.ok ? decoded.value : decoded.text;
      const retryAfterMs = parseRetryAfter(headers['retry-after'], Date.now());
      const computed = backoffDelay(retry, attempt, random);
      if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
        await share(Date.now() + Math.min(retryAfterMs ?? computed, retry.maxRetryAfterMs));
      }
      const failure = { backend, method, path, status, headers, body, attempts: attempt };
      if (!statusMayRetry(status, idempotent) || attempt >= retry.maxAttempts) throw finalStatusError(statusError(failure));
      if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) {
        throw finalStatusError(statusError({ ...failure, retryAfterTooLongMs: retryAfterMs }));
      }
      last = statusError(failure);
      const delay = retryAfterMs === undefined ? computed : retryAfterMs + spread(retry, random);
      await pause(delay, attempt + 1, status === 429 ? 'rate-limited' : 'unavailable', last, status);
    }

    async function attemptOnce(attempt: number, bound: Deadline | undefined): Promise<Attempt> {
      if (signal.aborted) throw abortError(signal);
      const extra = options.headers === undefined ? {} : await options.headers();
      const headers: Record<string, string> = {
        'user-agent': userAgent,
        accept: 'application/json',
        ...(payload.contentType === undefined ? {} : { 'content-type': payload.contentType }),
        ...lowerCaseKeys(extra),
        ...lowerCaseKeys(req.headers),
      };
      const controller = new AbortController();
      const forward = (): void => controller.abort(signal.reason);
      signal.addEventListener('abort', forward, { once: true });
      const left = bound === undefined ? undefined : bound.at - Date.now();
      const timer = left === undefined || left > MAX_TIMER_MS ? undefined : setTimeout(() => controller.abort(DEADLINE_REACHED), Math.max(0, left));
      let phase: 'request' | 'body' = 'request';
      const started = Date.now();
      try {
        const reply = await dispatcher.request({
          origin: base.origin,
          path: target,
          method,
          headers,
          ...(payload.body === undefined ? {} : { body: payload.body }),
          signal: controller.signal,
        });
        phase = 'body';
        const bytes = new Uint8Array(await reply.body.arrayBuffer());
        return { kind: 'reply', status: reply.statusCode, headers: flattenHeaders(reply.headers), bytes };
      } catch (error) {
        if (controller.signal.aborted) {
          if (controller.signal.reason === DEADLINE_REACHED && bound !== undefined) throw deadlineError(bound, { ...ctx, attempts: attempt, last });
          throw abortError(signal);
        }
        const failure = mapTransportError(error, { ...ctx, proxy, phase, attempt });
        log?.debug({ method, path, attempt, code: failure.error.code, ms: Date.now() - started }, 'upstream call failed');
        return { kind: 'failure', failure };
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        signal.removeEventListener('abort', forward);
      }
    }
  }

  return {
    backend,
    baseUrl: base.href,
    request,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      closing.abort();
      await dispatcher.close();
    },
  };
}
