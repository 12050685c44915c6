import type { Dispatcher } from 'undici';
import type { QrunError } from '../errors.js';
import { deadlineError, type Deadline } from './deadline.js';
import { mapTransportError, type TransportFailure } from './map-error.js';

/** One request on the wire: a reply (any status) or a transport failure already in project codes. */
export type Attempt =
  | { readonly kind: 'reply'; readonly status: number; readonly headers: Record<string, string>; readonly bytes: Uint8Array }
  | { readonly kind: 'failure'; readonly failure: TransportFailure };

export interface AttemptInput {
  readonly dispatcher: Dispatcher;
  readonly backend: string;
  readonly method: string;
  readonly origin: string;
  /** Path without the query, for errors and logs. */
  readonly path: string;
  /** Path with the query, for the wire. */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
  readonly proxy: string | undefined;
  readonly attempt: number;
  readonly deadline: Deadline | undefined;
  /** The failure that led to this attempt, for a deadline error's cause. */
  readonly last: QrunError | undefined;
  /** The call's cancellation (caller or close()). */
  readonly signal: AbortSignal;
  readonly cancelled: () => QrunError;
}

/** Marks an abort caused by the deadline timer, as opposed to the caller or close(). */
const DEADLINE_REACHED = Symbol('deadline reached');
/** setTimeout's ceiling; a deadline further off needs no timer for this attempt. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/** Sends once and reads the whole reply; throws only for the deadline and for cancellation. */
export async function sendOnce(input: AttemptInput): Promise<Attempt> {
  const { signal, deadline } = input;
  if (signal.aborted) throw input.cancelled();
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const left = deadline === undefined ? undefined : deadline.at - Date.now();
  const timer = left === undefined || left > MAX_TIMER_MS ? undefined : setTimeout(() => controller.abort(DEADLINE_REACHED), Math.max(0, left));
  let phase: 'request' | 'body' = 'request';
  try {
    const reply = await input.dispatcher.request({
      origin: input.origin,
      path: input.target,
      method: input.method,
      headers: input.headers,
      ...(input.body === undefined ? {} : { body: input.body }),
      signal: controller.signal,
    });
    phase = 'body';
    const bytes = new Uint8Array(await reply.body.arrayBuffer());
    return { kind: 'reply', status: reply.statusCode, headers: flattenHeaders(reply.headers), bytes };
  } catch (error) {
    if (controller.signal.aborted) {
      if (controller.signal.reason === DEADLINE_REACHED && deadline !== undefined) {
        throw deadlineError(deadline, { backend: input.backend, method: input.method, origin: input.origin, path: input.path, attempts: input.attempt, last: input.last });
      }
      throw input.cancelled();
    }
    const failure = mapTransportError(error, {
      backend: input.backend,
      method: input.method,
      origin: input.origin,
      path: input.path,
      proxy: input.proxy,
      phase,
      attempt: input.attempt,
    });
    return { kind: 'failure', failure };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}
