/**
 * A contract fake of the IBM Quantum System API (the on-premises API, formerly "Direct Access API"):
 * a real HTTP server on loopback with IAM login, backends, execution lanes, jobs with client-chosen
 * ids, and an S3-compatible store for the presigned input/results/logs URLs. README.md documents the
 * API as reconstructed from qrmi's client, and what is this fake's own choice.
 */
import { venvPython } from '../../helpers/python.js';
import { Auth } from './auth.js';
import { DEFAULT_BACKENDS, type BackendSpec, type BackendStatus, type FakeBackend } from './backends.js';
import { apiError } from './errors.js';
import { Faults, type Fault } from './faults.js';
import { isFinal, type FakeJob, type JobStatus } from './jobs.js';
import type { LaneUsage } from './lanes.js';
import { RequestLog, type RequestLogEntry } from './log.js';
import { apiRoutes, match, routeNotFound } from './routes.js';
import { startServer, type Dispatcher } from './server.js';
import { QuantumSystemService } from './service.js';
import { ObjectStore, type S3Credentials } from './storage.js';
import { randomBytes } from 'node:crypto';

export type { BackendSpec, BackendStatus, FakeBackend } from './backends.js';
export type { Fault, FaultKind } from './faults.js';
export type { FakeJob, JobStatus } from './jobs.js';
export type { LaneUsage } from './lanes.js';
export type { RequestLogEntry } from './log.js';
export type { S3Credentials, StoredObject } from './storage.js';
export { REASON } from './execution.js';
export { API_ERRORS } from './errors.js';

export interface IbmSystemFakeOptions {
  /** Loopback address to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** API port (also serves IAM's /identity/token). Default 0: any free port. */
  readonly port?: number;
  /** Storage (S3) port. Default 0. */
  readonly s3Port?: number;
  /** Default: fake_fez (online, 2 lanes, queue 2), fake_torino (paused), fake_kyiv (offline). */
  readonly backends?: readonly BackendSpec[];
  readonly apiKey?: string;
  readonly serviceCrn?: string;
  readonly bucket?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** Lifetime of issued access tokens, seconds. Default 3600. */
  readonly tokenTtlSeconds?: number;
  /** How long each job stays Running, ms. Default 0. */
  readonly runDelayMs?: number;
  /** Python for QPY circuits; default: the pinned test venv (made on first need). */
  readonly python?: string;
  /** Also append each request log entry to this file as a JSON line. */
  readonly logFile?: string;
}

export interface IbmSystemCredentials {
  /** IBM Cloud API key for IAM (`POST {iamEndpoint}/identity/token`). */
  readonly apiKey: string;
  /** Sent as the `Service-CRN` header on every API call. */
  readonly serviceCrn: string;
  /** IAM base URL: the fake's own URL. */
  readonly iamEndpoint: string;
  /** Deprecated App ID login for `POST /v1/token`. */
  readonly appId: { readonly username: string; readonly password: string };
  /** The deployment's S3-compatible bucket and its AWS-style access key. */
  readonly s3: S3Credentials;
}

