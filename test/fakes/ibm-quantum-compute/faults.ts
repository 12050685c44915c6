/**
 * Faults a test switches on for a route, for the next N calls or until cleared. A route is named the
 * way the request log names it (`GET /jobs/{id}`, `POST /identity/token`), or `*` for every route.
 */

export type Fault =
  /** Answer with this status and IBM's error body; 429 carries Retry-After (seconds, default 1). */
  | { readonly kind: 'status'; readonly status: 429 | 500 | 502 | 503 | 504; readonly retryAfterSeconds?: number }
  /** Accept the request and never answer (until the client gives up or the fake closes). */
  | { readonly kind: 'hang' }
  /** Answer 200 with the first half of the JSON body, then end the response. */
  | { readonly kind: 'truncate' }
  /** Destroy the connection without an answer (the client sees ECONNRESET / "connection reset"). */
  | { readonly kind: 'reset' }
  /** Wait this long, then answer normally. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** `POST /jobs` only: the job is accepted and later fails with this IBM reason. */
  | { readonly kind: 'job-failure'; readonly reason?: string; readonly reasonCode?: number };

export type FaultSpec = Fault | 'hang' | 'truncate' | 'reset' | 429 | 500 | 502 | 503 | 504;

interface Armed {
  readonly route: string;
  readonly fault: Fault;
  remaining: number;
}

export function normalizeFault(spec: FaultSpec): Fault {
  if (typeof spec === 'number') return { kind: 'status', status: spec };
  if (typeof spec === 'string') return { kind: spec };
  return spec;
}

export class Faults {
  private armed: Armed[] = [];

  /** Arms a fault for the next `times` calls of `route` (default: every call until `clear`). */
  add(route: string, spec: FaultSpec, times = Number.POSITIVE_INFINITY): void {
    if (!(times > 0)) throw new Error(`times must be positive, got ${times}`);
    this.armed.push({ route: route.trim(), fault: normalizeFault(spec), remaining: times });
  }

  clear(route?: string): void {
    this.armed = route === undefined ? [] : this.armed.filter((a) => a.route !== route);
  }

  /** The fault to apply to this call of `route`, if any, spending one of its calls. */
  take(route: string, accept: (fault: Fault) => boolean = () => true): Fault | undefined {
    const found = this.armed.find((a) => (a.route === route || a.route === '*') && accept(a.fault));
    if (found === undefined) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.armed = this.armed.filter((a) => a !== found);
    return found.fault;
  }
}
