/** The fake's request and reply shapes: handlers return a Reply, so faults can rewrite it before it is sent. */
import type { IncomingHttpHeaders } from 'node:http';

export interface FakeRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded (S3 signs it that way). */
  readonly rawPath: string;
  /** The path decoded segment by segment. */
  readonly segments: readonly string[];
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export function json(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function noContent(): Reply {
  return { status: 204 };
}

export function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The body as JSON, or undefined when it is not JSON (the caller answers with the API's 400). */
export function jsonBody(req: FakeRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
