/**
 * The one HTTP layer for vendor QPU APIs, used inside the job gateway by the vendor backends. It
 * owns transport (timeouts, deadlines, retries, shared backoff, proxy, TLS) and maps only
 * transport failures to project codes; a vendor's error bodies are the vendor module's to map.
 * Guide: docs/http.md.
 */
export { createHttpClient } from './client.js';
export {
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type HttpTimeouts,
  type RetryPolicy,
  type RetryEvent,
  type RetryReason,
  type HeaderSource,
  type QueryValue,
  DEFAULT_TIMEOUTS,
  DEFAULT_RETRY,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './options.js';
export { HttpStatusError, isHttpStatusError } from './status-error.js';
export { createSharedBackoff, createMemoryBackoff, backoffFile, type SharedBackoff } from './shared-backoff.js';
export { isLoopbackHost } from './endpoint.js';
export { parseRetryAfter } from './retry-policy.js';