export interface IbmSystemFake {
  /** API base URL, `http://127.0.0.1:PORT` (paths start /v1/...). */
  readonly url: string;
  readonly credentials: IbmSystemCredentials;
  /** The `<backend>_QRMI_IBM_QS_*` environment qrmi's IBMQuantumSystem reads. */
  qrmiEnv(backend: string, timeoutSeconds?: number): Record<string, string>;
  readonly backends: {
    list(): readonly FakeBackend[];
    get(name: string): FakeBackend | undefined;
    setStatus(name: string, status: BackendStatus, message?: string): void;
    /** Locked by a reservation: POST /v1/jobs answers 1233 until unlocked. */
    reserve(name: string, locked?: boolean): void;
  };
  readonly lanes: {
    /** Lanes (jobs at once) and queue places for a backend; queued jobs start at once if lanes grew. */
    set(backend: string, lanes: number, queue?: number): void;
    usage(backend: string): LaneUsage;
  };
  /** Every request, in arrival order (live). */
  readonly requests: readonly RequestLogEntry[];
  /** Jobs by id (live; deleted jobs disappear). */
  readonly jobs: ReadonlyMap<string, FakeJob>;
  /** The bucket's objects and a presigner for tests that speak the protocol by hand. */
  readonly storage: {
    readonly objects: ReadonlyMap<string, { readonly body: Buffer; readonly contentType: string }>;
    presign(method: 'GET' | 'PUT', key: string, expiresSeconds?: number): string;
    put(key: string, body: string | Buffer): void;
    text(key: string): string | undefined;
  };
  /** Arms a fault on a route (`POST /v1/jobs`, `GET /v1/jobs/:id`, `*`, `S3 PUT`, `execution`) for the next `times` calls. */
  fail(route: string, fault: Fault, times?: number): void;
  clearFaults(route?: string): void;
  /** How long each job that starts from now on stays Running, ms. */
  setRunDelay(ms: number): void;
  readonly auth: { expireTokens(): void; setTokenTtl(seconds: number): void };
  /** Resolves with the job once it is in one of `statuses` (default: any final one). */
  waitForJob(id: string, statuses?: readonly JobStatus[], timeoutMs?: number): Promise<FakeJob>;
  close(): Promise<void>;
}

