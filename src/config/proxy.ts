import type { Catalogue } from './catalogue.js';

/*
 * Apart from the catalogue's schema, so that the hook, which reads an already validated catalogue
 * on every job start, does not load the schema library for it.
 */

/** The proxy a backend's API calls go through, or undefined for a direct connection. */
export function httpsProxyFor(catalogue: Catalogue, alias: string): string | undefined {
  const own = catalogue.backends[alias]?.https_proxy;
  if (own === null) return undefined;
  return own ?? catalogue.defaults?.https_proxy;
}
