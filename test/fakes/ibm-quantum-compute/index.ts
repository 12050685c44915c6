/**
 * A contract fake of IBM Quantum's Qiskit Runtime REST API (IBM Cloud channel) and IBM Cloud IAM, as
 * a real HTTP server on loopback. See README.md for what it serves and how qiskit-ibm-runtime is
 * pointed at it.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Core, type RateLimit } from './core.js';
import { checkDevices, DEFAULT_DEVICES, type DeviceSpec } from './devices.js';
import type { FaultSpec } from './faults.js';
import { RequestLog } from '../shared/request-log.js';
import type { IbmRequestRecord } from './request-log.js';
import type { Mount } from './router.js';
import { backendRoutes } from './routes/backends.js';
import { jobRoutes } from './routes/jobs.js';
import { globalCatalogRoutes, globalSearchRoutes, iamRoutes, usageRoutes } from './routes/platform.js';
import { sessionRoutes } from './routes/sessions.js';
import { createFakeServer, RUNTIME_PREFIX } from './server.js';
import type { FakeJob, FakeSession } from './state.js';

export type { DeviceSpec } from './devices.js';
export type { Fault, FaultSpec } from './faults.js';
export type { IbmRequestRecord as RequestRecord } from './request-log.js';
export type { FakeJob, FakeSession, JobStatus } from './state.js';
export type { RateLimit } from './core.js';

const GLOBAL_SEARCH_PREFIX = '/global-search';
const GLOBAL_CATALOG_PREFIX = '/global-catalog/api/v1';

export interface IbmComputeFakeOptions {
  /** TCP port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number;
  /** The one API key IAM accepts; default: random. */
  readonly apiKey?: string;
  /** The instance CRN the Runtime API serves; default: a us-east CRN with a random id. */
  readonly instance?: string;
  readonly devices?: readonly DeviceSpec[];
  /** How long a job stays Queued (ms); default 50. */
  readonly queueDelayMs?: number;
  /** How long a job stays Running before it executes (ms); default 0. */
  readonly runDelayMs?: number;
  /** Lifetime of IAM access tokens (s); default 3600. ibm-cloud-sdk-core needs more than 10. */
  readonly tokenLifetimeSeconds?: number;
  /** Python interpreter with qiskit, to read QPY circuits; without it only OpenQASM circuits are read. */
  readonly python?: string;
  /** Per-token request limit on the Runtime API; default none. */
  readonly rateLimit?: RateLimit;
  /** Append each request record (JSON lines) to this file. */
  readonly logFile?: string;
  /** Keep every job Queued until `releaseHeld()`; default false. */
  readonly holdQueue?: boolean;
}

export interface IbmComputeFake {
  /** Runtime API base, e.g. http://127.0.0.1:PORT/api/v1 (paths below it: /backends, /jobs, ...). */
  readonly url: string;
  /** IAM base; the token endpoint is `${iamUrl}/identity/token`. */
  readonly iamUrl: string;
  /** IBM Cloud Global Search base (qiskit-ibm-runtime's GLOBAL_SEARCH_URL). */
  readonly globalSearchUrl: string;
  /** IBM Cloud Global Catalog base (qiskit-ibm-runtime's GLOBAL_CATALOG_URL). */
  readonly globalCatalogUrl: string;
  readonly apiKey: string;
  /** The instance CRN (send it as Service-CRN). */
  readonly instance: string;
  readonly devices: readonly DeviceSpec[];
  readonly requests: readonly IbmRequestRecord[];
  readonly jobs: ReadonlyMap<string, FakeJob>;
  readonly sessions: ReadonlyMap<string, FakeSession>;
  /** Requests per route name, e.g. {'POST /jobs': 2, 'POST /identity/token': 1}. */
  counts(): Record<string, number>;
  /** Arms a fault for the next `times` calls of `route` (default: until clearFaults). */
  fail(route: string, fault: FaultSpec, times?: number): void;
  clearFaults(route?: string): void;
  setQueueDelay(ms: number): void;
  /** With `holdQueue`: lets held jobs (and every later one) start their queue delay. */
  releaseHeld(): void;
  setTokenLifetime(seconds: number): void;
  /** Request lines (`METHOD path`) whose URL carries the API key or a token IAM issued. */
  secretsInUrls(): string[];
  /** Environment that points qiskit-ibm-runtime's IAM and instance lookup at this fake. */
  clientEnv(): Record<string, string>;
  close(): Promise<void>;
}

function randomCrn(): string {
  return `crn:v1:bluemix:public:quantum-computing:us-east:a/${randomBytes(16).toString('hex')}:${randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}::`;
}

export async function startIbmComputeFake(options: IbmComputeFakeOptions = {}): Promise<IbmComputeFake> {
  const devices = options.devices ?? DEFAULT_DEVICES;
  checkDevices(devices);
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  if (!(lifetime > 0)) throw new Error('tokenLifetimeSeconds must be positive');
  const core = new Core({
    apiKey: options.apiKey ?? randomBytes(22).toString('base64url'),
    instance: options.instance ?? randomCrn(),
    devices,
    queueDelayMs: options.queueDelayMs ?? 50,
    runDelayMs: options.runDelayMs ?? 0,
    tokenLifetimeSeconds: lifetime,
    python: options.python,
    rateLimit: options.rateLimit,
    holdQueue: options.holdQueue,
  });
  const mounts: Mount[] = [
    { prefix: RUNTIME_PREFIX, routes: [...backendRoutes, ...sessionRoutes, ...jobRoutes, ...usageRoutes] },
    { prefix: GLOBAL_SEARCH_PREFIX, routes: globalSearchRoutes },
    { prefix: GLOBAL_CATALOG_PREFIX, routes: globalCatalogRoutes },
    { prefix: '', routes: iamRoutes },
  ];
  const log = new RequestLog<IbmRequestRecord>(options.logFile);
  const server = createFakeServer(core, mounts, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const fake: IbmComputeFake = {
    url: `${origin}${RUNTIME_PREFIX}`,
    iamUrl: origin,
    globalSearchUrl: `${origin}${GLOBAL_SEARCH_PREFIX}`,
    globalCatalogUrl: `${origin}${GLOBAL_CATALOG_PREFIX}`,
    apiKey: core.options.apiKey,
    instance: core.options.instance,
    devices,
    requests: log.records,
    jobs: core.jobs,
    sessions: core.sessions,
    counts: () => log.counts(),
    fail: (route, fault, times) => core.faults.add(route, fault, times),
    clearFaults: (route) => core.faults.clear(route),
    setQueueDelay: (ms) => {
      core.queueDelayMs = ms;
    },
    releaseHeld: () => core.releaseHeld(),
    setTokenLifetime: (seconds) => {
      core.iam.lifetimeSeconds = seconds;
    },
    secretsInUrls: () => log.urlsContaining(core.iam.secrets()),
    clientEnv: () => ({ IAM_URL: origin, GLOBAL_SEARCH_URL: fake.globalSearchUrl, GLOBAL_CATALOG_URL: fake.globalCatalogUrl }),
    close: async () => {
      core.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
