/**
 * `qrun backends --catalogue [FILE]`: the site's view for admins — every backend of the catalogue with
 * its type, its Slurm capacity and, with `--check`, whether it can be used now (the backend's own
 * `accessible`: the vendor answers and accepts the credential, or why not). Checking reads the
 * credentials, so it needs root, as the hook does.
 */
import { checkBackend } from '../../admin/backend-check.js';
import { readDrains, type Drain } from '../../admin/drain.js';
import { capacityRequestLine, catalogueSchema, type BackendEntry } from '../../config/catalogue.js';
import { loadJsonConfig } from '../../config/load.js';
import { QrunError } from '../../errors.js';
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
  /** Set while `qrun admin drain` keeps new jobs away from it. */
  readonly drained: Drain | null;
}

export async function listSiteBackends(file: string, options: { check: boolean }, ctx: CliContext): Promise<SiteBackend[]> {
  if (options.check && ctx.uid !== 0) {
    throw new QrunError('NOT_ROOT', '--check reads the backends\' credentials, which only root may read', { hint: `Run it as root: sudo qrun backends --catalogue ${file} --check` });
  }
  const catalogue = await loadJsonConfig(catalogueSchema, file);
  const drains = await readDrains(file);
  const out: SiteBackend[] = [];
  for (const [name, entry] of Object.entries(catalogue.backends)) {
    const checked = options.check ? await checkBackend(name, entry, catalogue, ctx.env) : { reachable: null, reason: null };
    out.push({ name, type: entry.type, description: entry.description ?? null, capacity: entry.capacity, request: capacityRequestLine(entry.capacity), ...checked, drained: drains.backends[name] ?? null });
  }
  return out;
}

export function renderSiteBackends(backends: readonly SiteBackend[]): string {
  return `${backends
    .map((b) => {
      const count = b.capacity.gres !== undefined ? `GRES qpu:${b.capacity.gres}` : `license ${b.capacity.license ?? ''}`;
      const state = b.reachable === null ? '' : b.reachable ? ', reachable' : `, NOT usable: ${b.reason ?? 'unknown'}`;
      const drained = b.drained === null ? '' : `, DRAINED since ${b.drained.since}: ${b.drained.reason}`;
      return `${b.name} (${b.type}): ${b.capacity.lanes} lanes as ${count}${drained}${state}; request with ${b.request}`;
    })
    .join('\n')}\n`;
}
