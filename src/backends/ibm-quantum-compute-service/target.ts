/**
 * The device's target from IBM's backend configuration (`GET /v1/backends/{name}/configuration`):
 * qubits, basis gates, coupling map and limits, in the catalogue's metadata fields, so the fit check
 * reads a vendor device the way it reads a catalogue entry. Cached: a configuration changes with
 * calibrations (hours), while every task needs it.
 */
import { QrunError } from '../../errors.js';
import { backendMetadataSchema, type BackendMetadata } from '../metadata.js';

/** How long a fetched target is used before it is read again. */
export const TARGET_TTL_MS = 10 * 60_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function configurationToMetadata(configuration: unknown, backend: string): BackendMetadata {
  const c = isRecord(configuration) ? configuration : {};
  const candidate = {
    num_qubits: c['n_qubits'],
    ...(Array.isArray(c['basis_gates']) ? { basis_gates: c['basis_gates'] } : {}),
    ...(Array.isArray(c['coupling_map']) && c['coupling_map'].length > 0 ? { coupling_map: c['coupling_map'] } : {}),
    ...(typeof c['max_shots'] === 'number' ? { max_shots: c['max_shots'] } : {}),
    ...(typeof c['max_experiments'] === 'number' ? { max_experiments: c['max_experiments'] } : {}),
    // IBM gives dt in nanoseconds; the catalogue's metadata (like Qiskit's Target) in seconds.
    ...(typeof c['dt'] === 'number' && c['dt'] > 0 ? { dt: c['dt'] * 1e-9 } : {}),
  };
  const parsed = backendMetadataSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IBM's backend configuration cannot be read as a target (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`, {
      hint: "Give the device's metadata in the catalogue entry instead (it then overrides the vendor's).",
      details: { backend },
    });
  }
  return parsed.data;
}

/** One fetch at a time, reused for `ttlMs`; a failed fetch is not cached. */
export function cachedTarget(fetch: () => Promise<BackendMetadata>, ttlMs: number = TARGET_TTL_MS, now: () => number = Date.now): () => Promise<BackendMetadata> {
  let cached: { value: BackendMetadata; at: number } | null = null;
  let pending: Promise<BackendMetadata> | null = null;
  return async () => {
    if (cached !== null && now() - cached.at < ttlMs) return cached.value;
    pending ??= fetch()
      .then((value) => {
        cached = { value, at: now() };
        return value;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
}
