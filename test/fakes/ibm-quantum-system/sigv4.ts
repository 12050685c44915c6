/**
 * AWS Signature Version 4 as S3 checks it, for both forms qrmi's aws-sdk-s3 uses: the
 * `Authorization: AWS4-HMAC-SHA256 ...` header (PutObject/GetObject) and presigned query strings
 * (the input/results/logs URLs handed to the API). Checking signatures for real means a client that
 * signs the wrong canonical request fails here, not first against a customer's bucket.
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, `/` only when asked. */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, '%20'));
  } catch {
    return raw;
  }
}

/** Query pairs decoded, in request order. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? [decodeComponent(pair), ''] : [decodeComponent(pair.slice(0, eq)), decodeComponent(pair.slice(eq + 1))];
  });
}

export function canonicalQuery(pairs: readonly [string, string][]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** S3 signs the path as sent (segments encoded once, never normalised). */
export function canonicalPath(rawPath: string): string {
  return uriEncode(decodeComponent(rawPath), true);
}

export interface SignInput {
  readonly method: string;
  readonly rawPath: string;
  readonly query: readonly [string, string][];
  /** Lower-case names → values, for the signed headers only. */
  readonly headers: Readonly<Record<string, string>>;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
  readonly amzDate: string;
  readonly scope: string;
  readonly secretAccessKey: string;
}

export function canonicalRequest(input: SignInput): string {
  const headerLines = input.signedHeaders.map((name) => `${name}:${(input.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  return [input.method, canonicalPath(input.rawPath), canonicalQuery(input.query), headerLines, input.signedHeaders.join(';'), input.payloadHash].join('\n');
}

export function signature(input: SignInput): string {
  const [date = '', region = '', service = ''] = input.scope.split('/');
  const stringToSign = [ALGORITHM, input.amzDate, input.scope, sha256Hex(canonicalRequest(input))].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** `20240102T030405Z` → epoch milliseconds (NaN when malformed). */
export function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function formatAmzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface PresignOptions {
  readonly method: 'GET' | 'PUT';
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly bucket: string;
  readonly key: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly expiresSeconds: number;
  readonly now?: number;
}

/** A path-style presigned URL, signed the way aws-sdk-s3 signs one (host header only, unsigned payload). */
export function presignUrl(options: PresignOptions): string {
  const url = new URL(options.endpoint);
  const amzDate = formatAmzDate(options.now ?? Date.now());
  const scope = `${amzDate.slice(0, 8)}/${options.region}/s3/aws4_request`;
  const rawPath = `/${uriEncode(options.bucket)}/${uriEncode(options.key, true)}`;
  const query: [string, string][] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${options.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(options.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const sig = signature({
    method: options.method,
    rawPath,
    query,
    headers: { host: url.host },
    signedHeaders: ['host'],
    payloadHash: UNSIGNED_PAYLOAD,
    amzDate,
    scope,
    secretAccessKey: options.secretAccessKey,
  });
  return `${url.origin}${rawPath}?${canonicalQuery(query)}&X-Amz-Signature=${sig}`;
}
