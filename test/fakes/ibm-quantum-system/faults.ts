/**
 * Faults a test switches on per route for the next N calls. Routes are the patterns of routes.ts
 * (`POST /v1/jobs`, `GET /v1/jobs/:id`, ...), `S3 GET` / `S3 PUT` for the storage, `*` for any API
 * route, and `execution` for what happens to the next jobs that run.
 */
export type Fault =
  /** 429 with Retry-After (seconds) and the API's error body. */
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  /** An HTTP error status (5xx by default) with the API's error body. */
  | { readonly kind: 'status'; readonly status?: number }
  /** Never answers; the socket stays open until the client gives up or the fake closes. */
  | { readonly kind: 'hang' }
  /** 200 with the real body cut in half (Content-Length matches what is sent). */
  | { readonly kind: 'truncated-json' }
  /** Destroys the connection without an answer (the client sees ECONNRESET / EOF). */
  | { readonly kind: 'reset' }
  /** Answers normally after ms. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** POST /v1/jobs: the lane-limit error (1232) whatever the lanes say. */
  | { readonly kind: 'lane-limit' }
  /** POST /v1/jobs: the backend-reserved error (1233) whatever the backend says. */
  | { readonly kind: 'reserved' }
  /** `execution`: the job ends Failed with this reason instead of running. */
  | { readonly kind: 'job-failed'; readonly reasonCode?: number; readonly reasonMessage?: string; readonly reasonSolution?: string };

export type FaultKind = Fault['kind'];

interface Armed {
  readonly fault: Fault;
  remaining: number;
}

export class Faults {
  readonly #armed = new Map<string, Armed[]>();

  /** Arms `fault` on `route` for the next `times` calls (Infinity: until clear()). */
  add(route: string, fault: Fault, times = 1): void {
    if (!(times > 0)) throw new Error(`times must be positive, got ${times}`);
    const list = this.#armed.get(route) ?? [];
    list.push({ fault, remaining: times });
    this.#armed.set(route, list);
  }

  /** The fault for this call, if any, counting it down; the exact route wins over `*`. */
  take(route: string): Fault | undefined {
    for (const key of route === 'execution' || route.startsWith('S3 ') ? [route] : [route, '*']) {
      const list = this.#armed.get(key);
      const head = list?.[0];
      if (list === undefined || head === undefined) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) list.shift();
      return head.fault;
    }
    return undefined;
  }

  clear(route?: string): void {
    if (route === undefined) this.#armed.clear();
    else this.#armed.delete(route);
  }
}
