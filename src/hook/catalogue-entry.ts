import type { BackendEntry, Catalogue } from '../config/catalogue.js';
import { httpsProxyFor } from '../config/proxy.js';

/**
 * The entry with the proxy its API calls take filled in (its own, else the catalogue's default), so
 * the backend's acquire and release and the job's gateway all use the same one.
 */
export function withSiteProxy(entry: BackendEntry, catalogue: Catalogue, alias: string): BackendEntry {
  if (entry.https_proxy !== undefined) return entry;
  const proxy = httpsProxyFor(catalogue, alias);
  return proxy === undefined ? entry : { ...entry, https_proxy: proxy };
}