export async function startIbmSystemFake(options: IbmSystemFakeOptions = {}): Promise<IbmSystemFake> {
  const host = options.host ?? '127.0.0.1';
  const faults = new Faults();
  const log = new RequestLog(options.logFile);
  const auth = new Auth(
    {
      apiKey: options.apiKey ?? `fake-apikey-${randomBytes(12).toString('hex')}`,
      serviceCrn: options.serviceCrn ?? 'crn:v1:bluemix:public:quantum-computing:us-east:a/fakeaccount:fakeinstance::',
      appId: { username: 'fake-appid-user', password: `fake-appid-${randomBytes(8).toString('hex')}` },
    },
    options.tokenTtlSeconds ?? 3600,
  );
  let python: string | undefined = options.python;
  const service = new QuantumSystemService({ backends: options.backends ?? DEFAULT_BACKENDS, faults, python: () => (python ??= venvPython()) });
  service.runDelayMs = options.runDelayMs ?? 0;
  const store = new ObjectStore({
    endpoint: '',
    bucket: options.bucket ?? 'fake-qs-bucket',
    region: options.region ?? 'us-east-1',
    accessKeyId: options.accessKeyId ?? `FAKEAKID${randomBytes(6).toString('hex').toUpperCase()}`,
    secretAccessKey: options.secretAccessKey ?? randomBytes(20).toString('base64url'),
  });

  const routes = apiRoutes(service, auth);
  const api: Dispatcher = {
    name: 'api',
    routeOf: (req) => {
      const found = match(routes, req.method, req.segments);
      return found === undefined ? undefined : `${found.route.method} ${found.route.pattern}`;
    },
    handle: (req, fault) => {
      const found = match(routes, req.method, req.segments);
      if (found === undefined) return routeNotFound(req.method, req.rawPath);
      if (found.route.auth) {
        const refused = auth.check(req);
        if (refused !== undefined) return refused;
      }
      const forced = fault?.kind === 'lane-limit' ? 'laneLimit' : fault?.kind === 'reserved' ? 'backendReserved' : undefined;
      return found.route.handle(found.params, req, forced);
    },
    faultReply: (fault) => {
      if (fault.kind === 'rate-limit') {
        const seconds = fault.retryAfterSeconds ?? 1;
        return apiError('rateLimited', 'Too many requests. Retry after the time the Retry-After header gives.', { 'retry-after': String(seconds) });
      }
      if (fault.kind === 'status') return apiError('internal', 'Internal server error.', {}, fault.status ?? 503);
      return undefined;
    },
    tooLarge: () => apiError('bodyTooLarge', 'The request body is too large.'),
  };
  const s3: Dispatcher = {
    name: 's3',
    routeOf: (req) => `S3 ${req.method}`,
    handle: (req) => store.handle(req),
    faultReply: (fault) => {
      const xml = (status: number, code: string, message: string, headers: Record<string, string> = {}): { status: number; headers: Record<string, string>; body: string } => ({
        status,
        headers: { 'content-type': 'application/xml', ...headers },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      });
      if (fault.kind === 'rate-limit') return xml(503, 'SlowDown', 'Please reduce your request rate.', { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
      if (fault.kind === 'status') return xml(fault.status ?? 500, 'InternalError', 'We encountered an internal error. Please try again.');
      return undefined;
    },
    tooLarge: () => ({ status: 400, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>EntityTooLarge</Code></Error>' }),
  };

  const apiServer = await startServer(api, faults, log, host, options.port ?? 0);
  const s3Server = await startServer(s3, faults, log, host, options.s3Port ?? 0).catch(async (error: unknown) => {
    await apiServer.close();
    throw error;
  });
  store.setEndpoint(s3Server.url);

  const backend = (name: string): FakeBackend => {
    const found = service.backends.get(name);
    if (found === undefined) throw new Error(`the fake has no backend ${name}`);
    return found;
  };

  return {
    url: apiServer.url,
    get credentials(): IbmSystemCredentials {
      return { apiKey: auth.credentials.apiKey, serviceCrn: auth.credentials.serviceCrn, iamEndpoint: apiServer.url, appId: auth.credentials.appId, s3: store.credentials };
    },
    qrmiEnv(name, timeoutSeconds = 600) {
      const c = store.credentials;
      return {
        [`${name}_QRMI_IBM_QS_ENDPOINT`]: apiServer.url,
        [`${name}_QRMI_IBM_QS_IAM_ENDPOINT`]: apiServer.url,
        [`${name}_QRMI_IBM_QS_IAM_APIKEY`]: auth.credentials.apiKey,
        [`${name}_QRMI_IBM_QS_SERVICE_CRN`]: auth.credentials.serviceCrn,
        [`${name}_QRMI_IBM_QS_AWS_ACCESS_KEY_ID`]: c.accessKeyId,
        [`${name}_QRMI_IBM_QS_AWS_SECRET_ACCESS_KEY`]: c.secretAccessKey,
        [`${name}_QRMI_IBM_QS_S3_ENDPOINT`]: c.endpoint,
        [`${name}_QRMI_IBM_QS_S3_BUCKET`]: c.bucket,
        [`${name}_QRMI_IBM_QS_S3_REGION`]: c.region,
        [`${name}_QRMI_JOB_TIMEOUT_SECONDS`]: String(timeoutSeconds),
      };
    },
    backends: {
      list: () => [...service.backends.values()],
      get: (name) => service.backends.get(name),
      setStatus: (name, status, message) => {
        const b = backend(name);
        b.status = status;
        b.message = message;
      },
      reserve: (name, locked = true) => {
        backend(name).locked = locked;
      },
    },
    lanes: {
      set: (name, lanes, queue) => {
        const b = backend(name);
        b.lanes = lanes;
        if (queue !== undefined) b.queue = queue;
        service.promote(b);
      },
      usage: (name) => service.lanes.usage(backend(name)),
    },
    requests: log.entries,
    jobs: service.jobs,
    storage: {
      objects: store.objects,
      presign: (method, key, expiresSeconds) => store.presign(method, key, expiresSeconds),
      put: (key, body) => store.put(key, body),
      text: (key) => store.text(key),
    },
    fail: (route, fault, times) => faults.add(route, fault, times),
    clearFaults: (route) => faults.clear(route),
    setRunDelay: (ms) => {
      service.runDelayMs = ms;
    },
    auth: { expireTokens: () => auth.expireTokens(), setTokenTtl: (seconds) => auth.setTokenTtl(seconds) },
    waitForJob: async (id, statuses, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = service.jobs.get(id);
        if (job !== undefined && (statuses === undefined ? isFinal(job) : statuses.includes(job.status))) return job;
        if (Date.now() > deadline) throw new Error(`job ${id} did not reach ${statuses?.join('/') ?? 'a final status'} (now ${job?.status ?? 'absent'})`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: async () => {
      await service.shutdown();
      await Promise.all([apiServer.close(), s3Server.close()]);
    },
  };
}
