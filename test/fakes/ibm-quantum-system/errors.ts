/**
 * The API's error body, as qrmi's client deserialises it (quantum_system_api::models::ErrorResponse):
 * {status_code, title, trace, correlation_id, errors: [{code, message, more_info}]}, codes as strings.
 * Codes the vendor's own client tests show are marked "seen"; the others are this fake's choice,
 * listed in README.md, so a client should branch on the HTTP status first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { json, type Reply } from './http.js';

export const MORE_INFO = 'https://cloud.ibm.com/apidocs/quantum-computing#error-handling';

export const API_ERRORS = {
  /** seen: 400 on a bad App ID login. */
  authenticationFailed: { status: 400, code: '1219' },
  /** seen: 401 on a missing, unknown or expired bearer token. */
  invalidCredentials: { status: 401, code: '1201' },
  /** seen: 404 for an unknown backend. */
  backendNotFound: { status: 404, code: '1216' },
  /** seen: 404 for an unknown job. */
  jobNotFound: { status: 404, code: '1291' },
  /** 400: the body is not JSON or fails validation. */
  invalidInput: { status: 400, code: '1211' },
  /** 409: a job with this id exists already. */
  duplicateJob: { status: 409, code: '1290' },
  /** 409: the job is not in the state this call needs (delete before the end, cancel after it). */
  jobState: { status: 409, code: '1293' },
  /** 413: request body over the limit. */
  bodyTooLarge: { status: 413, code: '1212' },
  /** 429: every execution lane of the backend is busy and its queue is full. */
  laneLimit: { status: 429, code: '1232' },
  /** 423: the backend is reserved; jobs outside the reservation cannot run. */
  backendReserved: { status: 423, code: '1233' },
  /** 409: the backend is offline or paused. */
  backendUnavailable: { status: 409, code: '1234' },
  /** 429 from the rate limiter (fault). */
  rateLimited: { status: 429, code: '1229' },
  /** 5xx (fault). */
  internal: { status: 500, code: '1500' },
} as const;

export type ApiErrorKind = keyof typeof API_ERRORS;

export function errorBody(status: number, code: string, message: string, title: string = message): Record<string, unknown> {
  return {
    status_code: status,
    title,
    trace: randomUUID(),
    correlation_id: randomBytes(10).toString('hex'),
    errors: [{ code, message, more_info: MORE_INFO }],
  };
}

export function apiError(kind: ApiErrorKind, message: string, headers: Readonly<Record<string, string>> = {}, status?: number): Reply {
  const spec = API_ERRORS[kind];
  const code = status ?? spec.status;
  return json(code, errorBody(code, spec.code, message), headers);
}
