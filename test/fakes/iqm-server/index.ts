/**
 * A contract fake of IQM Server's REST API (v1), as a real HTTP server on loopback. See README.md
 * for what it serves; iqm-client.test.ts drives it with IQM's own iqm-client 36 (and its Qiskit
 * adapter) from the pinned `iqm` Python set.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FaultSpec } from '../ibm-quantum-compute/faults.js';
import { RequestLog, type RequestRecord } from '../shared/request-log.js';
import { Core, createFakeServer, type RateLimit } from './server.js';
import { QuantumComputer, type FakeJob, type FakeServerError, type FakeTimeslot, type QuantumComputerSpec } from './state.js';

export type { QuantumComputerSpec, FakeJob, FakeTimeslot, JobStatus } from './state.js';
export type { RequestRecord } from '../shared/request-log.js';

export const DEFAULT_COMPUTERS: readonly QuantumComputerSpec[] = [{ alias: 'iqm_loopback', qubits: 5, maxShots: 100_000, maxCircuits: 200 }];

export interface IqmServerFakeOptions {
  /** TCP port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number;
  /** The one API token the server accepts; default: random. */
  readonly token?: string;
  readonly computers?: readonly QuantumComputerSpec[];
  /** How long a job stays waiting (ms); default 50. */
  readonly queueDelayMs?: number;
  /** How long a job stays processing before it runs (ms); default 0. */
  readonly runDelayMs?: number;
  /** Jobs (and bookings) the account can pay for; default unlimited. */
  readonly credits?: number;
  readonly rateLimit?: RateLimit;
  /** Append each request record (JSON lines) to this file. */
  readonly logFile?: string;
}

export interface IqmServerFake {
  /** The server's base URL (what iqm-client calls iqm_server_url): http://127.0.0.1:PORT. */
  readonly url: string;
  readonly token: string;
  readonly computers: readonly QuantumComputerSpec[];
  readonly requests: readonly RequestRecord[];
  readonly jobs: ReadonlyMap<string, FakeJob>;
  readonly timeslots: ReadonlyMap<string, FakeTimeslot>;
  /** Requests per route name, e.g. {'POST /jobs/{qc}/circuit': 1}. */
  counts(): Record<string, number>;
  /** Arms a fault for the next `times` calls of `route` (default: until clearFaults). */
  fail(route: string, fault: FaultSpec, times?: number): void;
  clearFaults(route?: string): void;
  /** The next job accepted fails while processing with this server error. */
  failNextJob(error?: Partial<FakeServerError>): void;
  setQueueDelay(ms: number): void;
  setCredits(jobs: number): void;
  setTimeslotsAvailable(available: boolean): void;
  setHealthy(alias: string, healthy: boolean): void;
  /** Request lines whose URL carries the token (expected: []). */
  secretsInUrls(): string[];
  close(): Promise<void>;
}

export async function startIqmServerFake(options: IqmServerFakeOptions = {}): Promise<IqmServerFake> {
  const specs = options.computers ?? DEFAULT_COMPUTERS;
  const computers = new Map(specs.map((spec) => [spec.alias, new QuantumComputer(spec)]));
  const core = new Core(options.token ?? `iqm-fake-${randomBytes(24).toString('base64url')}`, computers, {
    queueDelayMs: options.queueDelayMs ?? 50,
    runDelayMs: options.runDelayMs ?? 0,
    rateLimit: options.rateLimit,
  });
  if (options.credits !== undefined) core.credits = options.credits;
  const log = new RequestLog(options.logFile);
  const server = createFakeServer(core, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: core.token,
    computers: specs,
    requests: log.records,
    jobs: core.jobs,
    timeslots: core.timeslots,
    counts: () => log.counts(),
    fail: (route, fault, times) => core.faults.add(route, fault, times),
    clearFaults: (route) => core.faults.clear(route),
    failNextJob: (error = {}) => {
      core.nextFailure = { message: error.message ?? 'Circuit execution failed on the instrument.', error_code: error.error_code ?? 'execution_failed', source: error.source ?? 'iqm-station-control' };
    },
    setQueueDelay: (ms) => {
      core.queueDelayMs = ms;
    },
    setCredits: (jobs) => {
      core.credits = jobs;
    },
    setTimeslotsAvailable: (available) => {
      core.timeslotsAvailable = available;
    },
    setHealthy: (alias, healthy) => {
      const qc = computers.get(alias);
      if (qc === undefined) throw new Error(`no quantum computer ${alias}`);
      qc.healthy = healthy;
    },
    secretsInUrls: () => log.urlsContaining([core.token]),
    close: async () => {
      core.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
