/**
 * Pasqal's error bodies → the project's codes, naming Pasqal's own code and saying what to do. The
 * core API answers in JSend (`{status: "fail"|"error", code, message, data: {description}}`); the
 * Auth0 token endpoint answers `{error, error_description}`. Transport statuses (429, 5xx) keep the
 * HTTP layer's codes: they are about the wire, not about Pasqal's reading of the request.
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

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** `code message: description` of a JSend body, or Auth0's `error: error_description`. */
function vendorError(body: unknown): VendorError | undefined {
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? { code: 'unknown', message: body.trim().slice(0, 300) } : undefined;
  if (typeof body['error'] === 'string') return { code: body['error'], message: text(body['error_description']) ?? '' };
  const data = isRecord(body['data']) ? body['data'] : {};
  const description = text(data['description']) ?? text(body['message']) ?? '';
  const code = text(body['code']);
  if (code === undefined && description === '') return undefined;
  return { code: `${code ?? 'unknown'}${typeof body['message'] === 'string' ? ` ${body['message']}` : ''}`, message: description };
}

function said(vendor: VendorError | undefined, status: number): string {
  return vendor === undefined ? `HTTP ${status}` : `${vendor.code}${vendor.message === '' ? '' : `: ${vendor.message}`}`;
}

function details(error: HttpStatusError, vendor: VendorError | undefined): Record<string, unknown> {
  return { backend: error.backend, method: error.method, path: error.path, status: error.status, ...(vendor === undefined ? {} : { vendor_code: vendor.code }) };
}

/** For the token client: a refused client id, secret or audience is the admin's to fix. */
export function mapAuthError(error: HttpStatusError): QrunError | undefined {
  if (error.status === 429 || error.status >= 500) return undefined;
  const vendor = vendorError(error.body);
  return new QrunError('VENDOR_AUTH_FAILED', `${error.backend}: Pasqal's token endpoint refused the service account (${said(vendor, error.status)})`, {
    hint: "Ask your admin to check the entry's client_id and audience and the client secret its secret file holds (Pasqal Cloud portal → API keys / service accounts).",
    cause: error,
    details: details(error, vendor),
  });
}

/** For the core API client. `project` is the catalogue's project id (not a secret). */
export function mapCoreError(project: string): (error: HttpStatusError) => QrunError | undefined {
  return (error) => {
    if (error.status === 429 || error.status >= 500) return undefined;
    const vendor = vendorError(error.body);
    const what = `${error.backend}: Pasqal Cloud refused ${error.method} ${error.path} (${said(vendor, error.status)})`;
    const base = { cause: error, details: details(error, vendor) };
    if (error.status === 401) {
      return new QrunError('VENDOR_AUTH_FAILED', what, { ...base, hint: "Pasqal did not accept the access token; ask your admin to check the service account's client secret and that it is not revoked." });
    }
    if (error.status === 403) {
      return new QrunError('VENDOR_AUTH_FAILED', what, { ...base, hint: `The service account may not use project ${project}; ask your admin to check the entry's project_id and the account's membership.` });
    }
    if (error.status === 404) {
      return new QrunError('VENDOR_REFUSED', what, { ...base, hint: "Pasqal does not know it: check the entry's device type (qrun backends), or the batch was removed at Pasqal." });
    }
    return new QrunError('VENDOR_REFUSED', what, { ...base, hint: 'Fix what Pasqal names (often the sequence, its runs or the device type) and submit again.' });
  };
}
