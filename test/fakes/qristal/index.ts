/**
 * A contract fake of a Quantum Brilliance device's HTTP API (what Qristal's `qdk` backend talks to:
 * a QB QPU or a Qristal vQPU) as a real HTTP server on loopback. README.md lists its routes, its
 * readings of the API and its faults.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { RequestLog, type RequestRecord } from '../shared/request-log.js';
import { Device, type FakeCircuit, type Reservation } from './device.js';
import type { Model } from './execution.js';
import { Faults, type FaultSpec } from './faults.js';
import { createDeviceServer, type RateLimit } from './server.js';
import { signToken } from './token.js';


export interface QristalFakeOptions {
  readonly port?: number;
  /** The reservation shared secret tokens must be signed with; default: random. */
  readonly secret?: string;
  readonly model?: Model;
  /** Qubits the device has; default 4. */
  readonly qubits?: number;
  /** Most shots one circuit may ask for; default 1024. */
  readonly maxShots?: number;
  /** How long a circuit runs before its shots are there (ms); default 20. */
  readonly runDelayMs?: number;
  readonly rateLimit?: RateLimit;
  readonly logFile?: string;
}

export interface QristalFake {
  /** The device's base URL (the catalogue's endpoint), e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  readonly secret: string;
  readonly model: Model;
  readonly requests: readonly RequestRecord[];
  readonly circuits: ReadonlyMap<number, FakeCircuit>;
  /** The session holding the reservation now, or null. */
  reservation(): Reservation | null;
  counts(): Record<string, number>;
  fail(route: string, fault: FaultSpec, times?: number): void;
  clearFaults(route?: string): void;
  setRunDelay(ms: number): void;
  setRateLimit(limit: RateLimit | undefined): void;
  /** A reservation token for `session` until `endTime` (epoch s), as a site's reservation system signs one. */
  token(session: string, endTime: number, secret?: string): string;
  /** Request lines whose URL carries the shared secret or a token the fake was shown. */
  secretsInUrls(): string[];
  close(): Promise<void>;
}

export async function startQristalFake(options: QristalFakeOptions = {}): Promise<QristalFake> {
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const model = options.model ?? 'QB-QDK2-CZ';
  const device = new Device({ model, qubits: options.qubits ?? 4, maxShots: options.maxShots ?? 1024, runDelayMs: options.runDelayMs ?? 20 });
  const faults = new Faults();
  const log = new RequestLog(options.logFile);
  const tokens = new Set<string>();
  let rateLimit = options.rateLimit;
  const server = createDeviceServer({ device, faults, log, secret, tokens, rateLimit: () => rateLimit });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secret,
    model,
    requests: log.records,
    circuits: device.circuits,
    reservation: () => device.holder(Date.now() / 1000),
    counts: () => log.counts(),
    fail: (route, fault, times) => faults.add(route, fault, times),
    clearFaults: (route) => faults.clear(route),
    setRunDelay: (ms) => {
      device.options.runDelayMs = ms;
    },
    setRateLimit: (limit) => {
      rateLimit = limit;
    },
    token: (session, endTime, key = secret) => signToken({ session_id: session, end_time: endTime, requested_at: Math.floor(Date.now() / 1000), iss: 'qristal-fake' }, key),
    secretsInUrls: () => log.urlsContaining([secret, ...tokens]),
    close: async () => {
      device.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
