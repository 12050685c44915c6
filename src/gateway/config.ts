/**
 * What a gateway process is told at start, over the pipe on fd 3 (never argv or env): its job, the
 * token, the granted backends with their metadata and resolved credentials, and its limits. The
 * launcher (src/gateway/launch.ts, in the root-side hook) writes it; main.ts parses it here.
 *
 * Checked by hand rather than with zod: the gateway's start-up is on every QPU job's launch path, and
 * the input comes from the launcher, whose catalogue entries the catalogue schema already checked.
 */
import type { BackendMetadata } from '../backends/metadata.js';
import type { GatewayBackend } from '../backends/types.js';
import { QrunError } from '../errors.js';
import { SecretValue } from '../secrets/value.js';
import type { Usage } from './usage.js';

/** The process whose end means the job's end (the acquiring step's slurmstepd). */
export interface GatewayWatch {
  readonly pid: number;
  /** Its start time (/proc/<pid>/stat field 22), so a reused pid is not mistaken for it. */
  readonly start: number | null;
  /** True for the batch step: its end is the job's end; otherwise Slurm is asked. */
  readonly jobEnds: boolean;
}

export const GATEWAY_CONFIG_VERSION = 1;

export interface GatewayLimits {
  /** Largest request body, bytes. */
  readonly maxRequestBytes: number;
  /** Tasks queued or running at once for this job; more are refused (429). */
  readonly maxTasks: number;
  /** Tasks that run at the same time. */
  readonly concurrency: number;
  /** Finished tasks kept for status/result before the oldest are forgotten. */
  readonly keepFinished: number;
}

const DEFAULT_LIMITS: GatewayLimits = { maxRequestBytes: 16 * 1024 * 1024, maxTasks: 32, concurrency: 1, keepFinished: 256 };

/** A backend as it travels on the pipe. */
interface GatewayBackendWire {
  readonly name: string;
  readonly type: string;
  readonly description?: string | undefined;
  /** The catalogue's metadata; a vendor backend without one reads its target from the vendor. */
  readonly metadata?: BackendMetadata;
  /** True when the catalogue names a credential for it: the backend then refuses to run without one. */
  readonly secretRequired?: boolean;
  /** The resolved credential, present only on the pipe. */
  readonly secret?: string;
  /** The entry's type-specific fields (endpoint, device, ...); the backend's runner reads them. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The vendor session the hook opened at acquire, or null. */
  readonly session?: string | null;
}

/** The configuration as written on the pipe; fields with defaults may be left out. */
export interface GatewayConfigWire {
  readonly version: number;
  readonly jobId: number;
  /** The job's uid: the only peer uid accepted. */
  readonly uid: number;
  readonly token: string;
  /** Epoch seconds when the allocation ends; null: no end known. */
  readonly deadline: number | null;
  readonly socketPath: string;
  /**
   * A listening socket the launcher already bound at socketPath and handed over on this descriptor:
   * the gateway serves it and reports nothing on fd 4. Absent or null: it binds socketPath itself.
   */
  readonly listenFd?: number | null;
  /** Also listen on 127.0.0.1 (a random port). Default false. */
  readonly tcp?: boolean;
  readonly backends: readonly GatewayBackendWire[];
  readonly limits?: Partial<GatewayLimits>;
  /** Usage is written here (atomically) after tasks end and at exit. */
  readonly usageFile: string;
  /** For the job-gone check (`scontrol show job`). Default null. */
  readonly slurmConf?: string | null;
  /** Seconds between job-gone checks; 0 disables them. Default 30. */
  readonly jobCheckSeconds?: number;
  /** pino level. Default info. */
  readonly logLevel?: string;
  /** Shared-backoff directory of this node's gateways (service user's); absent: in memory. */
  readonly backoffDir?: string | null;
  /** Watched so the gateway stops serving within a second of the job's end, whatever handler died. */
  readonly watch?: GatewayWatch;
  /** Usage a previous gateway of this job recorded before it died: the meter counts on from it. */
  readonly usage?: Usage;
}

export type { GatewayBackend };

/** The parsed configuration; secrets are wrapped again as soon as they leave the pipe. */
export interface GatewayConfig {
  readonly version: number;
  readonly jobId: number;
  readonly uid: number;
  readonly token: string;
  readonly deadline: number | null;
  readonly socketPath: string;
  readonly listenFd: number | null;
  readonly tcp: boolean;
  /** Address the TCP listener binds; default 127.0.0.1 (a served vqpu binds the node's). */
  readonly tcpHost?: string | undefined;
  /** Port of the TCP listener; default 0 (any free one). */
  readonly tcpPort?: number | undefined;
  readonly backends: readonly GatewayBackend[];
  readonly limits: GatewayLimits;
  readonly usageFile: string;
  readonly slurmConf: string | null;
  readonly jobCheckSeconds: number;
  readonly logLevel: string;
  readonly backoffDir: string | null;
  readonly watch: GatewayWatch | null;
  readonly usage: Usage | null;
}

class GatewayConfigError extends QrunError {
  constructor(message: string) {
    super('GATEWAY_CONFIG_INVALID', message, { hint: 'The hook and the gateway come from different installs of slurm-qpu; reinstall one version on the node.' });
  }
}

