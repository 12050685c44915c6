import { QrunError, type ErrorCode } from '../errors.js';
import type { RetryReason } from './options.js';

/**
 * The one file that knows undici's and Node's error codes. Every failure below the HTTP status line
 * (DNS, TCP, TLS, timeouts, a reply cut short) becomes a project code here, with a hint saying what
 * to do; nothing else in the project looks at `UND_ERR_*`, `E*` or `CERT_*` codes.
 */

export interface FailureContext {
  readonly backend: string;
  readonly method: string;
  readonly origin: string;
  /** Request path without the query string. */
  readonly path: string;
  /** Proxy label (scheme://host:port, no credentials) when one is used. */
  readonly proxy?: string | undefined;
  /** Whether the response headers had arrived (the failure hit the body). */
  readonly phase: 'request' | 'body';
  /** Which attempt failed (1 for the first), reported in the error's details. */
  readonly attempt: number;
}

export interface TransportFailure {
  readonly error: QrunError;
  /** False when the request certainly never reached the server (sending it again cannot repeat it). */
  readonly reachedServer: boolean;
  /** Whether another attempt may help. */
  readonly transient: boolean;
  readonly reason: RetryReason;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TLS_CODES = new Set([
  'UND_ERR_PRX_TLS',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** Codes along the cause chain, outermost first (undici wraps; happy eyeballs aggregates). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const each of inner) codes.push(...codesOf(each));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function mapTransportError(cause: unknown, ctx: FailureContext): TransportFailure {
  const codes = codesOf(cause);
  const has = (set: ReadonlySet<string>): string | undefined => codes.find((code) => set.has(code));
  const where = `${ctx.method} ${ctx.origin}${ctx.path}`;
  const via = ctx.proxy === undefined ? '' : ` through the proxy ${ctx.proxy}`;
  const make = (code: ErrorCode, what: string, hint: string, extra: Record<string, unknown> = {}): QrunError =>
    new QrunError(code, `${ctx.backend}: ${what} (${where})`, {
      hint,
      cause,
      details: { backend: ctx.backend, method: ctx.method, origin: ctx.origin, path: ctx.path, attempts: ctx.attempt, errno: codes[0], ...(ctx.proxy === undefined ? {} : { proxy: ctx.proxy }), ...extra },
    });

  // undici reports a refused CONNECT only in its message: "Proxy response (407) !== 200 when HTTP Tunneling".
  const tunnel = /Proxy response \((\d{3})\)/.exec(messageOf(cause));
  if (tunnel !== null && ctx.proxy !== undefined) {
    const status = Number(tunnel[1]);
    return {
      error: make('UPSTREAM_UNREACHABLE', `the proxy ${ctx.proxy} refused to open a tunnel (HTTP ${status})`,
        status === 407
          ? 'The proxy wants credentials: give them in the proxy URL (https:// proxies only) or allow the compute nodes without them.'
          : `Ask the site's network admins whether the proxy lets compute nodes reach ${ctx.origin}.`,
        { proxy_status: status }),
      reachedServer: false,
      transient: status >= 500,
      reason: 'connection',
    };
  }

  const tls = codes.find(isTlsCode);
  if (tls !== undefined) {
    return {
      error: make('UPSTREAM_TLS_FAILED', `the TLS certificate${via === '' ? '' : ' (or the proxy\'s)'} could not be verified: ${tls}`,
        "Check the node's clock and CA store; if a site proxy inspects TLS, add its CA certificate to the backend's configuration. Verification is never turned off.",
        { tls: tls }),
      reachedServer: false,
      transient: false,
      reason: 'connection',
    };
  }

  if (codes.includes('UND_ERR_CONNECT_TIMEOUT') || (ctx.phase === 'request' && codes.includes('ETIMEDOUT'))) {
    return {
      error: make('UPSTREAM_TIMEOUT', `no connection${via} within the connect timeout`,
        `Check that this node can reach ${ctx.proxy ?? ctx.origin} (firewall, proxy setting in the catalogue).`, { phase: 'connect' }),
      reachedServer: false,
      transient: true,
      reason: 'timeout',
    };
  }
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT')) {
    return {
      error: make('UPSTREAM_TIMEOUT', 'no reply within the headers timeout', 'The backend is slow or overloaded; try again later or raise the timeout in its configuration.', { phase: 'headers' }),
      reachedServer: true,
      transient: true,
      reason: 'timeout',
    };
  }
  if (codes.includes('UND_ERR_BODY_TIMEOUT')) {
    return {
      error: make('UPSTREAM_TIMEOUT', 'the reply stalled within the body timeout', 'The backend stopped sending mid-reply; try again later.', { phase: 'body' }),
      reachedServer: true,
      transient: false,
      reason: 'timeout',
    };
  }

  const dns = has(DNS_CODES);
  if (dns !== undefined) {
    const host = ctx.proxy ?? new URL(ctx.origin).host;
    return {
      error: make('UPSTREAM_UNREACHABLE', `the name ${host} cannot be resolved (${dns})`,
        "Check the endpoint (or proxy) in the catalogue and this node's DNS; compute nodes often resolve outside names only through the site proxy.", { phase: 'dns' }),
      reachedServer: false,
      transient: dns === 'EAI_AGAIN',
      reason: 'connection',
    };
  }
  const unreachable = has(UNREACHABLE_CODES);
  if (unreachable !== undefined) {
    return {
      error: make('UPSTREAM_UNREACHABLE', ctx.proxy === undefined ? `the connection was refused or has no route (${unreachable})` : `the proxy ${ctx.proxy} cannot be reached (${unreachable})`,
        ctx.proxy === undefined
          ? "Check the endpoint in the catalogue and this node's network; if compute nodes reach the internet only through a proxy, configure it."
          : 'Check the proxy setting in the catalogue and that the proxy runs.',
        { phase: 'connect' }),
      reachedServer: false,
      transient: true,
      reason: 'connection',
    };
  }

  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) {
    return {
      error: make('UPSTREAM_BAD_RESPONSE', 'the reply is larger than the size limit', 'Ask for less at once (fewer shots or results per call), or raise the limit in the vendor module.', { phase: 'body' }),
      reachedServer: true,
      transient: false,
      reason: 'connection',
    };
  }
  if (codes.includes('UND_ERR_RES_CONTENT_LENGTH_MISMATCH') || (ctx.phase === 'body' && has(RESET_CODES) !== undefined)) {
    return {
      error: make('UPSTREAM_BAD_RESPONSE', 'the reply was cut short', 'The connection broke mid-reply; try again.', { phase: 'body' }),
      reachedServer: true,
      transient: true,
      reason: 'connection',
    };
  }
  if (codes.includes('UND_ERR_HEADERS_OVERFLOW') || codes.includes('HPE_INVALID_CONSTANT') || codes.some((code) => code.startsWith('HPE_'))) {
    return {
      error: make('UPSTREAM_BAD_RESPONSE', 'the reply is not valid HTTP', `Something between this node and ${ctx.origin} mangles traffic; check the proxy.`, { phase: ctx.phase }),
      reachedServer: true,
      transient: false,
      reason: 'connection',
    };
  }
  const reset = has(RESET_CODES);
  if (reset !== undefined) {
    return {
      error: make('UPSTREAM_UNREACHABLE', `the connection was closed before a reply (${reset})`, 'The backend or a proxy dropped the connection; try again later.', { phase: 'request' }),
      reachedServer: true,
      transient: true,
      reason: 'connection',
    };
  }
  const known = codes[0];
  if (known !== undefined && known.startsWith('UND_ERR_INVALID') ) {
    return {
      error: new QrunError('INTERNAL', `${ctx.backend}: the HTTP request is malformed: ${messageOf(cause)}`, {
        hint: 'This is a bug in slurm-qpu; please report it with the command you ran.',
        cause,
        details: { backend: ctx.backend, method: ctx.method, path: ctx.path, errno: known },
      }),
      reachedServer: false,
      transient: false,
      reason: 'connection',
    };
  }
  return {
    error: make('UPSTREAM_UNREACHABLE', `the call failed: ${messageOf(cause)}`, 'Check the network between this node and the backend, then try again.'),
    reachedServer: true,
    transient: false,
    reason: 'connection',
  };
}
