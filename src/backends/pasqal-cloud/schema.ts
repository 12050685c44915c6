import { z } from 'zod';
import { QrunError } from '../../errors.js';
import { checkBaseUrl } from '../../http/endpoint.js';
import { entryBase, secretRefSchema } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

/** The catalogue's `type` for Pasqal Cloud's analog neutral-atom QPUs (QRMI's name: ResourceType.PasqalCloud). */
export const PASQAL_CLOUD_TYPE = 'pasqal-cloud';

export const DEFAULT_ENDPOINT = 'https://apis.pasqal.cloud';
export const DEFAULT_AUTH_ENDPOINT = 'https://authenticate.pasqal.cloud/oauth/token';
export const DEFAULT_AUDIENCE = 'https://apis.pasqal.cloud/account/api/v1';

/** An https:// URL (http:// only to loopback), checked as the HTTP layer will check it. */
const urlSchema = z.string().superRefine((value, ctx) => {
  try {
    checkBaseUrl('catalogue', value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof QrunError ? `${error.message.replace(/^catalogue: /, '')}: ${error.hint ?? ''}`.trim() : String(error) });
  }
});

/**
 * A `pasqal-cloud` entry: an analog neutral-atom QPU (or one of Pasqal's emulators) reached through
 * Pasqal Cloud's core API with a service account's OAuth client credentials. The client secret never
 * leaves the gateway and the hook; jobs send vendor-native Pulser sequences (`qrun run`).
 */
export const pasqalCloudEntrySchema = z
  .object({
    ...entryBase,
    type: z.literal(PASQAL_CLOUD_TYPE),
    /** Core API origin (paths /core-fast/api/... are appended; QRMI's QRMI_PASQAL_CLOUD_BASE_URL). Default https://apis.pasqal.cloud. */
    endpoint: urlSchema.default(DEFAULT_ENDPOINT),
    /** OAuth token endpoint (Auth0), the full URL. Default https://authenticate.pasqal.cloud/oauth/token. */
    auth_endpoint: urlSchema.default(DEFAULT_AUTH_ENDPOINT),
    /** The token's audience. Default https://apis.pasqal.cloud/account/api/v1. */
    audience: z.string().min(1).default(DEFAULT_AUDIENCE),
    /** The service account's OAuth client id (not a secret; the secret file holds its client secret). */
    client_id: z.string().min(1).max(200),
    /** The Pasqal Cloud project batches are created and billed in. */
    project_id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { message: 'must be the project id from the Pasqal Cloud portal (letters, digits and -)' }),
    /** Pasqal's device type (FRESNEL, FRESNEL_CAN1, EMU_MPS, ...). Default FRESNEL. */
    device: z.string().regex(/^[A-Z][A-Z0-9_]{0,62}$/, { message: 'must be a Pasqal device type in capitals, e.g. FRESNEL or EMU_MPS' }).default('FRESNEL'),
    /** Reference to the client secret (required): the file holds the secret, or {"client_secret": ...}. */
    secret: secretRefSchema,
    /**
     * Optional limits in place of the device's specs: num_qubits caps the atoms of a register,
     * max_shots the runs of a job. Absent: read from Pasqal's device specs (cached).
     */
    metadata: backendMetadataSchema.optional(),
  })
  .strict();

export type PasqalCloudEntry = z.infer<typeof pasqalCloudEntrySchema>;

/** The entry's own fields as the gateway receives them (`GatewayBackend.settings`). */
export interface PasqalCloudSettings {
  readonly endpoint: string;
  readonly auth_endpoint: string;
  readonly audience: string;
  readonly client_id: string;
  readonly project_id: string;
  readonly device: string;
  readonly https_proxy?: string | null | undefined;
}
