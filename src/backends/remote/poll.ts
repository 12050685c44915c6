/**
 * How often a vendor task's status is asked: soon after submission (small tasks finish in seconds),
 * then less and less often, so a task queued for hours costs a few hundred calls, not thousands.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollPolicy {
  /** First wait after submission, ms. */
  readonly initialMs: number;
  /** Longest wait between two status calls, ms. */
  readonly maxMs: number;
  /** Each wait is the previous one times this. */
  readonly factor: number;
}

export const DEFAULT_POLL: PollPolicy = { initialMs: 500, maxMs: 10_000, factor: 2 };

export function pollDelay(policy: PollPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
}

/** Waits, or rejects as soon as the signal aborts (the caller turns that into a cancel). */
export async function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal });
}
