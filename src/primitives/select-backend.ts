/**
 * The seam between "where does this run": the one place that reads QRUN_ENDPOINT and QRUN_BACKENDS.
 *
 * - QRUN_ENDPOINT unset (outside a QPU job) or `local:` → in this process, on the built-in engine.
 * - QRUN_ENDPOINT `unix:PATH` or `http(s)://...` → the job gateway (src/gateway/), with QRUN_TOKEN.
 *
 * `backend` picks among the granted backends (QRUN_BACKENDS, comma-separated, first is the default);
 * outside a job only `sim` exists.
 */
import type { BackendMetadata } from '../backends/metadata.js';
import { QrunError } from '../errors.js';
import type { Engine } from '../sim/api.js';
import { getEngine } from './engine.js';
import { SIM_BACKEND, simMetadata } from '../backends/sim/metadata.js';

export type Env = Readonly<Record<string, string | undefined>>;

interface LocalBackend {
  readonly kind: 'local';
  readonly name: string;
  readonly metadata: BackendMetadata;
  readonly engine: Engine;
}

/** The job's gateway: runs go there (src/backends/job-gateway/run.ts), which checks the grant itself. */
interface GatewayBackend {
  readonly kind: 'gateway';
  readonly name: string;
  readonly endpoint: string;
  readonly token: string;
}

export type SelectedBackend = LocalBackend | GatewayBackend;

function granted(env: Env): string[] | null {
  const list = env['QRUN_BACKENDS'];
  if (list === undefined || list.trim() === '') return null;
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function pick(requested: string | undefined, grants: readonly string[] | null): string {
  if (grants === null) {
    if (requested === undefined || requested === SIM_BACKEND) return SIM_BACKEND;
    throw new QrunError('BACKEND_UNKNOWN', `backend ${JSON.stringify(requested)} is not available outside a QPU job; only the built-in simulator "${SIM_BACKEND}" is`, {
      hint: 'Request the QPU in your job (#SBATCH --q_backend=NAME) and run qrun inside it, or drop --backend.',
      details: { backend: requested, available: [SIM_BACKEND] },
    });
  }
  const chosen = requested ?? grants[0];
  if (chosen === undefined) throw new QrunError('BACKEND_NOT_GRANTED', 'the job was granted no backend (QRUN_BACKENDS is empty)');
  if (!grants.includes(chosen)) {
    throw new QrunError('BACKEND_NOT_GRANTED', `backend ${JSON.stringify(chosen)} was not granted to this job (granted: ${grants.join(', ')})`, {
      hint: 'Pick one of the granted backends with --backend, or request this one with --q_backend.',
      details: { backend: chosen, granted: grants },
    });
  }
  return chosen;
}

export function selectBackend(env: Env, requested?: string): SelectedBackend {
  const endpoint = env['QRUN_ENDPOINT'];
  const grants = endpoint === undefined || endpoint === '' ? null : granted(env);
  const name = pick(requested, grants);
  if (endpoint === undefined || endpoint === '' || endpoint === 'local:') {
    return { kind: 'local', name, metadata: simMetadata(), engine: getEngine(env) };
  }
  if (endpoint.startsWith('unix:') || endpoint.startsWith('http://') || endpoint.startsWith('https://')) {
    const token = env['QRUN_TOKEN'];
    if (token === undefined || token === '') {
      throw new QrunError('AUTH_FAILED', `QRUN_ENDPOINT is set (${endpoint}) but QRUN_TOKEN is not`, {
        hint: 'Both are set by the QPU job hook in every task of the job; run qrun inside the job step.',
        details: { endpoint },
      });
    }
    return { kind: 'gateway', name, endpoint, token };
  }
  throw new QrunError('BACKEND_UNAVAILABLE', `QRUN_ENDPOINT ${JSON.stringify(endpoint)} is not an endpoint qrun understands`, {
    hint: 'Expected local:, unix:/path/to/socket or http://host:port; it is set by the QPU job hook.',
    details: { endpoint },
  });
}
