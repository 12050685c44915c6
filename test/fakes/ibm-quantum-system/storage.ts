/**
 * A minimal S3-compatible store on its own loopback port: one bucket, path-style addressing, SigV4
 * checked for header-signed requests (what aws-sdk-s3 sends for PutObject/GetObject) and presigned
 * URLs (what the API is given for input, results and logs). Errors are S3's XML bodies.
 */
import { createHash, randomUUID } from 'node:crypto';
import { header, type FakeRequest, type Reply } from './http.js';
import { ALGORITHM, parseAmzDate, parseQuery, presignUrl, sha256Hex, signature, UNSIGNED_PAYLOAD } from './sigv4.js';

export interface S3Credentials {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly lastModified: Date;
}

function xmlError(status: number, code: string, message: string, extra: Record<string, string> = {}): Reply {
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: randomUUID() })
    .map(([k, v]) => `<${k}>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`)
    .join('');
  return { status, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>` };
}

/** `Content-Encoding: aws-chunked` bodies: `<hex size>[;chunk-signature=..]\r\n<data>\r\n` ... `0\r\n[trailers]\r\n`. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

type AuthResult = { ok: true } | { ok: false; reply: Reply };

export class ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  #credentials: S3Credentials;

  constructor(credentials: S3Credentials) {
    this.#credentials = credentials;
  }

  get credentials(): S3Credentials {
    return this.#credentials;
  }

  /** Set once the port is known. */
  setEndpoint(endpoint: string): void {
    this.#credentials = { ...this.#credentials, endpoint };
  }

  presign(method: 'GET' | 'PUT', key: string, expiresSeconds = 3600): string {
    return presignUrl({ ...this.#credentials, method, key, expiresSeconds });
  }

  put(key: string, body: Buffer | string, contentType = 'application/json'): void {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    this.objects.set(key, { body: bytes, contentType, etag: `"${createHash('md5').update(bytes).digest('hex')}"`, lastModified: new Date() });
  }

  text(key: string): string | undefined {
    return this.objects.get(key)?.body.toString('utf8');
  }

  #authenticate(req: FakeRequest): AuthResult {
    const query = parseQuery(req.rawQuery);
    const q = new Map(query);
    const denied = (code: string, message: string): AuthResult => ({ ok: false, reply: xmlError(403, code, message) });
    let credential: string;
    let signedHeaders: string[];
    let given: string;
    let amzDate: string;
    let payloadHash: string;
    let signedQuery = query;
    const authorization = header(req, 'authorization');
    if (q.has('X-Amz-Signature')) {
      if (q.get('X-Amz-Algorithm') !== ALGORITHM) return denied('AccessDenied', 'Unsupported presigned algorithm.');
      credential = q.get('X-Amz-Credential') ?? '';
      signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
      given = q.get('X-Amz-Signature') ?? '';
      amzDate = q.get('X-Amz-Date') ?? '';
      payloadHash = q.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
      signedQuery = query.filter(([k]) => k !== 'X-Amz-Signature');
      const expires = Number(q.get('X-Amz-Expires') ?? 'NaN');
      const start = parseAmzDate(amzDate);
      if (!Number.isFinite(expires) || !Number.isFinite(start)) return denied('AuthorizationQueryParametersError', 'X-Amz-Date or X-Amz-Expires is malformed.');
      if (Date.now() > start + expires * 1000) return denied('AccessDenied', 'Request has expired');
    } else if (authorization?.startsWith(`${ALGORITHM} `)) {
      const fields = new Map(
        authorization
          .slice(ALGORITHM.length + 1)
          .split(',')
          .map((f) => f.trim().split('=') as [string, string]),
      );
      credential = fields.get('Credential') ?? '';
      signedHeaders = (fields.get('SignedHeaders') ?? '').split(';');
      given = fields.get('Signature') ?? '';
      amzDate = header(req, 'x-amz-date') ?? '';
      payloadHash = header(req, 'x-amz-content-sha256') ?? '';
      if (payloadHash === '') return { ok: false, reply: xmlError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256') };
    } else {
      return denied('AccessDenied', 'Access Denied');
    }
    const [accessKeyId, ...scopeParts] = credential.split('/');
    if (accessKeyId !== this.#credentials.accessKeyId) return denied('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) headers[name] = header(req, name) ?? '';
    const expected = signature({
      method: req.method,
      rawPath: req.rawPath,
      query: signedQuery,
      headers,
      signedHeaders,
      payloadHash,
      amzDate,
      scope: scopeParts.join('/'),
      secretAccessKey: this.#credentials.secretAccessKey,
    });
    if (expected !== given) return denied('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256Hex(req.body)) {
      return { ok: false, reply: xmlError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.') };
    }
    return { ok: true };
  }

  handle(req: FakeRequest): Reply {
    const [bucket, ...keyParts] = req.segments;
    const key = keyParts.join('/');
    if (bucket === undefined || bucket === '') return xmlError(400, 'InvalidRequest', 'This store serves path-style object requests only.');
    const auth = this.#authenticate(req);
    if (!auth.ok) return auth.reply;
    if (bucket !== this.#credentials.bucket) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    if (key === '') return xmlError(501, 'NotImplemented', 'Bucket-level operations are not served by this fake.');
    switch (req.method) {
      case 'PUT': {
        const chunked = (header(req, 'content-encoding') ?? '').includes('aws-chunked') || (header(req, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-');
        this.put(key, chunked ? decodeAwsChunked(req.body) : req.body, header(req, 'content-type') ?? 'application/octet-stream');
        return { status: 200, headers: { etag: this.objects.get(key)?.etag ?? '' } };
      }
      case 'GET':
      case 'HEAD': {
        const object = this.objects.get(key);
        if (object === undefined) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key, BucketName: bucket });
        const headers = { 'content-type': object.contentType, etag: object.etag, 'last-modified': object.lastModified.toUTCString(), 'accept-ranges': 'bytes' };
        // HEAD says how long the object is without sending it.
        return req.method === 'GET' ? { status: 200, headers, body: object.body } : { status: 200, headers: { ...headers, 'content-length': String(object.body.length) } };
      }
      case 'DELETE':
        this.objects.delete(key);
        return { status: 204 };
      default:
        return xmlError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }
}
