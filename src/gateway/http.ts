/** Small HTTP helpers: JSON replies, coded errors as `{error: {code, message, hint}}`, bounded bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CATALOG, QrunError, type ErrorCode } from '../errors.js';

/** The HTTP status for an error code; by family where one status fits the family. */
function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'AUTH_FAILED':
      return 401;
    case 'BACKEND_NOT_GRANTED':
    case 'ALLOCATION_EXPIRED':
      return 403;
    case 'TASK_NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
      return 404;
    case 'TASK_NOT_DONE':
    case 'TASK_CANCELLED':
      return 409;
    case 'REQUEST_TOO_LARGE':
      return 413;
    case 'TOO_MANY_TASKS':
      return 429;
    default:
      break;
  }
  switch (ERROR_CATALOG[code].family) {
    case 'input':
    case 'usage':
      return 400;
    case 'capacity':
    case 'security':
      return 403;
    case 'backend':
    case 'unavailable':
      return 503;
    case 'resource':
      return 422;
    default:
      return 500;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export function sendError(res: ServerResponse, error: QrunError, status = statusFor(error.code)): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = { error: { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }), ...(error.details === undefined ? {} : { details: error.details }) } };
  sendJson(res, status, body);
}

function tooLarge(limit: number): QrunError {
  return new QrunError('REQUEST_TOO_LARGE', `the request body is larger than ${limit} bytes`, {
    hint: 'Split the PUBs across several tasks.',
    details: { limit },
  });
}

/** Reads a JSON body of at most `limit` bytes. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new QrunError('PAYLOAD_INVALID', `the request body is not JSON: ${(error as Error).message}`);
  }
}