type Fields = Record<string, unknown>;

function record(value: unknown, where: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GatewayConfigError(`${where} must be an object`);
  return value as Fields;
}

function int(obj: Fields, key: string, min: number, fallback?: number): number {
  const value = obj[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new GatewayConfigError(`${key} must be an integer >= ${min}`);
  return value;
}

function text(obj: Fields, key: string, options: { absolute?: boolean; min?: number; fallback?: string } = {}): string {
  const value = obj[key] ?? options.fallback;
  if (typeof value !== 'string' || value.length < (options.min ?? 1)) throw new GatewayConfigError(`${key} must be a string of at least ${options.min ?? 1} characters`);
  if (options.absolute === true && !value.startsWith('/')) throw new GatewayConfigError(`${key} must be an absolute path`);
  return value;
}

function backend(value: unknown, index: number): GatewayBackend {
  const b = record(value, `backends[${index}]`);
  const metadata = b['metadata'] === undefined ? undefined : record(b['metadata'], `backends[${index}].metadata`);
  if (metadata !== undefined) int(metadata, 'num_qubits', 1);
  const secret = b['secret'];
  if (secret !== undefined && typeof secret !== 'string') throw new GatewayConfigError(`backends[${index}].secret must be a string`);
  const description = b['description'];
  const settings = b['settings'] === undefined ? undefined : record(b['settings'], `backends[${index}].settings`);
  const session = b['session'] ?? null;
  if (session !== null && typeof session !== 'string') throw new GatewayConfigError(`backends[${index}].session must be a string or null`);
  return {
    name: text(b, 'name'),
    type: text(b, 'type'),
    description: typeof description === 'string' ? description : undefined,
    metadata: metadata as unknown as BackendMetadata | undefined,
    secretRequired: b['secretRequired'] === true,
    secret: secret === undefined ? undefined : new SecretValue(secret),
    settings,
    session,
  };
}

function watchOf(value: unknown): GatewayWatch | null {
  if (value === undefined || value === null) return null;
  const w = record(value, 'watch');
  const start = w['start'] ?? null;
  if (start !== null && (typeof start !== 'number' || !Number.isSafeInteger(start))) throw new GatewayConfigError('watch.start must be an integer or null');
  return { pid: int(w, 'pid', 1), start, jobEnds: w['jobEnds'] === true };
}

function usageOf(value: unknown): Usage | null {
  if (value === undefined || value === null) return null;
  const u = record(value, 'usage');
  record(u['backends'], 'usage.backends');
  return u as unknown as Usage;
}

export function parseGatewayConfig(data: unknown): GatewayConfig {
  const c = record(data, 'configuration');
  if (c['version'] !== GATEWAY_CONFIG_VERSION) throw new GatewayConfigError(`version must be ${GATEWAY_CONFIG_VERSION}`);
  const deadline = c['deadline'] ?? null;
  if (deadline !== null && (typeof deadline !== 'number' || !Number.isSafeInteger(deadline) || deadline <= 0)) {
    throw new GatewayConfigError('deadline must be epoch seconds or null');
  }
  const backends = c['backends'];
  if (!Array.isArray(backends) || backends.length === 0) throw new GatewayConfigError('backends must be a non-empty array');
  const limits = record(c['limits'] ?? {}, 'limits');
  const slurmConf = c['slurmConf'] ?? null;
  if (slurmConf !== null && typeof slurmConf !== 'string') throw new GatewayConfigError('slurmConf must be a path or null');
  const backoffDir = c['backoffDir'] ?? null;
  if (backoffDir !== null && (typeof backoffDir !== 'string' || !backoffDir.startsWith('/'))) throw new GatewayConfigError('backoffDir must be an absolute path or null');
  return {
    version: GATEWAY_CONFIG_VERSION,
    jobId: int(c, 'jobId', 1),
    uid: int(c, 'uid', 0),
    token: text(c, 'token', { min: 32 }),
    deadline,
    socketPath: text(c, 'socketPath', { absolute: true }),
    listenFd: c['listenFd'] === undefined || c['listenFd'] === null ? null : int(c, 'listenFd', 3),
    tcp: c['tcp'] === true,
    backends: backends.map(backend),
    limits: {
      maxRequestBytes: int(limits, 'maxRequestBytes', 1, DEFAULT_LIMITS.maxRequestBytes),
      maxTasks: int(limits, 'maxTasks', 1, DEFAULT_LIMITS.maxTasks),
      concurrency: int(limits, 'concurrency', 1, DEFAULT_LIMITS.concurrency),
      keepFinished: int(limits, 'keepFinished', 1, DEFAULT_LIMITS.keepFinished),
    },
    usageFile: text(c, 'usageFile', { absolute: true }),
    slurmConf,
    jobCheckSeconds: int(c, 'jobCheckSeconds', 0, 30),
    logLevel: text(c, 'logLevel', { fallback: 'info' }),
    backoffDir,
    watch: watchOf(c['watch']),
    usage: usageOf(c['usage']),
  };
}
