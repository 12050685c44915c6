import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, parseRetryAfter } from '../../../src/http/index.js';
import { backoffDelay, isIdempotent, statusMayRetry } from '../../../src/http/retry-policy.js';

describe('retry policy', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');

  it.each<[string | undefined, number | undefined]>([
    ['2', 2000],
    [' 0 ', 0],
    ['1.5', 1500],
    ['Thu, 03 Dec 2026 12:00:30 GMT', 30_000],
    ['Thu, 03 Dec 2026 11:00:00 GMT', 0],
    ['-1', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads Retry-After %j as %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('keeps full-jitter waits within the capped exponential step', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(policy, 1, () => 0.999)).toBeLessThanOrEqual(100);
    expect(backoffDelay(policy, 3, () => 0.999)).toBeLessThanOrEqual(400);
    expect(backoffDelay(policy, 10, () => 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(policy, 10, () => 0)).toBe(0);
  });

  it('retries a POST only on 429, or when marked idempotent', () => {
    expect(isIdempotent('GET', undefined)).toBe(true);
    expect(isIdempotent('POST', undefined)).toBe(false);
    expect(isIdempotent('POST', true)).toBe(true);
    expect(statusMayRetry(429, false)).toBe(true);
    expect(statusMayRetry(503, false)).toBe(false);
    expect(statusMayRetry(503, true)).toBe(true);
    expect(statusMayRetry(500, true)).toBe(false);
  });
});
