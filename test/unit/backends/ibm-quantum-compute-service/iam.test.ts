import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyOf, iamTokens } from '../../../../src/backends/ibm-quantum-compute-service/iam.js';
import { mapIamError } from '../../../../src/backends/ibm-quantum-compute-service/errors.js';
import { createHttpClient, type HttpClient } from '../../../../src/http/index.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { startIbmComputeFake, type IbmComputeFake } from '../../../fakes/ibm-quantum-compute/index.js';

let fake: IbmComputeFake;
let client: HttpClient;
beforeEach(async () => {
  fake = await startIbmComputeFake({ tokenLifetimeSeconds: 60 });
  client = createHttpClient({ backend: 'ibm_fake', baseUrl: fake.iamUrl, mapStatusError: mapIamError, retry: { baseDelayMs: 1 } });
});
afterEach(async () => {
  await client.close();
  await fake.close();
});

describe('IBM Cloud IAM tokens', () => {
  it('exchanges the API key once and reuses the token until shortly before it expires', async () => {
    let now = 1_000_000;
    const tokens = iamTokens(client, new SecretValue(fake.apiKey), () => now);
    const first = await tokens.current();
    expect(await tokens.current()).toBe(first);
    expect(fake.counts()['POST /identity/token']).toBe(1);
    // 60 s tokens are renewed 20 % (12 s) before they expire.
    now += 47_000;
    await tokens.current();
    expect(fake.counts()['POST /identity/token']).toBe(1);
    now += 2_000;
    await tokens.current();
    expect(fake.counts()['POST /identity/token']).toBe(2);
  });

  it('shares one exchange between concurrent callers', async () => {
    const tokens = iamTokens(client, new SecretValue(fake.apiKey));
    const all = await Promise.all([tokens.current(), tokens.current(), tokens.current()]);
    expect(new Set(all).size).toBe(1);
    expect(fake.counts()['POST /identity/token']).toBe(1);
  });

  it('says a wrong key is refused by IAM, with its code and what to do, never the key', async () => {
    const wrong = 'wrong-key-0123456789';
    const error = await iamTokens(client, new SecretValue(wrong)).current().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VENDOR_AUTH_FAILED', message: expect.stringContaining('BXNIM0415E'), hint: expect.stringContaining('API key') });
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect(String((error as Error).message)).not.toContain(wrong);
    expect(fake.secretsInUrls()).toEqual([]);
  });

  it("reads the key from IBM's downloaded apikey.json too", () => {
    expect(apiKeyOf(new SecretValue('{"name":"slurm","description":"","createdAt":"x","apikey":"abc123"}\n'))).toBe('abc123');
    expect(apiKeyOf(new SecretValue('  abc123\n'))).toBe('abc123');
  });
});
