/**
 * AWS Signature Version 4 query signing ("presigned URLs") for an S3-compatible store, path-style.
 * The Quantum System service never sees the bucket's key: it gets one URL per object and method,
 * valid for a bounded time. The gateway signs its own reads and writes the same way, so one signing
 * routine serves both and is checked by every request the store accepts.
 */
import { createHash, createHmac } from 'node:crypto';

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The store does not hash the body of a presigned request: the URL must work for any upload. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** SigV4 refuses presigned URLs valid for longer than a week. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface PresignRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'HEAD';
  /** Store base URL, `https://host[:port][/prefix]`. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Seconds the URL stays valid, 1 to a week. */
  readonly expiresSeconds: number;
  /** Signing time, epoch ms; default now. */
  readonly now?: number;
}

/** RFC 3986 percent-encoding of everything but unreserved characters (and `/` in paths), as SigV4 defines it. */
export function sigv4Encode(value: string, keepSlash = false): string {
  const encoded = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/** `20260102T030405Z` */
function amzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

/** The derived key is scoped to one day, region and service, so a leaked one is worth little. */
function signingKey(secretAccessKey: string, day: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), 's3'), 'aws4_request');
}

function canonicalQueryString(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([name, value]) => `${sigv4Encode(name)}=${sigv4Encode(value)}`)
    .sort()
    .join('&');
}

export interface PresignedUrl {
  /** The whole URL, to hand to a client that holds no key. */
  readonly url: string;
  /** Path below the endpoint's own prefix (starts with `/`), for a client whose base URL is the endpoint. */
  readonly path: string;
  /** The signed query, decoded, for the same client. */
  readonly query: Readonly<Record<string, string>>;
}

export function presign(request: PresignRequest): PresignedUrl {
  if (!Number.isInteger(request.expiresSeconds) || request.expiresSeconds < 1 || request.expiresSeconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`presigned URLs are valid 1 to ${MAX_PRESIGN_SECONDS} s, not ${request.expiresSeconds}`);
  }
  const base = new URL(request.endpoint);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = `/${sigv4Encode(request.bucket)}/${sigv4Encode(request.key, true)}`;
  const date = amzDate(request.now ?? Date.now());
  const day = date.slice(0, 8);
  const scope = `${day}/${request.region}/s3/aws4_request`;
  const query: [string, string][] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${request.accessKeyId}/${scope}`],
    ['X-Amz-Date', date],
    ['X-Amz-Expires', String(request.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  // Only the host is signed: the caller may then send any content-type or length.
  const canonical = [request.method, `${prefix}${path}`, canonicalQueryString(query), `host:${base.host}\n`, 'host', UNSIGNED_PAYLOAD].join('\n');
  const stringToSign = [ALGORITHM, date, scope, sha256Hex(canonical)].join('\n');
  const signature = createHmac('sha256', signingKey(request.secretAccessKey, day, request.region)).update(stringToSign, 'utf8').digest('hex');
  query.push(['X-Amz-Signature', signature]);
  return {
    url: `${base.origin}${prefix}${path}?${canonicalQueryString(query)}`,
    path,
    query: Object.fromEntries(query),
  };
}
