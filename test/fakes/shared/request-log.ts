/**
 * What a fake saw: one entry per request, with the Authorization header reduced to its scheme and the
 * body to its size and digest, so the log itself never holds a credential. Tests read it through
 * `fake.requests` and `fake.counts()`; standalone, it is also appended to a JSON-lines file. Every
 * HTTP fake but ibm-quantum-system (which also logs its S3 store, log.ts there) keeps one of these.
 */
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestRecord {
  readonly at: string;
  readonly method: string;
  /** Path as sent, without the query. */
  readonly path: string;
  /** Route the fake matched, e.g. `GET /jobs/{id}`; `unmatched` when none. */
  readonly route: string;
  readonly query: Record<string, string | string[]>;
  /** Lower-cased headers without `authorization`. */
  readonly headers: Record<string, string>;
  /** `Bearer`, `apikey`, ... — the scheme of the Authorization header, or null when absent. */
  readonly authorization: string | null;
  readonly bodyBytes: number;
  /** sha256 of the body, hex; empty for an empty body. */
  readonly bodyDigest: string;
  status: number | 'hang' | 'reset';
  /** The fault applied, if one was. */
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

export function authorizationScheme(headers: IncomingHttpHeaders): string | null {
  const value = headers.authorization;
  if (value === undefined) return null;
  return value.split(' ')[0] ?? '';
}

/** A fake's log; `R` adds the fields a vendor's requests carry beyond these (IBM's API version, CRN). */
export class RequestLog<R extends RequestRecord = RequestRecord> {
  readonly records: R[] = [];

  constructor(private readonly file?: string) {}

  add(record: R): void {
    this.records.push(record);
  }

  /** Writes the entry out once its outcome is known. */
  finish(record: R): void {
    if (this.file !== undefined) appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) out[r.route] = (out[r.route] ?? 0) + 1;
    return out;
  }

  /** The requests (method and path) whose URL, raw or decoded, contains one of `secrets`. */
  urlsContaining(secrets: readonly string[]): string[] {
    const hits: string[] = [];
    for (const r of this.records) {
      const pairs = Object.entries(r.query).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]));
      const url = `${r.path}?${new URLSearchParams(pairs).toString()}`;
      const decoded = decodeURIComponent(url);
      if (secrets.some((s) => s !== '' && (url.includes(s) || decoded.includes(s)))) hits.push(`${r.method} ${r.path}`);
    }
    return hits;
  }
}
