import { z } from 'zod';
import { backendMetadataSchema } from '../backends/metadata.js';
import { proxyUrlProblem } from '../http/endpoint.js';

/**
 * The QPU catalogue (`/etc/slurm/qpu.json`): every backend a site offers, by alias. This schema is
 * the single source of truth: the hook handler, `qrun admin check-config` and the docs follow it.
 * The dev cluster reads `backends.<alias>.type` and `backends.<alias>.capacity.{gres|license,lanes}`
 * to write its GRES and Licenses lines, so those names are a contract.
 *
 * The catalogue holds no secrets (only references to them) and may be world-readable: sbatch and
 * srun read it at submit time to reject unknown backend names.
 */

export const CATALOGUE_VERSION = 1;

/** Backend aliases, GRES types and license names: what Slurm and the shim accept (spank/args.c). */
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
const NAME_RULE = '1-63 characters: letters, digits, _ - . (not starting with - or .)';

const nameSchema = z.string().regex(NAME_PATTERN, { message: `must be ${NAME_RULE}` });

/** Backend types with an adapter. Vendor types join this list as their adapters land. */
export const BACKEND_TYPES = ['sim'] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

/**
 * Where Slurm counts this backend: a GRES type on the nodes that reach it (`Gres=qpu:<gres>:<lanes>`,
 * jobs ask `--gres=qpu:<gres>:1`), or a cluster-wide license (`Licenses=<license>:<lanes>`, jobs ask
 * `-L <license>:1`). Exactly one of `gres` and `license`.
 */
export const capacitySchema = z
  .object({
    /** GRES type under the `qpu` GRES name; the job must hold `qpu:<gres>`. */
    gres: nameSchema.optional(),
    /** Slurm license name; the job must hold this license. */
    license: nameSchema.optional(),
    /** Jobs that may use the backend at once (the count Slurm hands out), 1-1024. */
    lanes: z.number().int().min(1).max(1024),
  })
  .strict()
  .superRefine((capacity, ctx) => {
    const kinds = (capacity.gres === undefined ? 0 : 1) + (capacity.license === undefined ? 0 : 1);
    if (kinds !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of "gres" (a GRES type: Gres=qpu:<type>:<lanes>) or "license" (Licenses=<name>:<lanes>)',
      });
    }
  });

export type Capacity = z.infer<typeof capacitySchema>;

/**
 * A reference to a credential, never the credential itself: `file:/abs/path` (root-only file),
 * `env:NAME` (the handler's environment), `exec:/abs/helper` (prints the secret), or
 * `keyring:service/account` (a workstation's keyring).
 */
export const secretRefSchema = z
  .string()
  .regex(/^(file:\/\S+|env:[A-Za-z_][A-Za-z0-9_]*|exec:\/\S+|keyring:[^/\s]+\/\S+)$/, {
    message: 'must be file:/absolute/path, env:NAME, exec:/absolute/helper or keyring:service/account',
  });

/**
 * An https_proxy-style URL (`http://host:port` or `https://host:port`) through which the gateway
 * reaches a vendor API. Taken only from here, never from anyone's environment. Credentials in it need
 * an https:// proxy (an http:// one would get them in clear); traffic itself is tunnelled with CONNECT,
 * so TLS to the vendor stays end to end either way.
 */
export const proxyUrlSchema = z.string().superRefine((value, ctx) => {
  const problem = proxyUrlProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `the proxy ${problem.message}: ${problem.hint}` });
});

export const backendSchema = z
  .object({
    /** Free text for admins; ignored by the code. */
    $comment: z.string().optional(),
    /** Which adapter talks to it. */
    type: z.enum(BACKEND_TYPES),
    capacity: capacitySchema,
    /** What the device offers (qubits, basis gates, coupling map, limits). */
    metadata: backendMetadataSchema,
    /** Credential reference (vendor backends; a `sim` backend given one requires it, as a vendor would). */
    secret: secretRefSchema.optional(),
    /** One line shown to users (e.g. by `qrun backends`). */
    description: z.string().max(500).optional(),
    /** Proxy for this backend's API, overriding `defaults.https_proxy`; null means connect directly. */
    https_proxy: proxyUrlSchema.nullable().optional(),
  })
  .strict()
  .superRefine(
    (backend, ctx) => {
      // Runs even when other fields failed (so every problem is listed): read defensively.
      const qubits = backend.metadata?.num_qubits;
      const map: unknown = backend.metadata?.coupling_map;
      if (typeof qubits === 'number' && Array.isArray(map)) {
        map.forEach((pair: unknown, index) => {
          if (!Array.isArray(pair)) return;
          pair.forEach((qubit: unknown, end) => {
            if (typeof qubit === 'number' && qubit >= qubits) {
              ctx.addIssue({
                code: 'custom',
                path: ['metadata', 'coupling_map', index, end],
                message: `qubit ${qubit} does not exist (num_qubits is ${qubits})`,
              });
            }
          });
        });
      }
    },
    { when: () => true },
  );

export type BackendEntry = z.infer<typeof backendSchema>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const defaultsSchema = z
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
      const backends: unknown = catalogue.backends;
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

/** The proxy a backend's API calls go through, or undefined for a direct connection. */
export function httpsProxyFor(catalogue: Catalogue, alias: string): string | undefined {
  const own = catalogue.backends[alias]?.https_proxy;
  if (own === null) return undefined;
  return own ?? catalogue.defaults?.https_proxy;
}

/** How a job requests a backend's capacity, as a job-script line. */
export function capacityRequestLine(capacity: Capacity): string {
  return capacity.gres !== undefined ? `#SBATCH --gres=qpu:${capacity.gres}:1` : `#SBATCH -L ${capacity.license ?? ''}:1`;
}
