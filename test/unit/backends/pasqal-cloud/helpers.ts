import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pasqalCloudEntrySchema, type PasqalCloudEntry } from '../../../../src/backends/pasqal-cloud/schema.js';
import type { GatewayBackend, TaskRequest } from '../../../../src/backends/types.js';
import { createLogger, type Logger } from '../../../../src/log/logger.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { FIXTURES, type PasqalCloudFake } from '../../../fakes/pasqal-cloud/index.js';

/** The committed payload Pulser wrote: two atoms far apart, one global pi pulse, 100 shots. */
export function piPulsePayload(): Record<string, unknown> & { sequence: Record<string, unknown> & { register: unknown[] } } {
  return JSON.parse(readFileSync(new URL('pi-pulse.json', FIXTURES), 'utf8')) as ReturnType<typeof piPulsePayload>;
}

/** The payload with `atoms` atoms on a line, 30 um apart. */
export function payloadWithAtoms(atoms: number): Record<string, unknown> {
  const payload = piPulsePayload();
  payload.sequence.register = Array.from({ length: atoms }, (_, i) => ({ name: `q${i}`, x: 30 * i, y: 0 }));
  return payload;
}

export function entryFor(fake: PasqalCloudFake, extra: Record<string, unknown> = {}): PasqalCloudEntry {
  return pasqalCloudEntrySchema.parse({
    type: 'pasqal-cloud',
    capacity: { gres: 'pasqal_fake', lanes: 1 },
    secret: 'file:/etc/slurm/qpu-secrets/pasqal.secret',
    endpoint: fake.url,
    auth_endpoint: fake.tokenUrl,
    client_id: fake.clientId,
    project_id: fake.projectId,
    ...extra,
  });
}

export function gatewayBackend(fake: PasqalCloudFake, options: { secret?: string; name?: string; metadata?: GatewayBackend['metadata'] } = {}): GatewayBackend {
  const { type: _type, capacity: _capacity, secret: _secret, ...settings } = entryFor(fake);
  return {
    name: options.name ?? 'pasqal_fake',
    type: 'pasqal-cloud',
    secretRequired: true,
    secret: new SecretValue(options.secret ?? fake.clientSecret),
    settings,
    metadata: options.metadata,
  };
}

export function nativeTask(params: Record<string, unknown> = piPulsePayload(), shots?: number): TaskRequest {
  return { programId: 'native', backend: undefined, params, options: shots === undefined ? {} : { shots } };
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
  return { logger: createLogger({ name: 'pasqal-test', level: 'debug', destination }), lines };
}

/** Counts of a register's samples as Pulser bitstrings (first atom leftmost). */
export function pulserCounts(bytes: Uint8Array, atoms: number): Record<string, number> {
  const width = Math.ceil(atoms / 8);
  const out: Record<string, number> = {};
  for (let shot = 0; shot < bytes.length / width; shot++) {
    let bits = '';
    for (let atom = 0; atom < atoms; atom++) bits += ((bytes[shot * width + width - 1 - (atom >> 3)] ?? 0) >> (atom & 7)) & 1 ? '1' : '0';
    out[bits] = (out[bits] ?? 0) + 1;
  }
  return out;
}
