/**
 * `qrun backends --catalogue [FILE]`: the site's view for admins — every backend of the catalogue with
 * its type, its Slurm capacity and, with `--check`, whether it can be used now (the backend's own
 * `accessible`: the vendor answers and accepts the credential, or why not). Checking reads the
 * credentials, so it needs root, as the hook does.
 */
import { backendFor } from '../../backends/registry.js';
import { capacityRequestLine, catalogueSchema, type BackendEntry } from '../../config/catalogue.js';
import { loadJsonConfig } from '../../config/load.js';
import { QrunError } from '../../errors.js';
import { backendSecret } from '../../secrets/for-backend.js';
import type { CliContext } from '../context.js';

export const DEFAULT_CATALOGUE = '/etc/slurm/qpu.json';

interface SiteBackend {
  readonly name: string;
  readonly type: string;
  readonly description: string | null;
  readonly capacity: BackendEntry['capacity'];
  /** The job-script line that requests it. */
  readonly request: string;
  /** null: not checked (no --check). */
  readonly reachable: boolean | null;
  readonly reason: string | null;
}

async function check(alias: string, entry: BackendEntry, ctx: CliContext): Promise<{ reachable: boolean; reason: string | null }> {
  const backend = backendFor(entry.type);
  if (backend === undefined) return { reachable: false, reason: `type ${entry.type} is not supported by this version` };
  try {
    const secret = entry.secret === undefined ? undefined : await backendSecret(alias, entry.secret, ctx.env);
    const answer = await backend.accessible({ jobId: 0, alias, entry, deadline: null, secret });
    return { reachable: answer.ok, reason: answer.reason ?? null };
  } catch (error) {
    if (error instanceof QrunError) return { reachable: false, reason: `${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` };
    throw error;
  }
}

export async function listSiteBackends(file: string, options: { check: boolean }, ctx: CliContext): Promise<SiteBackend[]> {
  if (options.check && ctx.uid !== 0) {
    throw new QrunError('NOT_ROOT', '--check reads the backends\' credentials, which only root may read', { hint: `Run it as root: sudo qrun backends --catalogue ${file} --check` });
  }
  const catalogue = await loadJsonConfig(catalogueSchema, file);
  const out: SiteBackend[] = [];
  for (const [name, entry] of Object.entries(catalogue.backends)) {
    const checked = options.check ? await check(name, entry, ctx) : { reachable: null, reason: null };
    out.push({ name, type: entry.type, description: entry.description ?? null, capacity: entry.capacity, request: capacityRequestLine(entry.capacity), ...checked });
  }
  return out;
}

export function renderSiteBackends(backends: readonly SiteBackend[]): string {
  return `${backends
    .map((b) => {
      const count = b.capacity.gres !== undefined ? `GRES qpu:${b.capacity.gres}` : `license ${b.capacity.license ?? ''}`;
      const state = b.reachable === null ? '' : b.reachable ? ', reachable' : `, NOT usable: ${b.reason ?? 'unknown'}`;
      return `${b.name} (${b.type}): ${b.capacity.lanes} lanes as ${count}${state}; request with ${b.request}`;
    })
    .join('\n')}\n`;
}
