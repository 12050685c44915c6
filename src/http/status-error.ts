import { QrunError, type ErrorCode } from '../errors.js';

/**
 * A reply whose status the caller did not accept. The layer knows what a status means for transport
 * (429: rate limited, 502-504: unavailable, 3xx: a redirect it will not follow) and nothing about the
 * vendor: the vendor's error body is kept as `body` for the vendor module to map (`mapStatusError`,
 * or a catch) to its own code.
 */
export class HttpStatusError extends QrunError {
  readonly backend: string;
  readonly method: string;
  /** Request path, without its query string. */
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The vendor's reply: parsed JSON, text, or null. */
  readonly body: unknown;
  readonly attempts: number;

  constructor(fields: {
    code: ErrorCode;
    message: string;
    hint: string;
    backend: string;
    method: string;
    path: string;
    status: number;
    headers: Readonly<Record<string, string>>;
    body: unknown;
    attempts: number;
    extra?: Record<string, unknown>;
  }) {
    super(fields.code, fields.message, {
      hint: fields.hint,
      details: {
        backend: fields.backend,
        method: fields.method,
        path: fields.path,
        status: fields.status,
        attempts: fields.attempts,
        body: clipForDetails(fields.body),
        ...fields.extra,
      },
    });
    this.name = 'HttpStatusError';
    this.backend = fields.backend;
    this.method = fields.method;
    this.path = fields.path;
    this.status = fields.status;
    this.headers = fields.headers;
    this.body = fields.body;
    this.attempts = fields.attempts;
  }
}

/** Error details travel to users and logs: a vendor's HTML error page is cut short there. */
const DETAIL_TEXT_LIMIT = 2_000;

function clipForDetails(body: unknown): unknown {
  if (typeof body === 'string' && body.length > DETAIL_TEXT_LIMIT) return `${body.slice(0, DETAIL_TEXT_LIMIT)}…`;
  return body;
}

export function isHttpStatusError(value: unknown): value is HttpStatusError {
  return value instanceof HttpStatusError;
}

export interface StatusFailure {
  readonly backend: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly attempts: number;
  /** A Retry-After longer than the client waits, ms. */
  readonly retryAfterTooLongMs?: number | undefined;
}

/** The transport meaning of a status the caller did not accept. */
export function statusError(failure: StatusFailure): HttpStatusError {
  const { backend, status, attempts } = failure;
  const after = attempts === 1 ? '' : ` after ${attempts} attempts`;
  const tooLong = failure.retryAfterTooLongMs;
  const base = { ...failure, extra: tooLong === undefined ? {} : { retry_after_ms: tooLong } };
  if (status >= 300 && status < 400) {
    const location = failure.headers['location'];
    return new HttpStatusError({
      ...base,
      code: 'UPSTREAM_BAD_RESPONSE',
      message: `${backend}: HTTP ${status} redirect${location === undefined ? '' : ` to ${location}`} from ${failure.method} ${failure.path}; redirects are not followed`,
      hint: "The backend's endpoint in the catalogue is probably out of date; update it (redirects are never followed, so credentials stay with the configured host).",
      extra: { ...base.extra, ...(location === undefined ? {} : { location }) },
    });
  }
  if (status === 429) {
    return new HttpStatusError({
      ...base,
      code: 'UPSTREAM_RATE_LIMITED',
      message:
        tooLong === undefined
          ? `${backend}: rate limited (HTTP 429)${after}`
          : `${backend}: rate limited (HTTP 429); it asks to wait ${Math.ceil(tooLong / 1000)} s, longer than this client waits`,
      hint: 'The vendor limits how fast calls may come; try again later, or run fewer jobs on this backend at once.',
    });
  }
  if (status === 502 || status === 503 || status === 504) {
    return new HttpStatusError({
      ...base,
      code: 'UPSTREAM_UNAVAILABLE',
      message:
        tooLong === undefined
          ? `${backend}: the API is unavailable (HTTP ${status})${after}`
          : `${backend}: the API is unavailable (HTTP ${status}) and asks to wait ${Math.ceil(tooLong / 1000)} s, longer than this client waits`,
      hint: "The vendor reports an outage or maintenance; check the vendor's status page and try again later.",
    });
  }
  return new HttpStatusError({
    ...base,
    code: 'UPSTREAM_STATUS',
    message: `${backend}: HTTP ${status} from ${failure.method} ${failure.path}`,
    hint: "The backend refused the call; its reason is in details.body.",
  });
}
