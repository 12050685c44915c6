/**
 * What the fake saw: one entry per request, the Authorization header reduced to its scheme and the
 * body to its size and digest, so the log never holds a credential. A form body's secrets (the
 * client secret, a password) are not kept either: only the form's field names and grant type.
 */
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestRecord {
  readonly at: string;
  readonly method: string;
  /** Path as sent, without the query. */
  readonly path: string;
  /** The route matched, e.g. `GET /core-fast/api/v1/batches/{id}/status`; `unmatched` when none. */
  readonly route: string;
  readonly query: Record<string, string | string[]>;
  /** Lower-cased headers without `authorization`. */
  readonly headers: Record<string, string>;
  readonly authorization: string | null;
  readonly bodyBytes: number;
  readonly bodyDigest: string;
  status: number | 'hang' | 'reset';
  fault?: string;
}

export function digest(body: Buffer): string {
  return body.length === 0 ? '' : createHash('sha256').update(body).digest('hex');
}

export function queryOf(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return out;
}

export function headersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (key === 'authorization' || value === undefined) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export class RequestLog {
  readonly records: RequestRecord[] = [];

  constructor(private readonly file?: string) {}

  add(record: RequestRecord): void {
    this.records.push(record);
  }

  finish(record: RequestRecord): void {
    if (this.file !== undefined) appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) out[r.route] = (out[r.route] ?? 0) + 1;
    return out;
  }

  /** Requests whose URL (path or query) holds one of `secrets`. */
  urlsContaining(secrets: readonly string[]): string[] {
    return this.records
      .filter((r) => {
        const url = `${r.path}?${new URLSearchParams(Object.entries(r.query).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]))).toString()}`;
        const decoded = decodeURIComponent(url);
        return secrets.some((s) => s !== '' && (url.includes(s) || decoded.includes(s)));
      })
      .map((r) => `${r.method} ${r.path}`);
  }
}
