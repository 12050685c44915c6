import { z } from 'zod';
import { NAME_PATTERN, NAME_RULE, proxyUrlSchema, unknownTypeEntrySchema, type Capacity } from '../backends/entry.js';
import { BACKEND_TYPES, backendFor, type BackendEntry } from '../backends/registry.js';

export {    type Capacity } from '../backends/entry.js';
export {  type BackendEntry,  } from '../backends/registry.js';

/**
 * The QPU catalogue (`/etc/slurm/qpu.json`): every backend a site offers, by alias. This schema is
 * the single source of truth: the hook handler, `qrun admin check-config` and the docs follow it.
 * The dev cluster reads `backends.<alias>.type` and `backends.<alias>.capacity.{gres|license,lanes}`
 * to write its GRES and Licenses lines, so those names are a contract.
 *
 * The catalogue holds no secrets (only references to them) and may be world-readable: sbatch and
 * srun read it at submit time to reject unknown backend names.
 */

const CATALOGUE_VERSION = 1;

/**
 * One backend entry: its `type` picks the schema of that backend (src/backends/<type>/schema.ts). An
 * unknown type is reported with the shared fields still checked, so every problem is listed at once.
 */
const backendSchema = z.unknown().transform((value, ctx): BackendEntry => {
  const type = (value as { type?: unknown } | null)?.type;
  const backend = typeof type === 'string' ? backendFor(type) : undefined;
  if (backend === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message: `${typeof type === 'string' ? `unknown backend type ${JSON.stringify(type)}` : 'a backend type is required'}; this version knows: ${BACKEND_TYPES.join(', ')}`,
    });
  }
  const parsed = (backend?.entrySchema ?? unknownTypeEntrySchema).safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (backend === undefined && issue.path[0] === 'type') continue;
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  }
  return parsed.success && backend !== undefined ? (parsed.data as BackendEntry) : z.NEVER;
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const defaultsSchema = z
  .object({
    /** Shots per PUB when a Sampler payload gives none. */
    shots: z.number().int().min(1).max(10_000_000).optional(),
    /** Level of the hook handler's log (`<state_dir>/hook.log`). Default info. */
    log_level: z.enum(LOG_LEVELS).optional(),
    /** Proxy for every vendor API on this site (compute nodes often reach the internet only through one). */
    https_proxy: proxyUrlSchema.optional(),
  })
  .strict();

export const catalogueSchema = z
  .object({
    $comment: z.string().optional(),
    /** Format version of this file; only 1 exists. */
    version: z.literal(CATALOGUE_VERSION),
    /** Backends by alias: the name users give to --q_backend (same rule as a GRES type). */
    backends: z.record(z.string(), backendSchema),
    defaults: defaultsSchema.optional(),
    /**
     * Site plugin modules with extra mitigation steps, loaded by name at start: an absolute path, a
     * path relative to this file, or an installed package name (docs/plugins.md).
     */
    plugins: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine(
    (catalogue, ctx) => {
      // Runs even when other fields failed (so every problem is listed): read defensively.
      // `when` runs this on any input, even one that is not an object at all (a file holding `null`).
      const backends: unknown = (catalogue as { backends?: unknown } | null | undefined)?.backends;
      if (typeof backends !== 'object' || backends === null) return;
      // Alias rules are checked here, not as record keys, so a bad alias does not hide its entry's errors.
      const seen = new Map<string, { alias: string; lanes: number }>();
      for (const [alias, backend] of Object.entries(backends as Record<string, unknown>)) {
        if (!NAME_PATTERN.test(alias)) {
          ctx.addIssue({ code: 'custom', path: ['backends', alias], message: `backend alias "${alias}" must be ${NAME_RULE}` });
        }
        // One GRES type or license is one Slurm count: every backend sharing it must agree on lanes.
        const capacity = (backend as { capacity?: { gres?: unknown; license?: unknown; lanes?: unknown } } | null)?.capacity;
        if (typeof capacity?.lanes !== 'number') continue;
        const key =
          typeof capacity.gres === 'string' ? `gres qpu:${capacity.gres}` : typeof capacity.license === 'string' ? `license ${capacity.license}` : undefined;
        if (key === undefined) continue;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, { alias, lanes: capacity.lanes });
        } else if (first.lanes !== capacity.lanes) {
          ctx.addIssue({
            code: 'custom',
            path: ['backends', alias, 'capacity', 'lanes'],
            message: `${key} has ${first.lanes} lanes in backend "${first.alias}" but ${capacity.lanes} here; they count the same Slurm resource`,
          });
        }
      }
    },
    { when: () => true },
  );

export type Catalogue = z.infer<typeof catalogueSchema>;

/** How a job requests a backend's capacity, as a job-script line. */
export function capacityRequestLine(capacity: Capacity): string {
  return capacity.gres !== undefined ? `#SBATCH --gres=qpu:${capacity.gres}:1` : `#SBATCH -L ${capacity.license ?? ''}:1`;
}
