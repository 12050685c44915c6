/**
 * A device of the `ibm-quantum-system` type pointed at the contract fake: its catalogue fields, its
 * credential document and a connection with short retry waits, plus a log sink that a test can search
 * for leaked secrets.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { connectDevice, deviceSettings, type ConnectOptions, type DeviceConnection } from '../../../../src/backends/ibm-quantum-system/connection.js';
import { parseCredentials } from '../../../../src/backends/ibm-quantum-system/credentials.js';
import type { Logger } from '../../../../src/log/logger.js';
import { REDACTED_PATHS } from '../../../../src/log/logger.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import type { IbmSystemFake } from '../../../fakes/ibm-quantum-system/index.js';

/** Bell in the fake device's basis (rz, sx, x, cz): H = rz(π/2)·sx·rz(π/2), CX = (I⊗H)·CZ·(I⊗H). */
export const BELL_ISA = [
  'OPENQASM 3.0;',
  'include "stdgates.inc";',
  'bit[2] meas;',
  'rz(pi/2) $0; sx $0; rz(pi/2) $0;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'cz $0, $1;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'meas[0] = measure $0;',
  'meas[1] = measure $1;',
  '',
].join('\n');

/** The catalogue fields of a device on the fake (everything but the shared ones). */
export function fakeFields(fake: IbmSystemFake, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    endpoint: fake.url,
    iam_endpoint: fake.credentials.iamEndpoint,
    device: 'fake_fez',
    s3_endpoint: fake.credentials.s3.endpoint,
    s3_bucket: fake.credentials.s3.bucket,
    s3_region: fake.credentials.s3.region,
    lane_wait_secs: 0,
    ...overrides,
  };
}

export function fakeEntry(fake: IbmSystemFake, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'ibm-quantum-system', capacity: { gres: 'qs', lanes: 2 }, secret: 'file:/etc/slurm/qpu-secrets/qs.json', ...fakeFields(fake, overrides) };
}

function credentialDocument(fake: IbmSystemFake, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    api_key: fake.credentials.apiKey,
    service_crn: fake.credentials.serviceCrn,
    s3_access_key_id: fake.credentials.s3.accessKeyId,
    s3_secret_access_key: fake.credentials.s3.secretAccessKey,
    ...overrides,
  };
}

export function fakeSecret(fake: IbmSystemFake, overrides: Record<string, string> = {}): SecretValue {
  return new SecretValue(JSON.stringify(credentialDocument(fake, overrides)));
}

/** Retries as the layer does them, with waits short enough for a test. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };

export function connectFake(fake: IbmSystemFake, fields: Record<string, unknown> = {}, credentials: Record<string, string> = {}, options: ConnectOptions = {}): DeviceConnection {
  return connectDevice('qs', deviceSettings('qs', fakeFields(fake, fields)), parseCredentials('qs', fakeSecret(fake, credentials)), { retry: FAST_RETRY, ...options });
}

/** A logger with the project's redaction that keeps every line, to search for what must not be there. */
export function captureLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }, sink);
  return { logger, text: () => lines.join('') };
}

/** The secrets of the fake's credential, which must appear in no log, error or URL path. */
export function secretsOf(fake: IbmSystemFake): string[] {
  return [fake.credentials.apiKey, fake.credentials.s3.secretAccessKey];
}
