/**
 * A `qiskit-aer` backend's fields as the gateway receives them, and the part of them the worker
 * reads with each request (the worker holds no configuration of its own, so one worker process
 * could serve any entry, and a restarted one needs nothing but the next request).
 */
import { QrunError } from '../../errors.js';
import type { GatewayBackend } from '../types.js';
import { aerSettingsSchema, type AerSettings } from './schema.js';

export function aerSettingsOf(backend: GatewayBackend): AerSettings {
  const parsed = aerSettingsSchema.safeParse(backend.settings ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(settings)'}: ${issue.message}`).join('; ');
    throw new QrunError('GATEWAY_CONFIG_INVALID', `backend ${backend.name}: the gateway was given Aer settings it cannot read (${problems})`, {
      hint: 'The hook and the gateway come from different installs of slurm-qpu; reinstall one version on the node.',
      details: { backend: backend.name },
    });
  }
  return parsed.data;
}

/** What worker.py reads of the entry, with every request. */
export function workerConfig(settings: AerSettings): Record<string, unknown> {
  return {
    method: settings.method,
    device: settings.device,
    precision: settings.precision,
    max_parallel_threads: settings.max_parallel_threads,
    ...(settings.noise === undefined ? {} : { noise: settings.noise }),
    ...(settings.mpi === undefined ? {} : { mpi: { blocking_qubits: settings.mpi.blocking_qubits } }),
  };
}
