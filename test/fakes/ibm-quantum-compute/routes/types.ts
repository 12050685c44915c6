/** What a route sees and answers; the server does the HTTP around it. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Core } from '../core.js';
import { runtimeError } from '../errors.js';

export interface RouteRequest {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Route name, as the request log and `fail()` call it. */
  readonly route: string;
}

export interface Reply {
  readonly status: number;
  /** JSON body; `text` wins when both are set. */
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

/** Who may call a route: the Runtime API (bearer + Service-CRN), any bearer (IBM Cloud platform APIs), anyone (IAM). */
export type Guard = 'runtime' | 'bearer' | 'none';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under its mount, with `{name}` segments. */
  readonly pattern: string;
  readonly guard: Guard;
  handle(req: RouteRequest, core: Core): Reply | Promise<Reply>;
}

export function jsonBody(req: RouteRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw runtimeError(400, 'bad_request', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw runtimeError(400, 'bad_request', 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

export const noContent: Reply = { status: 204 };
