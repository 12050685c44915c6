/**
 * IQM Server's error replies as project errors. Its body is `{message, error_code, source}` (older
 * servers: `{detail}`), with error codes such as `not_enough_credits`, `no_booked_timeslots`,
 * `qc_not_found`, `job_not_found`, `invalid_input` (spelled snake_case by the server; CamelCase
 * spellings are read the same). Messages name the device, the vendor's code and what to do; none
 * carries a header or a request body, so the token cannot reach a user or a log through them.
 */
import { QrunError } from '../../errors.js';
import type { HttpStatusError } from '../../http/index.js';

export interface IqmVendorError {
  /** Lower case, without separators: `NotEnoughCredits` and `not_enough_credits` are both `notenoughcredits`. */
  readonly code: string | undefined;
  /** The code as the server spelled it, for messages. */
  readonly rawCode: string | undefined;
  readonly message: string | undefined;
}

export const IQM_CODES = {
  notEnoughCredits: 'notenoughcredits',
  noBookedTimeslots: 'nobookedtimeslots',
  timeslotUnavailable: 'timeslotunavailable',
  qcNotFound: 'qcnotfound',
  jobNotFound: 'jobnotfound',
  illegalJobStatus: 'illegaljobstatus',
} as const;

export function normalizeCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function vendorError(body: unknown): IqmVendorError {
  if (typeof body !== 'object' || body === null) return { code: undefined, rawCode: undefined, message: typeof body === 'string' && body !== '' ? body.slice(0, 300) : undefined };
  const record = body as Record<string, unknown>;
  const code = record['error_code'];
  const message = record['message'] ?? record['detail'];
  const raw = typeof code === 'string' && code !== '' ? code : undefined;
  return {
    code: raw === undefined ? undefined : normalizeCode(raw),
    rawCode: raw,
    message: typeof message === 'string' ? message.slice(0, 500) : undefined,
  };
}

function said(vendor: IqmVendorError): string {
  if (vendor.message === undefined && vendor.rawCode === undefined) return '';
  if (vendor.rawCode === undefined) return `: ${vendor.message ?? ''}`;
  return `: ${vendor.rawCode}${vendor.message === undefined ? '' : ` (${vendor.message})`}`;
}

const TOKEN_HINT = "Check the IQM API token in this backend's secret (docs/admin-guide.md, IQM Server): it must be a current token of an account allowed on this quantum computer.";

/** An API reply the caller did not accept, as the error a user should see. */
export function mapIqmError(error: HttpStatusError, device: string): QrunError {
  const vendor = vendorError(error.body);
  const details = { backend: error.backend, device, status: error.status, method: error.method, path: error.path, attempts: error.attempts, vendor_code: vendor.rawCode };
  const make = (code: ConstructorParameters<typeof QrunError>[0], message: string, hint: string): QrunError => new QrunError(code, message, { hint, cause: error, details });
  switch (vendor.code) {
    case IQM_CODES.notEnoughCredits:
      return make(
        'VENDOR_CREDITS_EXHAUSTED',
        `${error.backend}: IQM Server refused the job on ${device}, the account has too few credits${said(vendor)}`,
        "The site's IQM account needs more credits: ask your admin to top it up (IQM Resonance, Credits), then submit again.",
      );
    case IQM_CODES.noBookedTimeslots:
      return make(
        'TIMESLOT_NOT_BOOKED',
        `${error.backend}: IQM Server runs timeslot jobs on ${device} only in a booked timeslot, and none is booked or running now${said(vendor)}`,
        'Submit again while the job holds its timeslot; an admin checks that the entry sets "timeslot": true only where the account books timeslots, or sets it false to use the on-demand queue.',
      );
    case IQM_CODES.timeslotUnavailable:
      return make('TIMESLOT_UNAVAILABLE', `${error.backend}: no timeslot could be booked on ${device}${said(vendor)}`, 'Every slot of that length is taken: submit the job later, or ask for a shorter one (timeslot_minutes).');
    case IQM_CODES.qcNotFound:
      return make('BACKEND_UNAVAILABLE', `${error.backend}: IQM Server knows no quantum computer ${device}${said(vendor)}`, 'Set "device" in the catalogue entry to an alias GET /api/v1/quantum-computers lists.');
    case IQM_CODES.jobNotFound:
      return make('BACKEND_FAILED', `${error.backend}: IQM Server no longer knows the job (${error.method} ${error.path})${said(vendor)}`, 'The job was deleted at the server while this task waited for it; run the task again.');
    default:
      break;
  }
  if (error.status === 401 || error.status === 403) return make('VENDOR_AUTH_FAILED', `${error.backend}: IQM Server refused the API token${said(vendor)}`, TOKEN_HINT);
  if (error.status === 404) return make('BACKEND_UNAVAILABLE', `${error.backend}: ${error.method} ${error.path} is not known to IQM Server${said(vendor)}`, 'Check "endpoint" (the server\'s base URL, without /api/v1) and "device" in the catalogue entry.');
  if (error.status === 400 || error.status === 409 || error.status === 413 || error.status === 422) {
    return make('VENDOR_REFUSED', `${error.backend}: IQM Server refused ${error.method} ${error.path} with HTTP ${error.status}${said(vendor)}`, 'The message says what the server did not accept; fix it (often the circuit or the shots) and submit again.');
  }
  if (error.code === 'UPSTREAM_STATUS') return make('UPSTREAM_STATUS', `${error.backend}: ${error.method} ${error.path} answered HTTP ${error.status}${said(vendor)}`, error.hint ?? 'Report it to your admin if it persists.');
  // Rate limits and outages keep the transport's code and hint; the server's words are added.
  return new QrunError(error.code, `${error.message}${said(vendor)}`, { ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error, details });
}
