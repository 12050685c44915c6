/**
 * IBM's error bodies → the project's codes, with the vendor's own code in the message and what to do
 * about it. The Runtime API answers `{errors:[{code, message, more_info}], trace, status_code}`; IAM
 * answers `{errorCode, errorMessage, context}`. Transport statuses (429, 502-504) keep the HTTP
 * layer's codes: they are about the wire, not about IBM's reading of the request.
 */
import { QrunError } from '../../errors.js';
import type { HttpStatusError } from '../../http/index.js';

interface VendorError {
  readonly code: string;
  readonly message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field IBM documents as a string (or a number, for codes), as text; anything else as `fallback`. */
export function textOf(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}

/** The first `{code, message}` of a Runtime error body, or IAM's errorCode/errorMessage. */
export function vendorError(body: unknown): VendorError | undefined {
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? { code: 'unknown', message: body.trim().slice(0, 300) } : undefined;
  const first: unknown = Array.isArray(body['errors']) ? body['errors'][0] : undefined;
  if (isRecord(first)) return { code: textOf(first['code'], 'unknown'), message: textOf(first['message'], '') };
  if (typeof body['errorCode'] === 'string') return { code: body['errorCode'], message: textOf(body['errorMessage'], '') };
  return undefined;
}

function said(error: VendorError | undefined, status: number): string {
  return error === undefined ? `HTTP ${status}` : `${error.code}: ${error.message}`;
}

function details(error: HttpStatusError, vendor: VendorError | undefined): Record<string, unknown> {
  return { backend: error.backend, method: error.method, path: error.path, status: error.status, ...(vendor === undefined ? {} : { vendor_code: vendor.code }) };
}

/** For the IAM client: a refused API key is the admin's to fix. */
export function mapIamError(error: HttpStatusError): QrunError | undefined {
  if (error.status === 429 || error.status >= 500) return undefined;
  const vendor = vendorError(error.body);
  return new QrunError('VENDOR_AUTH_FAILED', `${error.backend}: IBM Cloud IAM refused the API key (${said(vendor, error.status)})`, {
    hint: "Ask your admin to put a valid IBM Cloud API key (cloud.ibm.com → Manage → Access (IAM) → API keys) in the file the backend's secret names.",
    cause: error,
    details: details(error, vendor),
  });
}

/** For the Runtime API client. `instance` is the CRN the catalogue names (not a secret). */
export function mapRuntimeError(instance: string): (error: HttpStatusError) => QrunError | undefined {
  return (error) => {
    if (error.status === 429 || error.status >= 500) return undefined;
    const vendor = vendorError(error.body);
    const what = `${error.backend}: IBM Quantum refused ${error.method} ${error.path} (${said(vendor, error.status)})`;
    const base = { cause: error, details: details(error, vendor) };
    if (error.status === 401) {
      return new QrunError('VENDOR_AUTH_FAILED', what, {
        ...base,
        hint: "The API key's token was not accepted; ask your admin to check that the key in the backend's secret is valid and not revoked.",
      });
    }
    if (error.status === 403) {
      return new QrunError('VENDOR_AUTH_FAILED', what, {
        ...base,
        hint: `The API key has no access to instance ${instance}; ask your admin to check the catalogue's instance CRN and the key's account.`,
      });
    }
    if (error.status === 404) {
      return new QrunError('VENDOR_REFUSED', what, {
        ...base,
        hint: "IBM does not know it for this instance; check the catalogue entry's device name (qrun backends lists what the job was granted).",
      });
    }
    if (error.status === 409) {
      return new QrunError('VENDOR_REFUSED', what, {
        ...base,
        hint: "The job's session at IBM is closed (it reached its time limit, or the job is ending); submit a new Slurm job.",
      });
    }
    return new QrunError('VENDOR_REFUSED', what, { ...base, hint: 'Fix what IBM names (often a circuit, an option or the device name) and submit again.' });
  };
}
