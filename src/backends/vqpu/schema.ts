import { z } from 'zod';
import { entryBase } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

/**
 * A `vqpu` entry: the built-in simulator served from inside a Slurm job by `qrun vqpu serve`, used
 * by the same user's other jobs as if it were a QPU. Its endpoint is not here: each acquire reads
 * the registration the job's own user's serving job wrote in `registry`.
 */
export const vqpuEntrySchema = z
  .object({
    ...entryBase,
    type: z.literal('vqpu'),
    /**
     * Directory where serving jobs register (`<uid>.<alias>.json`, mode 0600, owned by the user):
     * root-owned, sticky when world-writable (like /tmp), on a filesystem every node of the
     * workflow sees.
     */
    registry: z.string().regex(/^\/\S*$/, { message: 'must be an absolute directory path' }),
    /** What clients are told before a vqpu is served; the registration's qubits win. */
    metadata: backendMetadataSchema.optional(),
  })
  .strict();

export type VqpuEntry = z.infer<typeof vqpuEntrySchema>;
