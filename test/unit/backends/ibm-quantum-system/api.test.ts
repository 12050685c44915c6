/**
 * The API client against the contract fake: IAM login and renewal, the Service-CRN, vendor errors as
 * coded errors, the HTTP layer's retries and deadlines as a user meets them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIbmSystemFake, type IbmSystemFake } from '../../../fakes/ibm-quantum-system/index.js';
import { connectFake, secretsOf } from './helpers.js';

let fake: IbmSystemFake;

beforeEach(async () => {
  fake = await startIbmSystemFake();
});

afterEach(async () => {
  await fake.close();
});

const iamCalls = (): number => fake.requests.filter((r) => r.route === 'POST /identity/token').length;

describe('authentication', () => {
  it('logs in once at IAM and sends the token and the Service-CRN on every call', async () => {
    const conn = connectFake(fake);
    try {
      await Promise.all([conn.api.deviceStatus(), conn.api.deviceStatus(), conn.api.configuration()]);
      expect(iamCalls()).toBe(1);
      const calls = fake.requests.filter((r) => r.path.startsWith('/v1/'));
      expect(calls.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const call of calls) expect(call.headers['service-crn']).toBe(fake.credentials.serviceCrn);
    } finally {
      await conn.close();
    }
  });

  it('logs in again when the API stops taking its token (401) and the call goes through', async () => {
    const conn = connectFake(fake);
    try {
      await conn.api.deviceStatus();
      fake.auth.expireTokens();
      await expect(conn.api.deviceStatus()).resolves.toMatchObject({ name: 'fake_fez', status: 'online' });
      expect(iamCalls()).toBe(2);
    } finally {
      await conn.close();
    }
  });

  it('says IAM refused the API key, without the key anywhere in the error', async () => {
    const conn = connectFake(fake, {}, { api_key: 'a-wrong-api-key-0123' });
    try {
      const error = await conn.api.deviceStatus().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'VENDOR_AUTH_FAILED', message: expect.stringContaining('IAM refused the API key: Provided API key could not be found. (BXNIM0415E)') });
      expect(JSON.stringify(error)).not.toContain('a-wrong-api-key-0123');
      expect((error as Error).message).not.toContain('a-wrong-api-key-0123');
    } finally {
      await conn.close();
    }
  });

  it('says the API refused the credential when the CRN names another instance', async () => {
    const conn = connectFake(fake, {}, { service_crn: 'crn:v1:bluemix:public:quantum-computing:us-east:a/other:other::' });
    try {
      await expect(conn.api.deviceStatus()).rejects.toMatchObject({ code: 'VENDOR_AUTH_FAILED', message: expect.stringMatching(/refused the credential: Invalid credentials..*Service-CRN.*(1201)/) });
      // One fresh login was tried before giving up, not a loop.
      expect(iamCalls()).toBe(2);
    } finally {
      await conn.close();
    }
  });

  it('never puts the API key or the bucket secret in a URL', async () => {
    const conn = connectFake(fake);
    try {
      await conn.api.deviceStatus();
      await conn.store.put('input_z.json', '{}');
      for (const request of fake.requests) for (const secret of secretsOf(fake)) expect(request.path).not.toContain(secret);
    } finally {
      await conn.close();
    }
  });
});

describe('devices', () => {
  it('reads the status, and names a device the API does not know', async () => {
    const conn = connectFake(fake, { device: 'fake_torino' });
    const unknown = connectFake(fake, { device: 'ibm_nowhere' });
    try {
      await expect(conn.api.deviceStatus()).resolves.toMatchObject({ name: 'fake_torino', status: 'paused', message: 'Calibration in progress' });
      await expect(unknown.api.deviceStatus()).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('the API knows no device ibm_nowhere') });
    } finally {
      await conn.close();
      await unknown.close();
    }
  });
});

describe('transport, through the HTTP layer', () => {
  it('waits out a 429 with Retry-After and succeeds', async () => {
    const conn = connectFake(fake);
    try {
      fake.fail('GET /v1/backends/:name', { kind: 'rate-limit', retryAfterSeconds: 1 }, 1);
      await expect(conn.api.deviceStatus()).resolves.toMatchObject({ status: 'online' });
      expect(fake.requests.filter((r) => r.route === 'GET /v1/backends/:name').map((r) => r.status)).toEqual([429, 200]);
    } finally {
      await conn.close();
    }
  });

  it('fails a call to a hung API with a deadline error naming the backend', async () => {
    const conn = connectFake(fake, {}, {}, { deadline: Date.now() + 1_500 });
    try {
      fake.fail('GET /v1/backends/:name', { kind: 'hang' }, 5);
      await expect(conn.api.deviceStatus()).rejects.toMatchObject({ code: 'UPSTREAM_DEADLINE', message: expect.stringContaining('qs') });
    } finally {
      await conn.close();
    }
  });

  it('keeps the transport code for an outage and adds the vendor\'s words', async () => {
    const conn = connectFake(fake, {}, {}, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    try {
      fake.fail('GET /v1/backends/:name', { kind: 'status', status: 503 }, 5);
      await expect(conn.api.deviceStatus()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    } finally {
      await conn.close();
    }
  });
});
