/**
 * Can a backend be used now? Its own `accessible` (the vendor answers and accepts the credential),
 * called as the hook would call it: with the resolved secret and the proxy the catalogue gives it
 * (its own, else the site's default). Needs root, since it reads the credential.
 */
import { backendFor } from '../backends/registry.js';
import type { BackendEntry, Catalogue } from '../config/catalogue.js';
import { httpsProxyFor } from '../config/proxy.js';
import { QrunError } from '../errors.js';
import { backendSecret } from '../secrets/for-backend.js';

export interface BackendCheck {
  readonly reachable: boolean;
  readonly reason: string | null;
}

export async function checkBackend(
  alias: string,
  entry: BackendEntry,
  catalogue: Catalogue,
  env: Readonly<Record<string, string | undefined>>,
): Promise<BackendCheck> {
  const backend = backendFor(entry.type);
  if (backend === undefined) return { reachable: false, reason: `type ${entry.type} is not supported by this version` };
  const proxy = entry.https_proxy === undefined ? httpsProxyFor(catalogue, alias) : undefined;
  const withProxy = proxy === undefined ? entry : { ...entry, https_proxy: proxy };
  try {
    const secret = entry.secret === undefined ? undefined : await backendSecret(alias, entry.secret, env);
    const answer = await backend.accessible({ jobId: 0, alias, entry: withProxy, deadline: null, secret });
    return { reachable: answer.ok, reason: answer.reason ?? null };
  } catch (error) {
    if (error instanceof QrunError) return { reachable: false, reason: `${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` };
    throw error;
  }
}
