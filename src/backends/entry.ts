/**
 * The parts of a catalogue entry every backend type shares: how Slurm counts it, the credential
 * reference and the free-text fields. Each backend's own schema (src/backends/<type>/schema.ts)
 * extends `entryBase` with its fields; src/config/catalogue.ts composes them by `type`.
 */
import { z } from 'zod';
import { proxyUrlProblem } from '../http/endpoint.js';
import { backendMetadataSchema } from './metadata.js';

/** Backend aliases, GRES types and license names: what Slurm and the shim accept (spank/args.c). */
export const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
export const NAME_RULE = '1-63 characters: letters, digits, _ - . (not starting with - or .)';

const nameSchema = z.string().regex(NAME_PATTERN, { message: `must be ${NAME_RULE}` });

/**
 * Where Slurm counts this backend: a GRES type on the nodes that reach it (`Gres=qpu:<gres>:<lanes>`,
 * jobs ask `--gres=qpu:<gres>:1`), or a cluster-wide license (`Licenses=<license>:<lanes>`, jobs ask
 * `-L <license>:1`). Exactly one of `gres` and `license`.
 */
const capacitySchema = z
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
 * reaches a vendor API. Taken only from the catalogue, never from anyone's environment. Credentials in
 * it need an https:// proxy (an http:// one would get them in clear); traffic itself is tunnelled with
 * CONNECT, so TLS to the vendor stays end to end either way.
 */
export const proxyUrlSchema = z.string().superRefine((value, ctx) => {
  const problem = proxyUrlProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `the proxy ${problem.message}: ${problem.hint}` });
});

/** Fields of every entry; a backend's schema adds `type: z.literal(...)`, `metadata` and its own. */
export const entryBase = {
  /** Free text for admins; ignored by the code. */
  $comment: z.string().optional(),
  capacity: capacitySchema,
  /** Credential reference. */
  secret: secretRefSchema.optional(),
  /** One line shown to users (e.g. by `qrun backends`). */
  description: z.string().max(500).optional(),
  /** Proxy for this backend's API, overriding `defaults.https_proxy`; null means connect directly. */
  https_proxy: proxyUrlSchema.nullable().optional(),
};

/** Every coupling-map qubit exists on the device: runs even when other fields failed, so reads defensively. */
export function checkCouplingMap(entry: { metadata?: unknown }, ctx: z.RefinementCtx): void {
  const metadata = entry.metadata as { num_qubits?: unknown; coupling_map?: unknown } | undefined;
  const qubits = metadata?.num_qubits;
  const map = metadata?.coupling_map;
  if (typeof qubits !== 'number' || !Array.isArray(map)) return;
  map.forEach((pair: unknown, index) => {
    if (!Array.isArray(pair)) return;
    pair.forEach((qubit: unknown, end) => {
      if (typeof qubit === 'number' && qubit >= qubits) {
        ctx.addIssue({ code: 'custom', path: ['metadata', 'coupling_map', index, end], message: `qubit ${qubit} does not exist (num_qubits is ${qubits})` });
      }
    });
  });
}

/**
 * What is checked of an entry whose type no backend knows: the shared fields, so that every problem
 * of a broken entry is listed at once, not only its type.
 */
export const unknownTypeEntrySchema = z.object({ ...entryBase, type: z.string(), metadata: backendMetadataSchema.optional() }).loose();
