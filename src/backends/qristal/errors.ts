/**
 * The QB hardware API's answers → the project's codes. The device answers errors as `{detail}`
 * (a sentence, or a list of `{loc, msg, type}` for a request body it cannot read) and gives its
 * statuses the meanings Qristal's own client reads into them: 401 a token that is expired or signed
 * with another secret, 403 an Authorization header of the wrong form, 404 a command or circuit it does
 * not know, 500 a failure of the device's own process, 503 a device reserved under another token.
 * 425 is not an error (the circuit has not finished) and 429 keeps the HTTP layer's code.
 */
import { QrunError } from '../../errors.js';
import type { HttpStatusError } from '../../http/index.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The device's `detail`, as one line of text; undefined when it gave none. */
export function detailOf(body: unknown): string | undefined {
  const detail: unknown = isRecord(body) ? body['detail'] : body;
  if (typeof detail === 'string') return detail.trim() === '' ? undefined : detail.trim().slice(0, 300);
  if (Array.isArray(detail)) {
    const parts = detail.map((item: unknown) => {
      if (!isRecord(item)) return String(item);
      const loc = Array.isArray(item['loc']) ? item['loc'].map(String).join('.') : '';
      const msg = typeof item['msg'] === 'string' ? item['msg'] : '';
      return loc === '' ? msg : `${loc}: ${msg}`;
    });
    return parts.join('; ').slice(0, 300) || undefined;
  }
  return undefined;
}

function said(error: HttpStatusError): string {
  const detail = detailOf(error.body);
  return `HTTP ${error.status}${detail === undefined ? '' : `: ${detail}`}`;
}

/** 503 from a QB device: reserved under a token that is not this job's. */
export function reservedError(backend: string, device: string, status: number, detail: string | undefined, cause?: unknown): QrunError {
  return new QrunError('QPU_RESERVED', `${backend}: ${device} is reserved for exclusive use by another token (HTTP ${status}${detail === undefined ? '' : `: ${detail}`})`, {
    hint: 'Another job or user holds the QPU now: submit again later, or ask your site which reservation holds it (only one reservation runs at a time).',
    cause,
    details: { backend, device, status, ...(detail === undefined ? {} : { vendor_detail: detail }) },
  });
}

export function mapQristalError(device: string): (error: HttpStatusError) => QrunError | undefined {
  return (error) => {
    if (error.status === 429 || error.status === 502 || error.status === 504) return undefined;
    const what = `${error.backend}: ${device} refused ${error.method} ${error.path} (${said(error)})`;
    const details = { backend: error.backend, method: error.method, path: error.path, status: error.status, ...(detailOf(error.body) === undefined ? {} : { vendor_detail: detailOf(error.body) }) };
    const base = { cause: error, details };
    if (error.status === 503) return reservedError(error.backend, device, error.status, detailOf(error.body), error);
    if (error.status === 401) {
      return new QrunError('VENDOR_AUTH_FAILED', what, {
        ...base,
        hint: "The device rejected the job's reservation token (expired, or signed with another shared secret); ask your admin to check that the backend's secret holds the device's reservation shared secret.",
      });
    }
    if (error.status === 403) {
      return new QrunError('VENDOR_AUTH_FAILED', what, { ...base, hint: 'The device did not accept the form of the Authorization header; report it with the device model and its software version.' });
    }
    if (error.status === 500) {
      return new QrunError('BACKEND_FAILED', what, { ...base, hint: "The device's own process failed; submit again, and tell your site's QPU operators if it keeps failing." });
    }
    if (error.status === 404) {
      return new QrunError('VENDOR_REFUSED', what, { ...base, hint: "The device does not know this command or circuit; check the entry's endpoint (the device's base URL, without api/v1)." });
    }
    return new QrunError('VENDOR_REFUSED', what, { ...base, hint: 'Fix what the device names (often the circuit or the shot count) and submit again.' });
  };
}
