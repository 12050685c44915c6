import { QrunError } from '../errors.js';

/** The earliest of the job's end and the call's own deadline: nothing is sent or slept past it. */
export interface Deadline {
  /** Epoch ms. */
  readonly at: number;
  readonly kind: 'job' | 'call';
}

export function effectiveDeadline(jobDeadline: number | undefined, timeoutMs: number | undefined, now: number): Deadline | undefined {
  const call = timeoutMs === undefined ? undefined : now + timeoutMs;
  if (jobDeadline === undefined && call === undefined) return undefined;
  if (call === undefined || (jobDeadline !== undefined && jobDeadline <= call)) return { at: jobDeadline as number, kind: 'job' };
  return { at: call, kind: 'call' };
}

export interface DeadlineContext {
  readonly backend: string;
  readonly method: string;
  readonly origin: string;
  readonly path: string;
  readonly attempts: number;
  /** The failure that made the client want to retry, when it did. */
  readonly last?: QrunError | undefined;
  /** The wait that would have crossed the deadline, ms. */
  readonly waitMs?: number | undefined;
}

export function deadlineError(deadline: Deadline, ctx: DeadlineContext): QrunError {
  const at = new Date(deadline.at).toISOString();
  const which = deadline.kind === 'job' ? `the job's allocation ends at ${at}` : `the call's deadline is ${at}`;
  const why =
    ctx.waitMs !== undefined
      ? `it would have to wait ${Math.ceil(ctx.waitMs / 1000)} s to retry${ctx.last === undefined ? '' : ` after ${ctx.last.code}`}, but ${which}`
      : `${which}, before the call could finish`;
  return new QrunError('UPSTREAM_DEADLINE', `${ctx.backend}: ${why} (${ctx.method} ${ctx.origin}${ctx.path})`, {
    hint:
      deadline.kind === 'job'
        ? 'The job ran out of time for this call; ask for a longer --time or resubmit when the backend is less busy.'
        : 'The backend is slow or rate limiting; try again later, or give the call more time.',
    ...(ctx.last === undefined ? {} : { cause: ctx.last }),
    details: {
      backend: ctx.backend,
      method: ctx.method,
      path: ctx.path,
      deadline: at,
      bound: deadline.kind,
      attempts: ctx.attempts,
      ...(ctx.last === undefined ? {} : { last_code: ctx.last.code }),
      ...(ctx.waitMs === undefined ? {} : { retry_in_ms: ctx.waitMs }),
    },
  });
}
