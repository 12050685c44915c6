import type { RetryPolicy } from './options.js';

/**
 * When a call may be sent again, and after how long. Kept apart from the request loop so the rules
 * read in one screen.
 */

/** Methods that HTTP defines as idempotent; a POST is idempotent only when the caller says so. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isIdempotent(method: string, marked: boolean | undefined): boolean {
  return marked ?? IDEMPOTENT_METHODS.has(method);
}

/** Statuses worth another try: the server is overloaded or a gateway in front of it is. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * 429 means the request was refused before it was acted on (RFC 6585), so even a POST that creates
 * a job may be sent again; 502/503/504 leave open whether the server acted, so they are retried only
 * for idempotent calls.
 */
export function statusMayRetry(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && RETRYABLE_STATUSES.has(status);
}

/** "Full jitter": a uniform wait up to the capped exponential step, so clients spread out. */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(random() * step);
}

/**
 * Spread added on top of a wait the server or another client fixed, so that clients released at the
 * same instant do not all arrive in the same millisecond.
 */
export function spread(policy: RetryPolicy, random: () => number): number {
  return Math.round(random() * Math.min(policy.baseDelayMs, 1_000));
}

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
