/**
 * The Quantum System API's error replies as project errors. Its body is
 * `{status_code, title, errors: [{code, message, more_info}]}` with string codes; the status decides
 * first and the code refines it, because only a few codes are documented. IAM answers in its own
 * shape (`{errorCode, errorMessage}`). Messages name the device and what to do; none carries a URL's
 * query, a header or the request body, so no credential can reach the user or a log through them.
 */
import { QrunError } from '../../errors.js';
import type { HttpStatusError } from '../../http/index.js';

export const API_CODES = {
  invalidCredentials: '1201',
  backendNotFound: '1216',
  laneLimit: '1232',
  notAccepting: '1233',
  jobNotFound: '1291',
  duplicateJob: '1290',
  jobState: '1293',
} as const;

export interface VendorError {
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/** The first error of an API body, or IAM's; undefined fields when the body is neither. */
export function vendorError(body: unknown): VendorError {
  if (typeof body !== 'object' || body === null) return { code: undefined, message: undefined };
  const record = body as Record<string, unknown>;
  const first = Array.isArray(record['errors']) ? (record['errors'][0] as Record<string, unknown> | undefined) : undefined;
  const code = first?.['code'] ?? record['errorCode'];
  const message = first?.['message'] ?? record['errorMessage'] ?? record['title'];
  return {
    code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
    message: typeof message === 'string' ? message.slice(0, 500) : undefined,
  };
}

function said(vendor: VendorError): string {
  if (vendor.message === undefined) return '';
  return vendor.code === undefined ? `: ${vendor.message}` : `: ${vendor.message} (${vendor.code})`;
}

function details(error: HttpStatusError, device: string, vendor: VendorError): Record<string, unknown> {
  return { backend: error.backend, device, status: error.status, method: error.method, path: error.path, attempts: error.attempts, vendor_code: vendor.code };
}

const CREDENTIAL_HINT =
  "Check api_key and service_crn in this backend's credential file (docs/admin-guide.md, IBM Quantum System); the key must belong to the instance the CRN names.";

/** An API reply the caller did not accept, as the error a user should see. */
export function mapApiError(error: HttpStatusError, device: string): QrunError {
  const vendor = vendorError(error.body);
  const facts = details(error, device, vendor);
  if (vendor.code === API_CODES.laneLimit) {
    return new QrunError('DEVICE_LANES_BUSY', `all execution lanes of ${device} are busy and its queue is full${said(vendor)}`, {
      hint: `Other work holds the device's lanes; submit again later. An admin should make the backend's capacity.lanes no more than the lanes the API grants this site (GET /v1/backends/${device}/lanes).`,
      cause: error,
      details: facts,
    });
  }
  if (vendor.code === API_CODES.notAccepting || error.status === 423) {
    return new QrunError('DEVICE_NOT_ACCEPTING', `${device} is reserved, paused or offline and accepts no jobs now${said(vendor)}`, {
      hint: `Wait until ${device} is online and outside its reservation, or request another backend (qrun backends lists them); during a reservation only its own jobs run.`,
      cause: error,
      details: facts,
    });
  }
  if (error.status === 401 || error.status === 403) {
    return new QrunError('VENDOR_AUTH_FAILED', `${error.backend}: the IBM Quantum System API refused the credential${said(vendor)}`, {
      hint: CREDENTIAL_HINT,
      cause: error,
      details: facts,
    });
  }
  if (error.status === 404 && vendor.code === API_CODES.backendNotFound) {
    return new QrunError('BACKEND_UNAVAILABLE', `${error.backend}: the API knows no device ${device}${said(vendor)}`, {
      hint: `Set "device" in the catalogue entry to a name GET /v1/backends lists.`,
      cause: error,
      details: facts,
    });
  }
  if (error.status === 404 && vendor.code === API_CODES.jobNotFound) {
    return new QrunError('BACKEND_FAILED', `${error.backend}: ${device} no longer knows the job (${error.method} ${error.path})${said(vendor)}`, {
      hint: 'The job was deleted at the service while this task waited for it; run the task again.',
      cause: error,
      details: facts,
    });
  }
  if (error.code === 'UPSTREAM_STATUS') {
    return new QrunError('UPSTREAM_STATUS', `${error.backend}: ${error.method} ${error.path} answered HTTP ${error.status}${said(vendor)}`, {
      hint: error.hint ?? 'See the message; report it to your admin if it persists.',
      cause: error,
      details: facts,
    });
  }
  // Rate limits and outages keep the transport's code (and its hint); the vendor's words are added.
  return new QrunError(error.code, `${error.message}${said(vendor)}`, { ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error, details: facts });
}

/** IAM's refusal of the API key (or a broken IAM answer). */
export function mapIamError(error: HttpStatusError): QrunError {
  const vendor = vendorError(error.body);
  if (error.status === 400 || error.status === 401 || error.status === 403) {
    return new QrunError('VENDOR_AUTH_FAILED', `${error.backend}: IBM Cloud IAM refused the API key${said(vendor)}`, {
      hint: CREDENTIAL_HINT,
      cause: error,
      details: { backend: error.backend, status: error.status, vendor_code: vendor.code },
    });
  }
  return new QrunError(error.code, `${error.message}${said(vendor)}`, { ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error, details: { backend: error.backend, status: error.status } });
}

/** An S3 error reply: its XML `<Code>` names the problem; a 403 is the store refusing the access key. */
export function mapStorageError(error: HttpStatusError, what: string): QrunError {
  const text = typeof error.body === 'string' ? error.body : '';
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
  const suffix = code === undefined ? '' : `: ${code}${message === undefined ? '' : ` (${message})`}`;
  const facts = { backend: error.backend, status: error.status, method: error.method, path: error.path, s3_code: code };
  if (error.status === 403) {
    return new QrunError('VENDOR_AUTH_FAILED', `${error.backend}: the job store refused to ${what}${suffix}`, {
      hint: "Check s3_access_key_id and s3_secret_access_key in this backend's credential file, s3_region and s3_bucket in the catalogue, and this node's clock.",
      cause: error,
      details: facts,
    });
  }
  return new QrunError(error.code, `${error.backend}: the job store could not ${what}: HTTP ${error.status}${suffix}`, {
    hint: error.hint ?? 'Check s3_endpoint and s3_bucket in the catalogue; report it to your admin if it persists.',
    cause: error,
    details: facts,
  });
}
