import { z } from 'zod';
import { QrunError } from '../../errors.js';
import { checkBaseUrl } from '../../http/endpoint.js';
import { checkCouplingMap, entryBase, NAME_PATTERN, NAME_RULE, secretRefSchema } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

/** The catalogue's `type` for IBM Quantum's Qiskit Runtime REST API on IBM Cloud (QRMI's name for it). */
export const IBM_COMPUTE_TYPE = 'ibm-quantum-compute-service';

export const DEFAULT_ENDPOINT = 'https://quantum.cloud.ibm.com/api';
export const DEFAULT_AUTH_ENDPOINT = 'https://iam.cloud.ibm.com';

/** An https:// base URL (http:// only to loopback), checked as the HTTP layer will check it. */
const baseUrlSchema = z.string().superRefine((value, ctx) => {
  try {
    checkBaseUrl('catalogue', value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof QrunError ? `${error.message.replace(/^catalogue: /, '')}: ${error.hint ?? ''}`.trim() : String(error) });
  }
});

/** An IBM Cloud resource name: `crn:v1:<cloud>:<type>:<service>:<region>:a/<account>:<instance>::`. */
const crnSchema = z.string().regex(/^crn:v1:[^:\s]*:[^:\s]*:quantum-computing:[^:\s]+:[^:\s]*:[^:\s]+::$/, {
  message: 'must be the instance CRN (crn:v1:bluemix:public:quantum-computing:<region>:a/<account>:<instance>::), from the IBM Quantum Platform instance page',
});

/**
 * An `ibm-quantum-compute-service` entry: a QPU reached through IBM's Qiskit Runtime REST API with an
 * IBM Cloud API key. Sessions and jobs run as the instance's; the key never leaves the gateway.
 */
export const ibmComputeEntrySchema = z
  .object({
    ...entryBase,
    type: z.literal(IBM_COMPUTE_TYPE),
    /** Runtime API base (paths /v1/... are appended). Default https://quantum.cloud.ibm.com/api. */
    endpoint: baseUrlSchema.default(DEFAULT_ENDPOINT),
    /** IBM Cloud IAM base, for the API-key → token exchange (POST /identity/token). Default https://iam.cloud.ibm.com. */
    auth_endpoint: baseUrlSchema.default(DEFAULT_AUTH_ENDPOINT),
    /** The service instance's CRN, sent as Service-CRN on every call. */
    instance: crnSchema,
    /** IBM's name of the QPU (e.g. ibm_fez); default: the catalogue alias. */
    device: z.string().regex(NAME_PATTERN, { message: `must be ${NAME_RULE}` }).optional(),
    /**
     * What acquire opens for the job: a `batch` (jobs run as the QPU frees up; the default), a
     * `dedicated` session (the QPU is the job's between its jobs; premium plans), or `none` (each
     * task is a job of its own).
     */
    session: z.enum(['batch', 'dedicated', 'none']).default('batch'),
    /** Reference to the IBM Cloud API key (required): the file holds the key, or IBM's apikey.json. */
    secret: secretRefSchema,
    /** What the device offers; optional: read from the vendor's backend configuration when absent. */
    metadata: backendMetadataSchema.optional(),
  })
  .strict()
  .superRefine(checkCouplingMap, { when: () => true });

export type IbmComputeEntry = z.infer<typeof ibmComputeEntrySchema>;

/** The entry's own fields as the gateway receives them (`GatewayBackend.settings`). */
export interface IbmComputeSettings {
  readonly endpoint: string;
  readonly auth_endpoint: string;
  readonly instance: string;
  readonly device?: string | undefined;
  readonly session: 'batch' | 'dedicated' | 'none';
  readonly https_proxy?: string | null | undefined;
}
