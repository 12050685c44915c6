/**
 * Faults a test switches on for a route (named as the request log names it, or `*`), for the next N
 * calls or until cleared.
 */

export type Fault =
  /** Answer with this status and a JSend error body; 429 carries Retry-After (seconds, default 1). */
  | { readonly kind: 'status'; readonly status: 429 | 500 | 502 | 503 | 504; readonly retryAfterSeconds?: number }
  /** Accept the request and never answer. */
  | { readonly kind: 'hang' }
  /** Destroy the connection without an answer. */
  | { readonly kind: 'reset' }
  /** `POST /core-fast/api/v1/batches` only: the batch is accepted, and its job ends in ERROR with these errors. */
  | { readonly kind: 'job-error'; readonly errors?: readonly string[] }
  /** `POST /core-fast/api/v1/batches` only: the batch is accepted and ends TIMED_OUT. */
  | { readonly kind: 'timeout' };

export type FaultSpec = Fault | 'hang' | 'reset' | 'job-error' | 'timeout' | 429 | 500 | 502 | 503 | 504;

interface Armed {
  readonly route: string;
  readonly fault: Fault;
  remaining: number;
}

function normalize(spec: FaultSpec): Fault {
  if (typeof spec === 'number') return { kind: 'status', status: spec };
  if (typeof spec === 'string') return { kind: spec };
  return spec;
}

export class Faults {
  readonly #armed: Armed[] = [];

  /** Arms `spec` for `route`, for the next `times` matching calls (Infinity: until cleared). */
  arm(route: string, spec: FaultSpec, times = 1): void {
    this.#armed.push({ route, fault: normalize(spec), remaining: times });
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** The first armed fault for `route` that `accept` takes, counted down. */
  take(route: string, accept: (fault: Fault) => boolean): Fault | undefined {
    for (const armed of this.#armed) {
      if ((armed.route !== route && armed.route !== '*') || armed.remaining <= 0 || !accept(armed.fault)) continue;
      armed.remaining -= 1;
      return armed.fault;
    }
    return undefined;
  }
}
