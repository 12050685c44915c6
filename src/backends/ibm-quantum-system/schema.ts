/**
 * An `ibm-quantum-system` entry: a device behind IBM's Quantum System API (on-premises, formerly
 * Direct Access API), with the S3-compatible bucket its jobs read input from and write results to.
 * Field names follow qrmi's IBM Quantum System resource (`<backend>_QRMI_IBM_QS_*`), lower-cased, so
 * an admin who set qrmi up finds the same settings here.
 */
import { z } from 'zod';
import { checkBaseUrl } from '../../http/endpoint.js';
import { isQrunError } from '../../errors.js';
import { checkCouplingMap, entryBase, secretRefSchema } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

export const IBM_QUANTUM_SYSTEM = 'ibm-quantum-system';

/** IBM Cloud IAM, which issues the API's bearer tokens for an API key. */
export const DEFAULT_IAM_ENDPOINT = 'https://iam.cloud.ibm.com';
/** Seconds a vendor job may run before the service fails it, when the entry sets no timeout_secs. */
export const DEFAULT_TIMEOUT_SECS = 3600;
export const DEFAULT_S3_REGION = 'us-east-1';
export const DEFAULT_LANE_WAIT_SECS = 300;

/** An https URL (http only to loopback), checked by the HTTP layer's own rule so config check and runtime agree. */
const endpointUrl = z.string().superRefine((value, ctx) => {
  try {
    checkBaseUrl('catalogue', value);
  } catch (error) {
    if (!isQrunError(error)) throw error;
    ctx.addIssue({ code: 'custom', message: `${error.message.replace(/^catalogue: /, '')}${error.hint === undefined ? '' : `: ${error.hint}`}` });
  }
});

/** S3 bucket names as S3 allows them (3-63 lower-case letters, digits, dots, hyphens). */
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name: 3-63 lower-case letters, digits, . and -' });

/** This type's own fields; the gateway receives exactly these (and https_proxy) as the backend's settings. */
const deviceFields = {
  /** The Quantum System API's base URL (requests go to `<endpoint>/v1/...`). */
  endpoint: endpointUrl,
  /** IBM Cloud IAM base URL, where the API key is exchanged for a bearer token. Default https://iam.cloud.ibm.com. */
  iam_endpoint: endpointUrl.optional(),
  /** The device's name at the API (`GET /v1/backends`). Default: the catalogue alias. */
  device: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'must be a backend name as the API lists it (letters, digits, _ . -)' }).optional(),
  /** Seconds one vendor job may run before the service fails it; capped by what is left of the allocation. Default 3600. */
  timeout_secs: z.number().int().min(1).max(7 * 24 * 3600).optional(),
  /** The S3-compatible store (path-style) holding job input, results and logs, as the gateway reaches it. */
  s3_endpoint: endpointUrl,
  /** The store as the Quantum System service reaches it, when that differs (qrmi's S3_ENDPOINT_FOR_QSAPI). Default: s3_endpoint. */
  s3_endpoint_for_service: endpointUrl.optional(),
  /** The bucket for this device's jobs. */
  s3_bucket: bucketName,
  /** The region the store signs for (SigV4 scope). Default us-east-1. */
  s3_region: z.string().regex(/^[a-z0-9-]{1,64}$/, { message: 'must be a region name such as us-east-1' }).optional(),
  /** Log level the service applies to the job's log file. Default: the service's. */
  log_level: z.enum(['critical', 'error', 'warning', 'info', 'debug']).optional(),
  /** Seconds to keep trying while every lane is busy (API error 1232) before failing the task; 0 fails at once. Default 300. */
  lane_wait_secs: z.number().int().min(0).max(24 * 3600).optional(),
};

export const ibmQuantumSystemEntrySchema = z
  .object({
    ...entryBase,
    ...deviceFields,
    type: z.literal(IBM_QUANTUM_SYSTEM),
    /**
     * Required: a file (or env/exec) holding the credentials as JSON: {"api_key", "service_crn",
     * "s3_access_key_id", "s3_secret_access_key"} (docs/admin-guide.md).
     */
    secret: secretRefSchema,
    /** What the device offers; default: read from the API's configuration. When given it is used instead (e.g. to offer fewer qubits). */
    metadata: backendMetadataSchema.optional(),
  })
  .strict()
  .superRefine(checkCouplingMap, { when: () => true });

export type IbmQuantumSystemEntry = z.infer<typeof ibmQuantumSystemEntrySchema>;

/** The settings as the gateway gets them (src/gateway/job-gateway.ts strips the shared fields). */
export const ibmQuantumSystemSettingsSchema = z.object({ ...deviceFields, https_proxy: entryBase.https_proxy });
