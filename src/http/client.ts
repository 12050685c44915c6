import { setTimeout as sleep } from 'node:timers/promises';
import { QrunError } from '../errors.js';
import { VERSION } from '../version.js';
import { sendOnce } from './attempt.js';
import { decodeBody, encodeBody, encodeQuery } from './body.js';
import { deadlineError, effectiveDeadline } from './deadline.js';
import { buildDispatcher } from './dispatcher.js';
import { checkBaseUrl, checkProxyUrl, proxyLabel } from './endpoint.js';
import {
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type HttpTimeouts,
  type RetryEvent,
  type RetryPolicy,
  type RetryReason,
} from './options.js';
import { backoffDelay, isIdempotent, parseRetryAfter, spread, statusMayRetry } from './retry-policy.js';
import { createMemoryBackoff } from './shared-backoff.js';
import { statusError } from './status-error.js';

function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const result = { ...defaults };
  for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) (result as Record<string, unknown>)[key] = value;
  return result;
}

function checkInteger(backend: string, name: string, value: number, min: number): void {
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

/** A per-call signal fed by several sources; `unlink` removes its listeners when the call ends. */
function linkSignals(sources: readonly (AbortSignal | undefined)[]): { signal: AbortSignal; unlink: () => void } {
  const controller = new AbortController();
  const undo: (() => void)[] = [];
  for (const source of sources) {
    if (source === undefined) continue;
    const forward = (): void => controller.abort(source.reason);
    if (source.aborted) forward();
    source.addEventListener('abort', forward, { once: true });
    undo.push(() => source.removeEventListener('abort', forward));
  }
  return { signal: controller.signal, unlink: () => undo.forEach((each) => each()) };
}

const RATE_LIMIT_HINT = 'The vendor limits how fast calls may come; try again later, or run fewer jobs on this backend at once.';

/**
 * An HTTP client for one vendor API (one backend, one origin); see docs/http.md. Throws at
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
  for (const [name, value] of Object.entries(timeouts) as [string, number][]) checkInteger(backend, `timeouts.${name}`, value, 1);
  checkInteger(backend, 'retry.maxAttempts', retry.maxAttempts, 1);
  checkInteger(backend, 'retry.baseDelayMs', retry.baseDelayMs, 0);
  checkInteger(backend, 'retry.maxDelayMs', retry.maxDelayMs, 0);
  checkInteger(backend, 'retry.maxRetryAfterMs', retry.maxRetryAfterMs, 0);
  checkInteger(backend, 'maxConnections', maxConnections, 1);
  checkInteger(backend, 'maxResponseBytes', maxResponseBytes, 1);

  const dispatcher = buildDispatcher({
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
  const random = Math.random;

  function cancelled(signal: AbortSignal): QrunError {
    if (closing.signal.aborted) {
      return new QrunError('TASK_CANCELLED', `${backend}: the HTTP client is closed (the gateway is stopping)`, {
        hint: 'The job or its gateway is ending; nothing more is sent to the backend.',
        details: { backend },
      });
    }
    const reason: unknown = signal.reason;
    if (reason instanceof QrunError) return reason;
    return new QrunError('TASK_CANCELLED', `${backend}: the call was cancelled`, { cause: reason, details: { backend } });
  }

  async function request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    if (closing.signal.aborted) throw cancelled(closing.signal);
    if (!req.path.startsWith('/') || req.path.startsWith('//')) {
      throw new QrunError('INTERNAL', `${backend}: request path ${JSON.stringify(req.path)} is not a path below the endpoint`, {
        hint: 'This is a bug in slurm-qpu; please report it with the command you ran.',
        details: { backend, path: req.path },
      });
    }
    const { signal, unlink } = linkSignals([req.signal, closing.signal]);
    try {
      return await run<T>(req, signal);
    } finally {
      unlink();
    }
  }

  async function run<T>(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse<T>> {
    const method = req.method;
    const path = `${base.prefix}${req.path}`;
    const target = `${path}${encodeQuery(req.query)}`;
    const payload = encodeBody(backend, req);
    const idempotent = isIdempotent(method, req.idempotent);
    const deadline = effectiveDeadline(options.deadline, req.timeoutMs, Date.now());
    const ctx = { backend, method, origin: base.origin, path };
    const accepted = (status: number): boolean => (req.expect === undefined ? status >= 200 && status < 300 : req.expect.includes(status));
    let last: QrunError | undefined;

    /** Sleeps before attempt `next`, unless waking would already be past the deadline. */
    const pause = async (delayMs: number, next: number, reason: RetryReason, status?: number): Promise<void> => {
      if (deadline !== undefined && Date.now() + delayMs >= deadline.at) {
        throw deadlineError(deadline, { ...ctx, attempts: next - 1, last, waitMs: delayMs });
      }
      const event: RetryEvent = { backend, method, path, attempt: next, delayMs, reason, ...(status === undefined ? {} : { status }), ...(last === undefined ? {} : { code: last.code }) };
      log?.warn({ method, path, attempt: next, delayMs, reason, status, code: last?.code }, 'upstream call waits before retrying');
      options.onRetry?.(event);
      req.onRetry?.(event);
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        throw cancelled(signal);
      }
    };

    for (let attempt = 1; ; attempt++) {
      // Another client on the node may have been told to hold back; wait with it.
      const until = await backoff.notBefore().catch(() => 0);
      const waitShared = until - Date.now();
      if (waitShared > retry.maxRetryAfterMs) {
        throw new QrunError('UPSTREAM_RATE_LIMITED', `${backend}: another client on this node was told to wait ${Math.ceil(waitShared / 1000)} s, longer than this client waits`, {
          hint: RATE_LIMIT_HINT,
          details: { ...ctx, attempts: attempt - 1, shared_wait_ms: waitShared, not_before: new Date(until).toISOString() },
        });
      }
      if (waitShared > 0) await pause(waitShared + spread(retry, random), attempt, 'shared-backoff');
      if (deadline !== undefined && Date.now() >= deadline.at) throw deadlineError(deadline, { ...ctx, attempts: attempt - 1, last });

      const extra = options.headers === undefined ? {} : await options.headers();
      const headers = {
        'user-agent': userAgent,
        accept: 'application/json',
        ...(payload.contentType === undefined ? {} : { 'content-type': payload.contentType }),
        ...lowerCaseKeys(extra),
        ...lowerCaseKeys(req.headers),
      };
      const outcome = await sendOnce({
        dispatcher, ...ctx, target, headers, body: payload.body, proxy, attempt, deadline, last, signal, cancelled: () => cancelled(signal),
      });

      if (outcome.kind === 'failure') {
        const { failure } = outcome;
        log?.debug({ method, path, attempt, code: failure.error.code }, 'upstream call failed');
        // A request that never reached the server cannot have taken effect, whatever its method.
        const mayRetry = failure.transient && (idempotent || !failure.reachedServer) && attempt < retry.maxAttempts;
        if (!mayRetry) throw failure.error;
        last = failure.error;
        await pause(backoffDelay(retry, attempt, random), attempt + 1, failure.reason);
        continue;
      }

      const { status, headers: replyHeaders, bytes } = outcome;
      log?.debug({ method, path, status, attempt }, 'upstream reply');
      if (accepted(status)) {
        const decoded = decodeBody(bytes, replyHeaders['content-type'], req.responseType ?? 'auto');
        if (!decoded.ok) {
          throw new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the reply to ${method} ${path} is not valid JSON (HTTP ${status}, ${bytes.byteLength} bytes)`, {
            hint: 'The backend sent a broken or truncated reply; try again, and report it to the vendor if it persists.',
            cause: decoded.cause,
            details: { ...ctx, status, attempts: attempt, body: decoded.text.slice(0, 200) },
          });
        }
        return { status, headers: replyHeaders, body: decoded.value as T, attempts: attempt };
      }

      const decoded = decodeBody(bytes, replyHeaders['content-type'], 'auto');
      const failure = { ...ctx, status, headers: replyHeaders, body: decoded.ok ? decoded.value : decoded.text, attempts: attempt };
      const retryAfterMs = parseRetryAfter(replyHeaders['retry-after'], Date.now());
      const computed = backoffDelay(retry, attempt, random);
      if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
        // Recorded before deciding to retry: the other clients must hold back either way.
        try {
          await backoff.defer(Date.now() + Math.min(retryAfterMs ?? computed, retry.maxRetryAfterMs));
        } catch (error) {
          log?.warn({ err: error, key: backoff.key }, 'shared backoff state could not be written');
        }
      }
      const tooLong = retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs;
      if (!statusMayRetry(status, idempotent) || attempt >= retry.maxAttempts || tooLong) {
        const error = statusError({ ...failure, ...(tooLong ? { retryAfterTooLongMs: retryAfterMs } : {}) });
        throw options.mapStatusError?.(error) ?? error;
      }
      last = statusError(failure);
      await pause(retryAfterMs === undefined ? computed : retryAfterMs + spread(retry, random), attempt + 1, status === 429 ? 'rate-limited' : 'unavailable', status);
    }
  }

  return {
    backend,
    baseUrl: base.href,
    request,
    async close(): Promise<void> {
      if (closing.signal.aborted) return;
      closing.abort();
      await dispatcher.close();
    },
  };
}
