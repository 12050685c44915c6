/**
 * Faults a test switches on for a route (named as the request log names it, `POST /circuits`, or `*`),
 * for the next N calls or until cleared.
 */

export type Fault =
  /** Answer with this status and a `{detail}` body; 429 and 503 may carry Retry-After (seconds). */
  | { readonly kind: 'status'; readonly status: 429 | 500 | 502 | 503 | 504; readonly retryAfterSeconds?: number }
  /** Accept the request and never answer. */
  | { readonly kind: 'hang' }
  /** Destroy the connection without an answer. */
  | { readonly kind: 'reset' }
  /** `POST /circuits`: the circuit runs and returns only `keep` shots. */
  | { readonly kind: 'short-shots'; readonly keep: number }
  /** `POST /circuits`: the circuit is accepted and later fails with this detail (GET answers 500). */
  | { readonly kind: 'circuit-failure'; readonly detail?: string };

export type FaultSpec = Fault | 'hang' | 'reset' | 429 | 500 | 502 | 503 | 504;

interface Armed {
  readonly route: string;
  readonly fault: Fault;
  remaining: number;
}

const EXECUTION: ReadonlySet<Fault['kind']> = new Set(['short-shots', 'circuit-failure']);

export function isExecutionFault(fault: Fault): boolean {
  return EXECUTION.has(fault.kind);
}

export class Faults {
  private armed: Armed[] = [];

  add(route: string, spec: FaultSpec, times = Number.POSITIVE_INFINITY): void {
    const fault: Fault = typeof spec === 'number' ? { kind: 'status', status: spec } : typeof spec === 'string' ? { kind: spec } : spec;
    this.armed.push({ route: route.trim(), fault, remaining: times });
  }

  clear(route?: string): void {
    this.armed = route === undefined ? [] : this.armed.filter((a) => a.route !== route);
  }

  /** The fault for this call of `route` among those `accept` takes, spending one of its calls. */
  take(route: string, accept: (fault: Fault) => boolean): Fault | undefined {
    const found = this.armed.find((a) => (a.route === route || a.route === '*') && accept(a.fault));
    if (found === undefined) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.armed = this.armed.filter((a) => a !== found);
    return found.fault;
  }
}
