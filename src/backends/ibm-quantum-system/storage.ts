/**
 * The job store: the deployment's S3-compatible bucket where a job's input waits for the service and
 * its results and log come back. Objects are named as qrmi names them (`input_<id>.json`,
 * `results_<id>.json`, `logs_<id>.json`). The service gets presigned URLs only; the gateway reads and
 * writes through the same kind of URL on its own HTTP client, so the secret key never leaves it.
 */
import { QrunError } from '../../errors.js';
import { isHttpStatusError, type HttpClient } from '../../http/index.js';
import type { SecretValue } from '../../secrets/value.js';
import { mapStorageError } from './errors.js';
import { MAX_PRESIGN_SECONDS, presign } from './sigv4.js';

export type ObjectKind = 'input' | 'results' | 'logs';

export function objectKey(kind: ObjectKind, jobId: string): string {
  return `${kind}_${jobId}.json`;
}

export interface JobStoreOptions {
  /** A client whose base URL is the store's endpoint, as the gateway reaches it. */
  readonly http: HttpClient;
  /** The store as the Quantum System service reaches it; default: the gateway's endpoint. */
  readonly serviceEndpoint?: string | undefined;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: SecretValue;
  readonly now?: () => number;
}

/** A gateway's own request needs its URL for a moment only: long enough to retry, short enough to be worthless later. */
const OWN_URL_SECONDS = 15 * 60;

export interface JobStore {
  /** A URL the service may use for `seconds` to GET (input) or PUT (results, logs) one object. */
  presignForService(method: 'GET' | 'PUT', key: string, seconds: number): string;
  put(key: string, body: string, signal?: AbortSignal): Promise<void>;
  /** The object's text, or undefined when the store has no such key. */
  get(key: string, signal?: AbortSignal): Promise<string | undefined>;
  delete(key: string, signal?: AbortSignal): Promise<void>;
}

export function createJobStore(options: JobStoreOptions): JobStore {
  const { http } = options;
  const now = options.now ?? Date.now;
  const sign = (method: 'GET' | 'PUT' | 'DELETE', endpoint: string, key: string, seconds: number) =>
    presign({
      method,
      endpoint,
      bucket: options.bucket,
      key,
      region: options.region,
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey.reveal(),
      expiresSeconds: Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.ceil(seconds))),
      now: now(),
    });

  async function send(method: 'GET' | 'PUT' | 'DELETE', key: string, what: string, init: { body?: string; signal?: AbortSignal | undefined; expect?: number[] }) {
    const url = sign(method, http.baseUrl, key, OWN_URL_SECONDS);
    try {
      return await http.request<string | null>({
        method,
        path: url.path,
        query: url.query,
        ...(init.body === undefined ? {} : { body: init.body, headers: { 'content-type': 'application/json' } }),
        responseType: 'text',
        expect: init.expect,
        signal: init.signal,
      });
    } catch (error) {
      throw isHttpStatusError(error) ? mapStorageError(error, what) : error;
    }
  }

  return {
    presignForService: (method, key, seconds) => sign(method, options.serviceEndpoint ?? http.baseUrl, key, seconds).url,
    async put(key, body, signal) {
      await send('PUT', key, `store ${key}`, { body, signal });
    },
    async get(key, signal) {
      const reply = await send('GET', key, `read ${key}`, { signal, expect: [200, 404] });
      if (reply.status !== 404) return reply.body ?? '';
      // A missing object is an answer; a missing bucket is a misconfiguration.
      if (!(reply.body ?? '').includes('<Code>NoSuchBucket</Code>')) return undefined;
      throw new QrunError('BACKEND_UNAVAILABLE', `${http.backend}: the job store has no bucket ${options.bucket}`, {
        hint: 'Set s3_bucket in the catalogue entry to the bucket the deployment gave this site.',
        details: { backend: http.backend, bucket: options.bucket },
      });
    },
    async delete(key, signal) {
      await send('DELETE', key, `delete ${key}`, { signal, expect: [200, 204, 404] });
    },
  };
}
