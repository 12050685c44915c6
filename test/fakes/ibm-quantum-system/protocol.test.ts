/**
 * The fake at the protocol level, spoken by hand with fetch: what a client of the IBM Quantum System
 * API meets (status codes, error bodies, lanes, the job lifecycle, faults).
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromQiskit } from '../../../src/index.js';
import { startIbmSystemFake, type IbmSystemFake } from './index.js';
import { BELL, answer, client, errorCode, iamLogin, jobBody } from './protocol-helpers.js';

let fake: IbmSystemFake;
let call: Awaited<ReturnType<typeof client>>;

beforeEach(async () => {
  fake = await startIbmSystemFake();
  call = await client(fake);
});

afterEach(async () => {
  await fake.close();
});

describe('authentication', () => {
  it('gives an IAM access token with an expiry for the API key, and refuses an unknown key with IAM\'s error', async () => {
    const ok = await iamLogin(fake);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String), expiration: expect.any(Number) });

    const refused = await iamLogin(fake, 'not-the-key');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' });
  });

  it('answers 401 with the API error body without a token, with an unknown token, or without the Service-CRN', async () => {
    const none = await answer(await fetch(`${fake.url}/v1/backends`));
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status_code: 401, title: 'Invalid credentials.', trace: expect.any(String), errors: [{ code: '1201', message: 'Invalid credentials.', more_info: expect.stringContaining('http') }] });

    const bogus = await answer(await fetch(`${fake.url}/v1/backends`, { headers: { authorization: 'Bearer nope', 'service-crn': fake.credentials.serviceCrn } }));
    expect(bogus.status).toBe(401);

    const noCrn = await call('GET', '/v1/backends', undefined, { 'service-crn': 'crn:v1:someone-else' });
    expect(noCrn.status).toBe(401);
    expect(errorCode(noCrn)).toBe('1201');
  });

  it('refuses a token once it expired, so a client has to log in again', async () => {
    expect((await call('GET', '/v1/backends')).status).toBe(200);
    fake.auth.expireTokens();
    expect((await call('GET', '/v1/backends')).status).toBe(401);
    expect((await (await client(fake))('GET', '/v1/backends')).status).toBe(200);
  });

  it('still serves the deprecated App ID login at POST /v1/token', async () => {
    const { username, password } = fake.credentials.appId;
    const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const ok = await answer(await fetch(`${fake.url}/v1/token`, { method: 'POST', headers: { authorization: basic(username, password) } }));
    expect(ok.status).toBe(200);
    const token = (ok.body as { access_token: string }).access_token;
    expect((await fetch(`${fake.url}/v1/backends`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const refused = await answer(await fetch(`${fake.url}/v1/token`, { method: 'POST', headers: { authorization: basic(username, 'wrong') } }));
    expect(refused.status).toBe(400);
    expect(errorCode(refused)).toBe('1219');
  });
});

describe('backends', () => {
  it('lists backends with their status and serves details, configuration, properties and lanes', async () => {
    const list = await call('GET', '/v1/backends');
    expect(list.body).toEqual({
      backends: [
        { name: 'fake_fez', status: 'online', version: '1.0.0', locked: false },
        { name: 'fake_torino', status: 'paused', version: '1.0.0', message: 'Calibration in progress' },
        { name: 'fake_kyiv', status: 'offline', version: '1.0.0', message: 'Maintenance' },
      ],
    });
    expect((await call('GET', '/v1/backends/fake_fez')).body).toMatchObject({ name: 'fake_fez', status: 'online' });
    expect((await call('GET', '/v1/backends/fake_fez/configuration')).body).toMatchObject({ backend_name: 'fake_fez', n_qubits: 8, basis_gates: ['cz', 'id', 'rz', 'sx', 'x'] });
    expect((await call('GET', '/v1/backends/fake_fez/properties')).body).toMatchObject({ backend_name: 'fake_fez', qubits: expect.any(Array), gates: expect.any(Array) });
    expect((await call('GET', '/v1/backends/fake_fez/lanes')).body).toEqual({ hpc_workload_manager: { lanes: 2 }, ibm_quantum_compute: { lanes: 0 } });
  });

  it('answers 404 with code 1216 for an unknown backend', async () => {
    for (const path of ['/v1/backends/nope', '/v1/backends/nope/configuration', '/v1/backends/nope/properties']) {
      const a = await call('GET', path);
      expect(a.status).toBe(404);
      expect(errorCode(a)).toBe('1216');
    }
  });
});

describe('jobs', () => {
  it('creates a job under the client-chosen id with 204 No Content, runs it, and stores RuntimeEncoder results with Bell counts', async () => {
    const body = jobBody(fake);
    const created = await call('POST', '/v1/jobs', body);
    expect(created.status).toBe(204);
    expect(created.text).toBe('');

    const job = await fake.waitForJob(body['id'] as string);
    expect(job.status).toBe('Completed');
    const details = await call('GET', `/v1/jobs/${String(body['id'])}`);
    expect(details.body).toMatchObject({ id: body['id'], backend: 'fake_fez', program_id: 'sampler', status: 'Completed', created_time: expect.any(String), end_time: expect.any(String), usage: { quantum_nanoseconds: expect.any(Number) } });

    const stored = fake.storage.text(`results_${String(body['id'])}.json`);
    expect(JSON.parse(stored ?? '{}')).toMatchObject({ __type__: 'PrimitiveResult' });
    const outcome = fromQiskit(JSON.parse(stored ?? '{}'));
    if (outcome.kind !== 'sampler') throw new Error('expected a sampler result');
    const register = outcome.pubs[0]?.registers[0];
    expect(register).toMatchObject({ name: 'meas', numBits: 2, shots: 200 });
    expect(new Set(register?.bytes)).toEqual(new Set([0, 3]));
    expect(fake.storage.text(`logs_${String(body['id'])}.json`)).toContain('completed');
  });

  it('reads the input from a presigned storage.input URL, as qrmi sends it', async () => {
    const id = randomUUID();
    fake.storage.put(`input_${id}.json`, JSON.stringify({ pubs: [[BELL, [], 64]], version: 2 }));
    const body = jobBody(fake, { id, params: undefined });
    body['storage'] = { ...(body['storage'] as object), input: { type: 's3_compatible', presigned_url: fake.storage.presign('GET', `input_${id}.json`) } };
    delete body['params'];
    expect((await call('POST', '/v1/jobs', body)).status).toBe(204);
    expect((await fake.waitForJob(id)).status).toBe('Completed');
  });

  it('runs estimator jobs', async () => {
    const body = jobBody(fake, { program_id: 'estimator' }, { pubs: [[BELL.replace(/meas\[\d\] = measure q\[\d\];\n/g, '').replace('bit[2] meas;\n', ''), ['ZZ', 'XX']]], version: 2, precision: 0.05 });
    expect((await call('POST', '/v1/jobs', body)).status).toBe(204);
    const job = await fake.waitForJob(body['id'] as string);
    expect(job.status).toBe('Completed');
    expect(JSON.parse(job.results ?? '{}')).toMatchObject({ __type__: 'PrimitiveResult', __value__: { pub_results: [{ __type__: 'PubResult' }] } });
  });

  it('answers 409 for a duplicate job id', async () => {
    const body = jobBody(fake);
    expect((await call('POST', '/v1/jobs', body)).status).toBe(204);
    const again = await call('POST', '/v1/jobs', body);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status_code: 409, errors: [{ code: '1290', message: expect.stringContaining(String(body['id'])) }] });
  });

  it('answers 400 with the field for invalid bodies', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ id: 'not-a-uuid' }, 'id'],
      [{ program_id: 'runner' }, 'program_id'],
      [{ timeout_secs: -1 }, 'timeout_secs'],
      [{ storage: {} }, 'storage.results'],
      [{ surprise: true }, 'surprise'],
    ];
    for (const [overrides, field] of cases) {
      const a = await call('POST', '/v1/jobs', jobBody(fake, overrides));
      expect(a.status, field).toBe(400);
      expect((a.body as { errors: { message: string }[] }).errors[0]?.message, field).toContain(field);
    }
    expect((await call('POST', '/v1/jobs', '{"id": ')).status).toBe(400);
    const unknownBackend = await call('POST', '/v1/jobs', jobBody(fake, { backend: 'nope' }));
    expect(unknownBackend.status).toBe(404);
    expect(errorCode(unknownBackend)).toBe('1216');
  });

  it('lists jobs, newest first, filtered by backend and status', async () => {
    const a = jobBody(fake);
    const b = jobBody(fake);
    await call('POST', '/v1/jobs', a);
    await call('POST', '/v1/jobs', b);
    await fake.waitForJob(a['id'] as string);
    await fake.waitForJob(b['id'] as string);
    const list = (await call('GET', '/v1/jobs')).body as { jobs: { id: string }[] };
    expect(list.jobs.map((j) => j.id)).toEqual([b['id'], a['id']]);
    expect(((await call('GET', '/v1/jobs?status=Running')).body as { jobs: unknown[] }).jobs).toEqual([]);
    expect(((await call('GET', '/v1/jobs?backend=fake_fez&limit=1')).body as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toEqual([b['id']]);
  });

  it('cancels a running job (204, then Cancelled) and refuses to cancel it twice or an unknown one', async () => {
    fake.setRunDelay(60_000);
    const body = jobBody(fake);
    const id = body['id'] as string;
    await call('POST', '/v1/jobs', body);
    expect((await call('GET', `/v1/jobs/${id}`)).body).toMatchObject({ status: 'Running' });
    expect((await call('POST', `/v1/jobs/${id}/cancel`)).status).toBe(204);
    expect((await call('GET', `/v1/jobs/${id}`)).body).toMatchObject({ status: 'Cancelled', end_time: expect.any(String) });
    expect(fake.storage.text(`results_${id}.json`)).toBeUndefined();
    const twice = await call('POST', `/v1/jobs/${id}/cancel`);
    expect(twice.status).toBe(409);
    const unknown = await call('POST', `/v1/jobs/${randomUUID()}/cancel`);
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('1291');
  });

  it('deletes a job only once it is in a final state', async () => {
    fake.setRunDelay(60_000);
    const body = jobBody(fake);
    const id = body['id'] as string;
    await call('POST', '/v1/jobs', body);
    const early = await call('DELETE', `/v1/jobs/${id}`);
    expect(early.status).toBe(409);
    expect(errorCode(early)).toBe('1293');
    await call('POST', `/v1/jobs/${id}/cancel`);
    expect((await call('DELETE', `/v1/jobs/${id}`)).status).toBe(204);
    const gone = await call('GET', `/v1/jobs/${id}`);
    expect(gone.status).toBe(404);
    expect(errorCode(gone)).toBe('1291');
  });

  it('fails a job with a reason: an injected failure, invalid PUBs, or a timeout', async () => {
    fake.fail('execution', { kind: 'job-failed', reasonCode: 1517, reasonMessage: 'Backend error.', reasonSolution: 'Try again.' });
    const injected = jobBody(fake);
    await call('POST', '/v1/jobs', injected);
    await fake.waitForJob(injected['id'] as string);
    expect((await call('GET', `/v1/jobs/${String(injected['id'])}`)).body).toMatchObject({ status: 'Failed', reason_code: 1517, reason_message: 'Backend error.', reason_solution: 'Try again.' });

    const invalid = jobBody(fake, {}, { pubs: [['OPENQASM 3.0; qubit q; frobnicate q;']], version: 2 });
    await call('POST', '/v1/jobs', invalid);
    const failed = await fake.waitForJob(invalid['id'] as string);
    expect(failed).toMatchObject({ status: 'Failed', reasonCode: 1517 });
    expect(failed.reasonMessage).toContain('not valid');

    fake.setRunDelay(60_000);
    const slow = jobBody(fake, { timeout_secs: 1 });
    await call('POST', '/v1/jobs', slow);
    expect(await fake.waitForJob(slow['id'] as string)).toMatchObject({ status: 'Failed', reasonCode: 1520 });
  });
});

describe('execution lanes', () => {
  it('runs as many jobs as lanes, queues the next, and answers 429 with code 1232 beyond the queue', async () => {
    fake.lanes.set('fake_fez', 1, 1);
    fake.setRunDelay(60_000);
    const [a, b, c] = [jobBody(fake), jobBody(fake), jobBody(fake)];
    expect((await call('POST', '/v1/jobs', a)).status).toBe(204);
    expect((await call('POST', '/v1/jobs', b)).status).toBe(204);
    expect((await call('GET', `/v1/jobs/${String(a?.['id'])}`)).body).toMatchObject({ status: 'Running' });
    expect((await call('GET', `/v1/jobs/${String(b?.['id'])}`)).body).toMatchObject({ status: 'Queued' });

    const full = await call('POST', '/v1/jobs', c);
    expect(full.status).toBe(429);
    expect(full.body).toMatchObject({ status_code: 429, title: expect.any(String), errors: [{ code: '1232', message: expect.stringContaining('concurrent job limit'), more_info: expect.any(String) }] });
    expect(fake.jobs.has(c?.['id'] as string)).toBe(false);

    await call('POST', `/v1/jobs/${String(a?.['id'])}/cancel`);
    expect((await call('GET', `/v1/jobs/${String(b?.['id'])}`)).body).toMatchObject({ status: 'Running' });
    expect(fake.lanes.usage('fake_fez')).toMatchObject({ running: [b?.['id']], queued: [] });
  });

  it('answers 1233 while the backend is reserved, and for a paused or offline backend', async () => {
    fake.backends.reserve('fake_fez');
    const reserved = await call('POST', '/v1/jobs', jobBody(fake));
    expect(reserved.status).toBe(423);
    expect(reserved.body).toMatchObject({ status_code: 423, errors: [{ code: '1233', message: expect.stringContaining('reserved') }] });
    expect((await call('GET', '/v1/backends/fake_fez')).body).toMatchObject({ locked: true });
    fake.backends.reserve('fake_fez', false);
    expect((await call('POST', '/v1/jobs', jobBody(fake))).status).toBe(204);

    const paused = await call('POST', '/v1/jobs', jobBody(fake, { backend: 'fake_torino' }));
    expect(paused.status).toBe(409);
    expect(errorCode(paused)).toBe('1233');
  });

  it('lets a test force 1232 or 1233 for the next submissions', async () => {
    fake.fail('POST /v1/jobs', { kind: 'lane-limit' });
    fake.fail('POST /v1/jobs', { kind: 'reserved' });
    expect(errorCode(await call('POST', '/v1/jobs', jobBody(fake)))).toBe('1232');
    expect(errorCode(await call('POST', '/v1/jobs', jobBody(fake)))).toBe('1233');
    expect((await call('POST', '/v1/jobs', jobBody(fake))).status).toBe(204);
  });
});

describe('faults', () => {
  it('answers 429 with Retry-After for the next N calls of a route, then normally', async () => {
    fake.fail('GET /v1/backends', { kind: 'rate-limit', retryAfterSeconds: 7 }, 2);
    for (let i = 0; i < 2; i++) {
      const limited = await call('GET', '/v1/backends');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body).toMatchObject({ status_code: 429, errors: [{ code: expect.any(String) }] });
    }
    expect((await call('GET', '/v1/backends')).status).toBe(200);
    expect(fake.requests.filter((r) => r.route === 'GET /v1/backends').map((r) => [r.status, r.fault])).toEqual([
      [429, 'rate-limit'],
      [429, 'rate-limit'],
      [200, undefined],
    ]);
  });

  it('serves 5xx, truncated JSON, connection resets and hangs', async () => {
    fake.fail('GET /v1/jobs', { kind: 'status', status: 502 });
    expect((await call('GET', '/v1/jobs')).status).toBe(502);

    fake.fail('GET /v1/backends', { kind: 'truncated-json' });
    const truncated = await call('GET', '/v1/backends');
    expect(truncated.status).toBe(200);
    expect(() => JSON.parse(truncated.text) as unknown).toThrow();

    fake.fail('*', { kind: 'reset' });
    await expect(call('GET', '/v1/backends/fake_fez')).rejects.toThrow();

    fake.fail('GET /v1/backends/:name', { kind: 'hang' });
    await expect(fetch(`${fake.url}/v1/backends/fake_fez`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await call('GET', '/v1/backends/fake_fez')).status).toBe(200);
  });
});

describe('storage', () => {
  it('checks presigned URLs: a tampered signature, an unknown key id and an expired URL are refused with S3 errors', async () => {
    fake.storage.put('a.json', '{"a":1}');
    const good = fake.storage.presign('GET', 'a.json');
    expect(await (await fetch(good)).text()).toBe('{"a":1}');

    const tampered = await fetch(good.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=x'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const unknownKey = await fetch(good.replace(/X-Amz-Credential=[^%]+/, 'X-Amz-Credential=AKIDNOPE'));
    expect(await unknownKey.text()).toContain('<Code>InvalidAccessKeyId</Code>');

    const expired = await fetch(fake.storage.presign('GET', 'a.json', -1));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');

    const missing = await fetch(fake.storage.presign('GET', 'missing.json'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<Code>NoSuchKey</Code>');

    const put = await fetch(fake.storage.presign('PUT', 'b.json'), { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(200);
    expect(fake.storage.text('b.json')).toBe('hello');
  });
});

describe('request log', () => {
  it('records method, path, headers without secret values, and a digest of the body', async () => {
    const body = jobBody(fake);
    const text = JSON.stringify(body);
    await call('POST', '/v1/jobs', text);
    const entry = fake.requests.find((r) => r.route === 'POST /v1/jobs');
    expect(entry).toMatchObject({ server: 'api', method: 'POST', path: '/v1/jobs', status: 204, bodyDigest: createHash('sha256').update(text).digest('hex'), bodyBytes: Buffer.byteLength(text) });
    expect(entry?.headers['authorization']).toBe('Bearer <redacted>');
    expect(entry?.headers['service-crn']).toBe(fake.credentials.serviceCrn);
    const login = fake.requests.find((r) => r.route === 'POST /identity/token');
    expect(JSON.stringify(login)).not.toContain(fake.credentials.apiKey);
    await fake.waitForJob(body['id'] as string);
    const upload = fake.requests.find((r) => r.server === 's3' && r.method === 'PUT');
    expect(upload?.path).toContain('X-Amz-Signature=<redacted>');
  });
});
