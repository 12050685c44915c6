/**
 * Error bodies as IBM sends them. The Qiskit Runtime API answers
 * `{errors: [{code, message, more_info}], trace, status_code}` (IBM Cloud's API convention); IAM
 * answers `{errorCode, errorMessage, context}`. Clients read these bodies, so their shape is the contract.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export const MORE_INFO = 'https://cloud.ibm.com/apidocs/quantum-computing#error-handling';

export interface RuntimeErrorBody {
  errors: { code: string; message: string; more_info: string }[];
  trace: string;
  status_code: number;
}

export function trace(): string {
  return randomBytes(10).toString('hex');
}

export function runtimeErrorBody(status: number, code: string, message: string): RuntimeErrorBody {
  return { errors: [{ code, message, more_info: MORE_INFO }], trace: trace(), status_code: status };
}

/** IAM's error for a key it does not know (BXNIM0415E) and its relatives. */
export function iamErrorBody(errorCode: string, errorMessage: string): Record<string, unknown> {
  return {
    errorCode,
    errorMessage,
    context: {
      requestId: trace(),
      requestType: 'incoming.OIDC_Token',
      userAgent: 'unknown',
      url: 'https://iam.cloud.ibm.com',
      instanceId: 'iamid-fake',
      threadId: trace().slice(0, 8),
      host: 'iamid-fake',
      startTime: new Date().toUTCString(),
      endTime: new Date().toUTCString(),
      elapsedTime: '1',
      locale: 'en_US',
      clusterName: 'iam-id-loopback',
    },
  };
}

/** Thrown by a route to answer with IBM's error body; the server turns it into the response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function runtimeError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, runtimeErrorBody(status, code, message), headers);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}
