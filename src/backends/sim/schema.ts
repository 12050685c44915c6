import { z } from 'zod';
import { checkCouplingMap, entryBase } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

/**
 * A `sim` entry: the built-in simulator as a site backend, with the device it pretends to be. Its
 * metadata is required (nothing can be read from a vendor); a `secret` makes it require one, as a
 * vendor would (the dev cluster uses that to exercise the credential path).
 */
export const simEntrySchema = z
  .object({
    ...entryBase,
    type: z.literal('sim'),
    /** What the device offers (qubits, basis gates, coupling map, limits). */
    metadata: backendMetadataSchema,
  })
  .strict()
  .superRefine(checkCouplingMap, { when: () => true });

export type SimEntry = z.infer<typeof simEntrySchema>;
