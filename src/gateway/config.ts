/**
 * What a gateway process is told at start, over the pipe on fd 3 (never argv or env): its job, the
 * token, the granted backends with their metadata and resolved credentials, and its limits. The
 * launcher (src/gateway/launch.ts, in the root-side hook) writes it; main.ts parses it with this
 * schema.
 */
import { z } from 'zod';
import { backendMetadataSchema } from '../backends/metadata.js';
import { SecretValue } from '../secrets/value.js';

export const GATEWAY_CONFIG_VERSION = 1;

export const limitsSchema = z
  .object({
    /** Largest request body, bytes. */
    maxRequestBytes: z.number().int().positive().default(16 * 1024 * 1024),
    /** Tasks queued or running at once for this job; more are refused (429). */
    maxTasks: z.number().int().positive().default(32),
    /** Tasks that run at the same time. */
    concurrency: z.number().int().positive().default(1),
    /** Finished tasks kept for status/result before the oldest are forgotten. */
    keepFinished: z.number().int().positive().default(256),
  })
  .strict();

export type GatewayLimits = z.infer<typeof limitsSchema>;

export const DEFAULT_LIMITS: GatewayLimits = limitsSchema.parse({});

const backendWireSchema = z
  .object({
    name: z.string().min(1),
    type: z.string().min(1),
    description: z.string().optional(),
    metadata: backendMetadataSchema,
    /** True when the catalogue names a credential for it: the backend then refuses to run without one. */
    secretRequired: z.boolean().default(false),
    /** The resolved credential, present only on the pipe. */
    secret: z.string().optional(),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    version: z.literal(GATEWAY_CONFIG_VERSION),
    jobId: z.number().int().positive(),
    /** The job's uid: the only peer uid accepted. */
    uid: z.number().int().nonnegative(),
    token: z.string().min(32),
    /** Epoch seconds when the allocation ends; null: no end known. */
    deadline: z.number().int().positive().nullable(),
    socketPath: z.string().startsWith('/'),
    /** Also listen on 127.0.0.1 (a random port). */
    tcp: z.boolean().default(false),
    backends: z.array(backendWireSchema).min(1),
    limits: limitsSchema.default(DEFAULT_LIMITS),
    /** Usage is written here (atomically) after each task and at exit. */
    usageFile: z.string().startsWith('/'),
    /** For the job-gone check (`scontrol show job`). */
    slurmConf: z.string().nullable().default(null),
    /** Seconds between job-gone checks; 0 disables them. */
    jobCheckSeconds: z.number().int().nonnegative().default(30),
    logLevel: z.string().default('info'),
  })
  .strict();

export type GatewayConfigWire = z.input<typeof gatewayConfigSchema>;

export interface GatewayBackend {
  readonly name: string;
  readonly type: string;
  readonly description?: string | undefined;
  readonly metadata: z.infer<typeof backendMetadataSchema>;
  readonly secretRequired: boolean;
  readonly secret: SecretValue | undefined;
}

/** The parsed configuration; secrets are wrapped again as soon as they leave the pipe. */
export interface GatewayConfig extends Omit<z.infer<typeof gatewayConfigSchema>, 'backends'> {
  readonly backends: readonly GatewayBackend[];
}

export function parseGatewayConfig(data: unknown): GatewayConfig {
  const parsed = gatewayConfigSchema.parse(data);
  return {
    ...parsed,
    backends: parsed.backends.map(({ secret, ...rest }) => ({ ...rest, secret: secret === undefined ? undefined : new SecretValue(secret) })),
  };
}
