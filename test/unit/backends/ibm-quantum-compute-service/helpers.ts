import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../../src/log/logger.js';
import type { GatewayBackend, TaskRequest } from '../../../../src/backends/types.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { ibmComputeEntrySchema, type IbmComputeEntry } from '../../../../src/backends/ibm-quantum-compute-service/schema.js';
import type { IbmComputeFake } from '../../../fakes/ibm-quantum-compute/index.js';
import { BELL_ISA } from '../../../fakes/ibm-quantum-compute/circuits.js';

export { BELL_ISA };

export const DEVICE = 'ibm_loopback';

/** The same Bell state without measurements, for the estimator. */
export const BELL_STATE_ISA = BELL_ISA.split('\n').filter((line) => !line.includes('measure') && !line.startsWith('bit')).join('\n');

export function runtimeEndpoint(fake: IbmComputeFake): string {
  return fake.url.replace(/\/v1$/, '');
}

export function entryFor(fake: IbmComputeFake, extra: Record<string, unknown> = {}): IbmComputeEntry {
  return ibmComputeEntrySchema.parse({
    type: 'ibm-quantum-compute-service',
    capacity: { gres: 'ibm_fake', lanes: 2 },
    secret: 'file:/etc/slurm/qpu-secrets/ibm.key',
    endpoint: runtimeEndpoint(fake),
    auth_endpoint: fake.iamUrl,
    instance: fake.instance,
    device: DEVICE,
    ...extra,
  });
}

export function gatewayBackend(fake: IbmComputeFake, options: { session?: string | null; apiKey?: string; name?: string } = {}): GatewayBackend {
  const entry = entryFor(fake);
  return {
    name: options.name ?? 'ibm_fake',
    type: 'ibm-quantum-compute-service',
    secretRequired: true,
    secret: new SecretValue(options.apiKey ?? fake.apiKey),
    settings: { endpoint: entry.endpoint, auth_endpoint: entry.auth_endpoint, instance: entry.instance, device: entry.device, session: entry.session },
    session: options.session ?? null,
  };
}

export function samplerTask(circuit: string, shots = 256): TaskRequest {
  return { programId: 'sampler', backend: undefined, params: { pubs: [[circuit, null, shots]], version: 2 }, options: {} };
}

/** A logger at debug level whose every line is kept, to check what reaches logs. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ name: 'ibm-test', level: 'debug', destination }), lines };
}

/** Counts of each 2-bit outcome in a register's bytes (one byte per shot for 2 bits). */
export function counts(bytes: Uint8Array): Record<string, number> {
  const result: Record<string, number> = {};
  for (const b of bytes) {
    const key = b.toString(2).padStart(2, '0');
    result[key] = (result[key] ?? 0) + 1;
  }
  return result;
}

export async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
