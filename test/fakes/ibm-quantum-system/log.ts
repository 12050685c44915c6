/**
 * What the fake saw: one entry per request, with secrets replaced, so tests can assert on what a
 * client sent (headers, order, retries) without the log ever holding a credential.
 */
import { appendFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { sha256Hex } from './sigv4.js';

export interface RequestLogEntry {
  /** ISO time the request arrived. */
  readonly time: string;
  /** `api` (Quantum System API and IAM) or `s3` (the storage). */
  readonly server: 'api' | 's3';
  readonly method: string;
  /** Path and query as sent, with presigned signatures replaced. */
  readonly path: string;
  /** The route pattern it matched (`GET /v1/jobs/:id`), or `unmatched`. */
  readonly route: string;
  readonly headers: Readonly<Record<string, string>>;
  /** sha256 of the body, hex; empty body → empty string. */
  readonly bodyDigest: string;
  readonly bodyBytes: number;
  /** The status answered; 0 when a fault gave no answer (hang, reset). */
  status: number;
  /** The fault applied, if any. */
  fault?: string;
}

const SECRET_HEADERS = new Set(['authorization', 'x-amz-security-token', 'cookie', 'set-cookie', 'proxy-authorization']);

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (SECRET_HEADERS.has(name)) {
      // Keep the scheme: a test can still see Bearer vs Basic vs AWS4-HMAC-SHA256.
      const scheme = text.split(' ')[0] ?? '';
      out[name] = `${scheme} <redacted>`;
    } else {
      out[name] = text;
    }
  }
  return out;
}

export function redactPath(pathAndQuery: string): string {
  return pathAndQuery.replace(/(X-Amz-Signature=)[0-9a-fA-F]+/g, '$1<redacted>').replace(/(X-Amz-Security-Token=)[^&]+/g, '$1<redacted>');
}

export function digest(body: Buffer): string {
  return body.length === 0 ? '' : sha256Hex(body);
}

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  readonly #file: string | undefined;

  constructor(file?: string) {
    this.#file = file;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** Written once the answer is known, so the file line carries the status. */
  finish(entry: RequestLogEntry): void {
    if (this.#file !== undefined) appendFileSync(this.#file, `${JSON.stringify(entry)}\n`);
  }
}
