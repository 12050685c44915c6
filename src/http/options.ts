import type { Logger } from '../log/logger.js';
import type { SharedBackoff } from './shared-backoff.js';
import type { HttpStatusError } from './status-error.js';
import type { QrunError } from '../errors.js';

/** Socket-level timeouts, each in milliseconds. */
export interface HttpTimeouts {
  /** TCP connect plus TLS handshake (to the proxy too, when one is set). Default 10 s. */
  readonly connectMs: number;
  /** From sending the request to the last response header. Default 60 s. */
  readonly headersMs: number;
  /** Longest silence between two chunks of the response body. Default 60 s. */
  readonly bodyMs: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first included; 1 disables retries. Default 5. */
  readonly maxAttempts: number;
  /** First backoff step, ms; step n waits a random time up to base·2^(n-1) ("full jitter"). Default 500. */
  readonly baseDelayMs: number;
  /** Cap of one computed backoff step, ms. Default 30 s. */
  readonly maxDelayMs: number;
  /**
   * Longest Retry-After the client honours by sleeping, ms. A vendor asking for more fails the call
   * at once (with the wait in the error) rather than hang a job silently. Default 5 min.
   */
  readonly maxRetryAfterMs: number;
}

/** Why the client is about to wait before (re)sending a request. */
export type RetryReason =
  | 'rate-limited' // 429
  | 'unavailable' // 502, 503, 504
  | 'connection' // refused, reset, DNS hiccup, truncated reply
  | 'timeout' // connect or headers timeout
  | 'shared-backoff'; // another client on this node was told to wait

export interface RetryEvent {
  readonly backend: string;
  readonly method: string;
  /** The request path, without its query string (which may carry tokens). */
  readonly path: string;
  /** The attempt that will be made after the wait (2 for the first retry). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: RetryReason;
  /** The HTTP status that caused the wait, when there was one. */
  readonly status?: number;
  /** The project code of the transport failure that caused the wait, when there was one. */
  readonly code?: string;
}

export type HeaderSource = () => Promise<Record<string, string>> | Record<string, string>;

export interface HttpClientOptions {
  /** Backend name: named in every error and log line, and the default shared-backoff key. */
  readonly backend: string;
  /** https://host[:port][/prefix]; http: only for loopback hosts. Request paths are appended to it. */
  readonly baseUrl: string;
  /**
   * An https_proxy-style URL (http://host:port or https://host:port) from the catalogue or the
   * plugstack line; every request is tunnelled through it with CONNECT, so TLS stays end to end.
   * Never taken from the process environment.
   */
  readonly proxy?: string | undefined;
  /** Extra CA certificates (PEM) trusted besides the system's, e.g. a site proxy that inspects TLS. */
  readonly ca?: string | readonly string[] | undefined;
  readonly timeouts?: Partial<HttpTimeouts> | undefined;
  /** Connections kept open to the backend's origin (keep-alive). Default 8. */
  readonly maxConnections?: number | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** Epoch ms when the job's allocation ends (QRUN_DEADLINE · 1000): nothing is sent or retried past it. */
  readonly deadline?: number | undefined;
  /** Where "do not call before" is shared between clients of one backend; default: this client only. */
  readonly backoff?: SharedBackoff | undefined;
  /** Headers added to every attempt, resolved again for each (so a refreshed token is picked up). */
  readonly headers?: HeaderSource | undefined;
  /**
   * Turns a non-accepted status into the vendor's own error (IBM's `{errors:[{code,message}]}`, …);
   * return undefined to keep the HttpStatusError. Transport failures never reach it.
   */
  readonly mapStatusError?: ((error: HttpStatusError) => QrunError | undefined) | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
  readonly logger?: Logger | undefined;
  /** Default `slurm-qpu/<version>`. */
  readonly userAgent?: string | undefined;
  /** Largest response body accepted, bytes. Default 256 MiB. */
  readonly maxResponseBytes?: number | undefined;
}

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number | boolean)[];

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, starting with `/`. Absolute URLs are refused: credentials never leave the origin. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>> | undefined;
  /** Sent as application/json. At most one of json, form and body. */
  readonly json?: unknown;
  /** Sent as application/x-www-form-urlencoded (token endpoints). */
  readonly form?: URLSearchParams | Readonly<Record<string, string>> | undefined;
  /** Sent as is; give its content-type in `headers`. */
  readonly body?: string | Uint8Array | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Statuses that count as success. Default: every 2xx. */
  readonly expect?: readonly number[] | undefined;
  /**
   * Whether sending it twice is harmless. Default: true for GET, HEAD, PUT, DELETE. Mark a POST
   * idempotent only when the server dedupes it (a client-chosen id, an idempotency key).
   */
  readonly idempotent?: boolean | undefined;
  /** This call's own deadline, retries included, ms from now. The job's deadline still applies. */
  readonly timeoutMs?: number | undefined;
  /** How to read the body: by content-type (default), always JSON, or always text. */
  readonly responseType?: 'auto' | 'json' | 'text' | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

export interface HttpResponse<T = unknown> {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, text, or null for an empty body. Unchecked: validate it (zod) before use. */
  readonly body: T;
  /** Attempts it took, 1 when the first one succeeded. */
  readonly attempts: number;
}

export interface HttpClient {
  readonly backend: string;
  readonly baseUrl: string;
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
  /** Refuses new calls, cancels every call (waiting to retry or on the wire: TASK_CANCELLED), closes sockets. */
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 60_000, bodyMs: 60_000 };
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 };
export const DEFAULT_MAX_CONNECTIONS = 8;
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
