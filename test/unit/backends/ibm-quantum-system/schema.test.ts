/**
 * An `ibm-quantum-system` entry in the catalogue and its credential document: what an admin writes is
 * accepted, and each mistake is named by its field, with nothing of a credential echoed back.
 */
import { describe, expect, it } from 'vitest';
import { parseCredentials } from '../../../../src/backends/ibm-quantum-system/credentials.js';
import { deviceSettings } from '../../../../src/backends/ibm-quantum-system/connection.js';
import { catalogueSchema } from '../../../../src/config/catalogue.js';
import { describeIssues } from '../../../../src/config/load.js';
import { SecretValue } from '../../../../src/secrets/value.js';

const entry = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'ibm-quantum-system',
  capacity: { license: 'qpu_ibm_qs', lanes: 2 },
  secret: 'file:/etc/slurm/qpu-secrets/ibm-qs.json',
  endpoint: 'https://qsapi.example.org',
  s3_endpoint: 'https://s3.example.org',
  s3_bucket: 'qpu-jobs',
  ...overrides,
});

function problems(backend: Record<string, unknown>): Array<{ path: string; message: string }> {
  const result = catalogueSchema.safeParse({ version: 1, backends: { ibm_qs: backend } });
  return result.success ? [] : describeIssues(result.error);
}

describe('the catalogue entry', () => {
  it('accepts the fields qrmi\'s IBM QS resource uses, and fills the defaults', () => {
    expect(problems(entry())).toEqual([]);
    const full = entry({ iam_endpoint: 'https://iam.example.org', device: 'ibm_fez', timeout_secs: 600, s3_region: 'eu-de', s3_endpoint_for_service: 'https://s3.internal:9000', log_level: 'info', lane_wait_secs: 0, https_proxy: 'http://proxy.example:3128', metadata: { num_qubits: 156 } });
    expect(problems(full)).toEqual([]);
    expect(deviceSettings('ibm_qs', { endpoint: 'https://qsapi.example.org', s3_endpoint: 'https://s3.example.org', s3_bucket: 'qpu-jobs' })).toEqual({
      endpoint: 'https://qsapi.example.org',
      iamEndpoint: 'https://iam.cloud.ibm.com',
      device: 'ibm_qs',
      timeoutSecs: 3600,
      laneWaitSecs: 300,
      logLevel: undefined,
      s3Endpoint: 'https://s3.example.org',
      s3EndpointForService: undefined,
      s3Bucket: 'qpu-jobs',
      s3Region: 'us-east-1',
      proxy: undefined,
    });
  });

  it.each([
    ['no endpoint', { endpoint: undefined }, 'backends.ibm_qs.endpoint'],
    ['plain http to another host', { endpoint: 'http://qsapi.example.org' }, 'backends.ibm_qs.endpoint'],
    ['credentials in the URL', { s3_endpoint: 'https://user:pw@s3.example.org' }, 'backends.ibm_qs.s3_endpoint'],
    ['no bucket', { s3_bucket: undefined }, 'backends.ibm_qs.s3_bucket'],
    ['a bucket S3 would refuse', { s3_bucket: 'Qpu_Jobs' }, 'backends.ibm_qs.s3_bucket'],
    ['no secret', { secret: undefined }, 'backends.ibm_qs.secret'],
    ['a secret given as a value', { secret: 'my-api-key' }, 'backends.ibm_qs.secret'],
    ['a timeout of zero', { timeout_secs: 0 }, 'backends.ibm_qs.timeout_secs'],
    ['a log level the API does not know', { log_level: 'verbose' }, 'backends.ibm_qs.log_level'],
    ['an unknown field', { api_key: 'oops' }, 'backends.ibm_qs'],
    ['a bad proxy', { https_proxy: 'socks5://proxy:1080' }, 'backends.ibm_qs.https_proxy'],
  ])('names the field for %s', (_what, overrides, path) => {
    const found = problems(entry(overrides));
    expect(found.map((p) => p.path)).toContain(path);
  });

  it('does not echo an unknown field\'s value, which may be a misplaced key', () => {
    expect(JSON.stringify(problems(entry({ api_key: 'sekrit-value-123' })))).not.toContain('sekrit-value-123');
  });

  it('checks the coupling map of metadata given in the catalogue', () => {
    expect(problems(entry({ metadata: { num_qubits: 2, coupling_map: [[0, 2]] } })).map((p) => p.path)).toContain('backends.ibm_qs.metadata.coupling_map.0.1');
  });
});

describe('the credential document', () => {
  const good = { api_key: 'k-123', service_crn: 'crn:v1:x', s3_access_key_id: 'AKID', s3_secret_access_key: 's3-secret-456' };
  const parse = (value: unknown) => parseCredentials('ibm_qs', new SecretValue(typeof value === 'string' ? value : JSON.stringify(value)));

  it('reads the four fields and keeps the secret ones wrapped', () => {
    const credentials = parse(good);
    expect(credentials.serviceCrn).toBe('crn:v1:x');
    expect(credentials.s3AccessKeyId).toBe('AKID');
    expect(String(credentials.apiKey)).toBe('[secret]');
    expect(JSON.stringify(credentials)).not.toContain('k-123');
    expect(JSON.stringify(credentials)).not.toContain('s3-secret-456');
    expect(credentials.apiKey.reveal()).toBe('k-123');
  });

  it.each([
    ['not JSON', 'api_key=k-123', /is not JSON/],
    ['not an object', ['k-123'], /is not a JSON object/],
    ['a missing field', { ...good, s3_secret_access_key: undefined }, /lacks s3_secret_access_key/],
    ['an empty field', { ...good, api_key: '' }, /lacks api_key/],
    ['an unknown field', { ...good, apikey: 'k-123' }, /unknown fields: apikey/],
  ])('refuses %s, naming what is wrong and never the values', (_what, value, message) => {
    let error: unknown;
    try {
      parse(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringMatching(message), hint: expect.stringContaining('"service_crn"') });
    expect(JSON.stringify(error)).not.toContain('k-123');
    expect((error as Error).message).not.toContain('k-123');
  });

  it('refuses a missing credential', () => {
    expect(() => parseCredentials('ibm_qs', undefined)).toThrow(/needs a credential/);
  });
});
