import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { HttpTimeouts } from './options.js';

/**
 * The one place an undici dispatcher is built for upstream calls. Everything that makes a call safe
 * at the socket level is decided here and nowhere else:
 * - TLS is always verified (no option turns it off); extra CAs are added to the system's, not
 *   substituted for them, so a site CA cannot accidentally drop the public roots.
 * - Redirects are not followed: undici 7 dispatchers follow none unless a redirect interceptor is
 *   composed in, and none is. A 3xx reaches the client, which reports it.
 * - A proxy comes only from the caller (the catalogue or the plugstack line). undici's ProxyAgent
 *   and Agent never read HTTP_PROXY/https_proxy; only EnvHttpProxyAgent would, and it is not used.
 *   Requests are always tunnelled with CONNECT, even to http: targets, so nothing is forwarded in clear.
 * - Connections per origin are bounded and kept alive between calls.
 */

export interface DispatcherSettings {
  readonly timeouts: HttpTimeouts;
  readonly maxConnections: number;
  readonly maxResponseBytes: number;
  readonly proxy?: URL | undefined;
  readonly ca?: readonly string[] | undefined;
}

/** Idle keep-alive sockets are dropped after this long; vendors close theirs after about a minute. */
const KEEP_ALIVE_MS = 30_000;

export function buildDispatcher(settings: DispatcherSettings): Dispatcher {
  const tls = {
    timeout: settings.timeouts.connectMs,
    rejectUnauthorized: true,
    ...(settings.ca === undefined || settings.ca.length === 0 ? {} : { ca: [...rootCertificates, ...settings.ca] }),
  };
  const common = {
    connections: settings.maxConnections,
    headersTimeout: settings.timeouts.headersMs,
    bodyTimeout: settings.timeouts.bodyMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
    maxResponseSize: settings.maxResponseBytes,
  };
  if (settings.proxy === undefined) return new Agent({ ...common, connect: tls });
  return new ProxyAgent({
    ...common,
    uri: settings.proxy.href,
    proxyTunnel: true,
    proxyTls: tls,
    requestTls: tls,
  });
}
