import { isIP } from 'node:net';
import { QrunError } from '../errors.js';

/**
 * The rule for where the client may send anything: https anywhere, plain http only to this machine
 * (tests, a local forwarding proxy). A vendor credential on an http: hop through the network would be
 * readable by anyone on the path, so this is refused at construction, before any request exists.
 */

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host.toLowerCase() === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

function parseUrl(what: string, backend: string, value: string): URL {
  try {
    return new URL(value);
  } catch (error) {
    throw new QrunError('CONFIG_INVALID', `${backend}: the ${what} ${JSON.stringify(value)} is not a URL`, {
      hint: 'Give a full URL such as https://host.example:443.',
      cause: error,
      details: { backend, [what]: value },
    });
  }
}

export interface BaseUrl {
  readonly origin: string;
  /** Path prefix without a trailing slash ('' for none); request paths are appended to it. */
  readonly prefix: string;
  readonly href: string;
}

/** Validates a backend's base URL. */
export function checkBaseUrl(backend: string, value: string): BaseUrl {
  const url = parseUrl('endpoint', backend, value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new QrunError('CONFIG_INVALID', `${backend}: the endpoint ${url.origin} is not an http(s) URL`, {
      hint: 'Give an https:// URL.',
      details: { backend, endpoint: value },
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new QrunError('ENDPOINT_INSECURE', `${backend}: the endpoint URL carries credentials`, {
      hint: 'Put credentials in the backend\'s secret reference, never in its URL.',
      details: { backend, endpoint: `${url.protocol}//${url.host}` },
    });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new QrunError('ENDPOINT_INSECURE', `${backend}: the endpoint ${url.origin} uses plain http to a host that is not this machine`, {
      hint: `Use https://${url.host}${url.pathname === '/' ? '' : url.pathname}; plain http is allowed only for loopback (127.0.0.1, ::1, localhost).`,
      details: { backend, endpoint: url.origin },
    });
  }
  if (url.search !== '' || url.hash !== '') {
    throw new QrunError('CONFIG_INVALID', `${backend}: the endpoint ${url.origin} has a query or fragment`, {
      hint: 'Give only scheme, host, port and an optional path prefix.',
      details: { backend, endpoint: url.origin },
    });
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, ''), href: `${url.origin}${url.pathname}` };
}

/**
 * What is wrong with a proxy URL, or undefined. An http:// proxy is fine anywhere: requests are always
 * tunnelled with CONNECT, so TLS to the vendor stays end to end and the proxy sees only the host name.
 * What would travel in clear is the proxy's own password, so credentials are accepted only over
 * https:// or to a loopback proxy. Shared with the catalogue schema so `qrun admin check-config`
 * applies the same rule.
 */
export function proxyUrlProblem(value: string): { insecure: boolean; message: string; hint: string } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { insecure: false, message: 'is not a URL', hint: 'Give the proxy as http://host:port or https://host:port (an https_proxy-style setting).' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { insecure: false, message: `is not an http(s) proxy URL (${url.protocol})`, hint: 'Give the proxy as http://host:port or https://host:port (an https_proxy-style setting).' };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return { insecure: false, message: 'has a path, query or fragment', hint: 'Give only scheme, host and port, e.g. http://proxy.example:3128.' };
  }
  if (url.protocol === 'http:' && (url.username !== '' || url.password !== '') && !isLoopbackHost(url.hostname)) {
    return { insecure: true, message: 'would receive its password over plain http', hint: `Use https://${url.host} for a proxy that needs credentials, or a proxy that does not.` };
  }
  return undefined;
}

/** Validates a proxy URL (see proxyUrlProblem). */
export function checkProxyUrl(backend: string, value: string): URL {
  const problem = proxyUrlProblem(value);
  if (problem !== undefined) {
    let shown = '(unparsable URL)';
    try {
      const url = new URL(value);
      shown = `${url.protocol}//${url.host}`;
    } catch {
      // the message says it is not a URL; never echo a string that may hold a password
    }
    throw new QrunError(problem.insecure ? 'ENDPOINT_INSECURE' : 'CONFIG_INVALID', `${backend}: the proxy ${shown} ${problem.message}`, {
      hint: problem.hint,
      details: { backend, proxy: shown },
    });
  }
  return new URL(value);
}

/** `scheme://host:port` of a proxy URL, without credentials: what logs and errors may show. */
export function proxyLabel(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
