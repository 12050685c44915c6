/**
 * Pasqal Cloud's core API answers in JSend: `{status: "success", code, message, data}` on success,
 * `{status: "fail", code, message, data: {description}}` for a request it refuses (4xx) and
 * `{status: "error", code, message, data: {description}}` when it fails itself (5xx). pasqal-cloud's
 * SDK reads `code`, `message` and `data.description` from these (errors.py).
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function success(data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'success', code: 200, message: 'OK', data, ...extra };
}

export function failure(code: number, description: string): Record<string, unknown> {
  return { status: code >= 500 ? 'error' : 'fail', code, message: REASONS[code] ?? 'Error', data: { description } };
}

export function fail(code: number, description: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(code, failure(code, description), headers);
}
