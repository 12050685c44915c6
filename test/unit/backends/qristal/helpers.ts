import { qristalEntrySchema, type QristalEntry } from '../../../../src/backends/qristal/schema.js';
import type { GatewayBackend, TaskRequest } from '../../../../src/backends/types.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import type { QristalFake } from '../../../fakes/qristal/index.js';

export { capturedLogger, counts, until } from '../ibm-quantum-compute-service/helpers.js';

export const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

export function entryFor(fake: QristalFake, extra: Record<string, unknown> = {}): QristalEntry {
  return qristalEntrySchema.parse({
    type: 'qristal',
    capacity: { gres: 'qb_fake', lanes: 1 },
    endpoint: fake.url,
    device: 'qb_loopback',
    secret: 'file:/etc/slurm/qpu-secrets/qb.secret',
    ...extra,
  });
}

/** The backend as the job's gateway gets it: settings from the entry, the secret, the lease's session. */
export function gatewayBackend(fake: QristalFake, options: { session?: string | null; secret?: string | null; settings?: Record<string, unknown>; metadata?: GatewayBackend['metadata'] } = {}): GatewayBackend {
  const secret = options.secret === undefined ? fake.secret : options.secret;
  return {
    name: 'qb_fake',
    type: 'qristal',
    secretRequired: secret !== null,
    secret: secret === null ? undefined : new SecretValue(secret),
    settings: { endpoint: fake.url, device: 'qb_loopback', model: fake.model, shot_topups: 3, ...options.settings },
    session: options.session ?? null,
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  };
}

export function samplerTask(circuit: string, shots = 200, values: unknown = null): TaskRequest {
  return { programId: 'sampler', backend: undefined, params: { pubs: [[circuit, values, shots]], version: 2 }, options: {} };
}
