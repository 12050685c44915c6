import { z } from 'zod';
import { QrunError } from '../../errors.js';
import { checkBaseUrl } from '../../http/endpoint.js';
import { checkCouplingMap, entryBase, NAME_PATTERN, NAME_RULE, secretRefSchema } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

/** The catalogue's `type` for a Quantum Brilliance QPU or a site's Qristal vQPU (the QB hardware HTTP API). */
export const QRISTAL_TYPE = 'qristal';

/**
 * The hardware models Qristal knows, each with its native two-qubit gate: `QB-QDK2-CZ` runs Rx, Ry
 * and CZ, `QB-QDK2-ACZ` Rx, Ry and ACZ (a CZ conditioned on the control being 0).
 */
export const QRISTAL_MODELS = ['QB-QDK2-CZ', 'QB-QDK2-ACZ'] as const;
export type QristalModel = (typeof QRISTAL_MODELS)[number];

/** Most top-up circuits one circuit may need when the device returns fewer shots than asked. */
const MAX_SHOT_TOPUPS = 10;

const baseUrlSchema = z.string().superRefine((value, ctx) => {
  try {
    checkBaseUrl('catalogue', value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof QrunError ? `${error.message.replace(/^catalogue: /, '')}: ${error.hint ?? ''}`.trim() : String(error) });
  }
});

/**
 * A `qristal` entry: a QB device (or a vQPU that speaks its API) at `endpoint`. With a `secret` (the
 * device's reservation shared secret) each job reserves the device exclusively for its allocation
 * and only that job's circuits run; without one the device is used unreserved (a site's open vQPU).
 */
export const qristalEntrySchema = z
  .object({
    ...entryBase,
    type: z.literal(QRISTAL_TYPE),
    /** The device's base URL (the API's paths api/v1/... are appended), e.g. https://qb-qdk.site:8443. */
    endpoint: baseUrlSchema,
    /** The device's name in messages; default: the catalogue alias. */
    device: z.string().regex(NAME_PATTERN, { message: `must be ${NAME_RULE}` }).optional(),
    /** Qristal's hardware model, which fixes the native gate set. Default QB-QDK2-CZ (Rx, Ry, CZ). */
    model: z.enum(QRISTAL_MODELS).default('QB-QDK2-CZ'),
    /** Reference to the reservation shared secret (HS256 key of the device's reservation tokens); absent: no reservation. */
    secret: secretRefSchema.optional(),
    /** Extra circuits sent for the missing shots when the device returns fewer than asked, 0-10. Default 3. */
    shot_topups: z.number().int().min(0).max(MAX_SHOT_TOPUPS).default(3),
    /** What the device offers; optional: read from the device (GET api/v1/native-gates) when absent. */
    metadata: backendMetadataSchema.optional(),
  })
  .strict()
  .superRefine(checkCouplingMap, { when: () => true });

export type QristalEntry = z.infer<typeof qristalEntrySchema>;

/** The entry's own fields as the gateway receives them (`GatewayBackend.settings`). */
export interface QristalSettings {
  readonly endpoint: string;
  readonly device?: string | undefined;
  readonly model: QristalModel;
  readonly shot_topups: number;
  readonly https_proxy?: string | null | undefined;
}
