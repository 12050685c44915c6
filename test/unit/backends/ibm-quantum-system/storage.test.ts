/**
 * The job store through presigned URLs: the fake checks every SigV4 signature, so a URL it accepts is
 * one a real S3-compatible store accepts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presign, sigv4Encode } from '../../../../src/backends/ibm-quantum-system/sigv4.js';
import { startIbmSystemFake, type IbmSystemFake } from '../../../fakes/ibm-quantum-system/index.js';
import { connectFake } from './helpers.js';

let fake: IbmSystemFake;

beforeEach(async () => {
  fake = await startIbmSystemFake();
});

afterEach(async () => {
  await fake.close();
});

function presignFor(method: 'GET' | 'PUT', key: string, overrides: Partial<Parameters<typeof presign>[0]> = {}) {
  const s3 = fake.credentials.s3;
  return presign({ method, endpoint: s3.endpoint, bucket: s3.bucket, key, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, expiresSeconds: 60, ...overrides });
}

describe('presigned URLs', () => {
  it('let a client without the key store and read an object, as the service does', async () => {
    const put = await fetch(presignFor('PUT', 'results_abc.json').url, { method: 'PUT', body: '{"ok":true}', headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(200);
    expect(fake.storage.text('results_abc.json')).toBe('{"ok":true}');
    const get = await fetch(presignFor('GET', 'results_abc.json').url);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('{"ok":true}');
  });

  it('are refused when signed with another secret, for another method, or after they expire', async () => {
    fake.storage.put('input_x.json', '{}');
    const wrongKey = await fetch(presignFor('GET', 'input_x.json', { secretAccessKey: 'not-the-secret' }).url);
    expect(wrongKey.status).toBe(403);
    expect(await wrongKey.text()).toContain('SignatureDoesNotMatch');

    const forGet = presignFor('GET', 'input_x.json').url;
    const asPut = await fetch(forGet, { method: 'PUT', body: 'overwrite' });
    expect(asPut.status).toBe(403);
    expect(fake.storage.text('input_x.json')).toBe('{}');

    const old = await fetch(presignFor('GET', 'input_x.json', { expiresSeconds: 1, now: Date.now() - 10_000 }).url);
    expect(old.status).toBe(403);
    expect(await old.text()).toContain('Request has expired');
  });

  it('sign keys with characters S3 encodes, and never carry the secret key', async () => {
    const key = "odd key/with (parens)*!'.json";
    const url = presignFor('PUT', key).url;
    expect(url).not.toContain(fake.credentials.s3.secretAccessKey);
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(200);
    expect(fake.storage.text(key)).toBe('x');
    expect(sigv4Encode("a b/(c)*!'~", true)).toBe('a%20b/%28c%29%2A%21%27~');
  });

  it('refuse a validity beyond a week (SigV4\'s limit)', () => {
    expect(() => presignFor('GET', 'k', { expiresSeconds: 8 * 24 * 3600 })).toThrow(/1 to 604800/);
  });
});

describe('the job store', () => {
  it('puts, gets and deletes objects through the HTTP layer; a missing object is undefined', async () => {
    const conn = connectFake(fake);
    try {
      await conn.store.put('input_1.json', '{"pubs":[]}');
      expect(fake.storage.text('input_1.json')).toBe('{"pubs":[]}');
      expect(await conn.store.get('input_1.json')).toBe('{"pubs":[]}');
      await conn.store.delete('input_1.json');
      expect(fake.storage.text('input_1.json')).toBeUndefined();
      expect(await conn.store.get('input_1.json')).toBeUndefined();
    } finally {
      await conn.close();
    }
  });

  it('says the store refused the access key, without the secret', async () => {
    const conn = connectFake(fake, {}, { s3_secret_access_key: 'wrong-secret-value' });
    try {
      const error = await conn.store.put('input_2.json', '{}').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'VENDOR_AUTH_FAILED', message: expect.stringContaining('SignatureDoesNotMatch') });
      expect(JSON.stringify(error)).not.toContain('wrong-secret-value');
      expect(String((error as Error).message)).not.toContain('X-Amz-Signature');
    } finally {
      await conn.close();
    }
  });

  it('names a bucket that does not exist', async () => {
    const conn = connectFake(fake, { s3_bucket: 'no-such-bucket' });
    try {
      await expect(conn.store.get('results_1.json')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('no bucket no-such-bucket') });
    } finally {
      await conn.close();
    }
  });
});
