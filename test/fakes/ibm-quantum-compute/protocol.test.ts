/**
 * The fake's HTTP contract as any client sees it: IAM, the Runtime API's credentials checks and error
 * bodies, backends, sessions, jobs, pagination and cancel rules.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromQiskit } from '../../../src/index.js';
import { startIbmComputeFake, type IbmComputeFake } from './index.js';
import { api, requestToken, samplerJob, submit, waitForStatus, type Api } from './test-client.js';

let fake: IbmComputeFake;

beforeEach(async () => {
  fake = await startIbmComputeFake({ devices: [{ name: 'ibm_loopback', numQubits: 5 }, { name: 'ibm_second', numQubits: 3 }], queueDelayMs: 10 });
});

afterEach(async () => {
  await fake.close();
});

function expectRuntimeError(body: unknown, status: number, code: string): void {
  expect(body).toMatchObject({ errors: [{ code, message: expect.any(String), more_info: expect.stringContaining('cloud.ibm.com') }], trace: expect.any(String), status_code: status });
}

describe('IAM', () => {
  it('trades the API key for a bearer JWT that says when it expires', async () => {
    const res = await requestToken(fake);
    expect(res.status).toBe(200);
    const grant = (await res.json()) as Record<string, unknown>;
    expect(grant).toMatchObject({ token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String) });
    const [, claims] = String(grant['access_token']).split('.');
    const decoded = JSON.parse(Buffer.from(claims ?? '', 'base64url').toString('utf8')) as { exp: number; iat: number };
    expect(decoded.exp - decoded.iat).toBe(3600);
    expect(grant['expiration']).toBe(decoded.exp);
  });

  it('refuses an unknown key with 400 and IAM\'s BXNIM0415E body', async () => {
    const res = await requestToken(fake, 'not-the-key');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.', context: { requestId: expect.any(String) } });
  });

  it('issues tokens that expire after the configured lifetime, and the Runtime API then refuses them', async () => {
    fake.setTokenLifetime(2);
    const call = await api(fake);
    expect((await call('GET', '/backends')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const res = await call('GET', '/backends');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/expired/);
  });

  it('accepts a refresh token once', async () => {
    const grant = (await (await requestToken(fake)).json()) as { refresh_token: string };
    const refresh = (): Promise<Response> =>
      fetch(`${fake.iamUrl}/identity/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refresh_token }),
      });
    expect((await refresh()).status).toBe(200);
    expect((await refresh()).status).toBe(400);
  });
});

describe('Runtime API credentials', () => {
  it('answers 401 with IBM\'s error body without a token, and with a token IAM never issued', async () => {
    const none = await fetch(`${fake.url}/backends`, { headers: { 'service-crn': fake.instance } });
    expect(none.status).toBe(401);
    expectRuntimeError(await none.json(), 401, 'unauthorized');
    const forged = await fetch(`${fake.url}/backends`, { headers: { authorization: 'Bearer forged', 'service-crn': fake.instance } });
    expect(forged.status).toBe(401);
    expectRuntimeError(await forged.json(), 401, 'unauthorized');
  });

  it('refuses a request without Service-CRN (400) and one for another instance (403)', async () => {
    const call = await api(fake);
    const missing = await fetch(`${fake.url}/backends`, { headers: { authorization: `Bearer ${call.token}` } });
    expect(missing.status).toBe(400);
    expectRuntimeError(await missing.json(), 400, 'bad_request');
    const other = await call('GET', '/backends', undefined, { 'service-crn': 'crn:v1:bluemix:public:quantum-computing:us-east:a/other:other::' });
    expect(other.status).toBe(403);
    expectRuntimeError(await other.json(), 403, 'forbidden');
  });

  it('records IBM-API-Version and whether Authorization was sent, never its value', async () => {
    const call = await api(fake);
    await call('GET', '/backends');
    const record = fake.requests.find((r) => r.route === 'GET /backends');
    expect(record).toMatchObject({ apiVersion: '2026-04-15', authorization: 'Bearer', serviceCrn: fake.instance, status: 200 });
    expect(JSON.stringify(fake.requests)).not.toContain(call.token);
    expect(JSON.stringify(fake.requests)).not.toContain(fake.apiKey);
    expect(fake.secretsInUrls()).toEqual([]);
  });

  it('notices a key or token sent in a URL', async () => {
    await fetch(`${fake.url}/backends?apikey=${encodeURIComponent(fake.apiKey)}`);
    expect(fake.secretsInUrls()).toEqual(['GET /api/v1/backends']);
  });
});

describe('backends', () => {
  let call: Api;
  beforeEach(async () => {
    call = await api(fake);
  });

  it('lists the configured devices', async () => {
    const body = (await (await call('GET', '/backends')).json()) as { devices: { name: string; qubits: number }[] };
    expect(body.devices.map((d) => [d.name, d.qubits])).toEqual([
      ['ibm_loopback', 5],
      ['ibm_second', 3],
    ]);
  });

  it('serves a configuration with IBM\'s fields, properties and status', async () => {
    const config = (await (await call('GET', '/backends/ibm_loopback/configuration')).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ backend_name: 'ibm_loopback', n_qubits: 5, basis_gates: ['cz', 'id', 'rz', 'sx', 'x'], simulator: false, max_shots: 100000, max_experiments: 300 });
    expect(config['coupling_map']).toContainEqual([0, 1]);
    expect(config['supported_instructions']).toEqual(expect.arrayContaining(['measure', 'reset', 'delay', 'cz']));
    const props = (await (await call('GET', '/backends/ibm_loopback/properties')).json()) as { qubits: unknown[]; gates: unknown[] };
    expect(props.qubits).toHaveLength(5);
    const status = await (await call('GET', '/backends/ibm_loopback/status')).json();
    expect(status).toMatchObject({ state: true, status: 'active', length_queue: 0 });
  });

  it('answers 404 with IBM\'s body for an unknown backend', async () => {
    const res = await call('GET', '/backends/ibm_nowhere/configuration');
    expect(res.status).toBe(404);
    expectRuntimeError(await res.json(), 404, 'not_found');
  });
});

describe('jobs', () => {
  let call: Api;
  beforeEach(async () => {
    call = await api(fake);
  });

  it('runs an OpenQASM 3 Bell circuit Queued → Completed and serves a V2 PrimitiveResult', async () => {
    const id = await submit(call);
    const job = await waitForStatus(call, id, ['Completed', 'Failed']);
    expect(job).toMatchObject({ id, backend: 'ibm_loopback', status: 'Completed', state: { status: 'Completed' }, program: { id: 'sampler' }, session_id: null });
    const res = await call('GET', `/jobs/${id}/results`);
    expect(res.status).toBe(200);
    const outcome = fromQiskit(JSON.parse(await res.text()));
    expect(outcome.kind).toBe('sampler');
    if (outcome.kind !== 'sampler') return;
    const register = outcome.pubs[0]?.registers[0];
    expect(register?.shots).toBe(100);
    // Bell: every shot reads 00 or 11 (byte 0 or 3).
    expect(new Set(register?.bytes)).toEqual(new Set([0, 3]));
  });

  it('refuses params that are not Sampler V2 params at submission with 400', async () => {
    const res = await call('POST', '/jobs', { program_id: 'sampler', backend: 'ibm_loopback', params: { pubs: [], version: 1 } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string }[] };
    expectRuntimeError(body, 400, 'bad_request');
    expect(body.errors[0]?.message).toMatch(/Invalid parameters: .*version/);
  });

  it('fails a job whose circuit does not parse, with the reason in state and results', async () => {
    const id = await submit(call, { program_id: 'sampler', backend: 'ibm_loopback', params: { pubs: [['OPENQASM 3.0; qubit[1] q; nonsense q;']], version: 2 } });
    const job = (await waitForStatus(call, id, ['Completed', 'Failed'])) as { state: { status: string; reason: string; reason_code: number } };
    expect(job.state).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/nonsense/), reason_code: 1500 });
    expect(await (await call('GET', `/jobs/${id}/results`)).text()).toMatch(/nonsense/);
  });

  it('refuses QPY circuits with a clear message when it has no Python', async () => {
    const res = await call('POST', '/jobs', { program_id: 'sampler', backend: 'ibm_loopback', params: { pubs: [[{ __type__: 'QuantumCircuit', __value__: 'eJw=' }]], version: 2 } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/without a Python interpreter/);
  });

  it('answers 404 for an unknown program and 400 for an unknown backend', async () => {
    expect((await call('POST', '/jobs', { ...samplerJob(), program_id: 'circuit-runner' })).status).toBe(404);
    expect((await call('POST', '/jobs', samplerJob('ibm_nowhere'))).status).toBe(400);
  });

  it('pages the job list newest first, with count, limit and offset', async () => {
    fake.setQueueDelay(60_000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submit(call));
    const page = (await (await call('GET', '/jobs?limit=2&offset=1')).json()) as { jobs: { id: string }[]; count: number; limit: number; offset: number };
    expect(page).toMatchObject({ count: 5, limit: 2, offset: 1 });
    expect(page.jobs.map((j) => j.id)).toEqual([ids[3], ids[2]]);
    const asc = (await (await call('GET', '/jobs?limit=2&sort=ASC')).json()) as { jobs: { id: string }[] };
    expect(asc.jobs.map((j) => j.id)).toEqual([ids[0], ids[1]]);
    expect((await call('GET', '/jobs?limit=0')).status).toBe(400);
  });

  it('filters the list by pending and by session', async () => {
    const done = await submit(call);
    await waitForStatus(call, done, ['Completed']);
    fake.setQueueDelay(60_000);
    const waiting = await submit(call);
    const pending = (await (await call('GET', '/jobs?pending=true')).json()) as { jobs: { id: string }[] };
    expect(pending.jobs.map((j) => j.id)).toEqual([waiting]);
    const finished = (await (await call('GET', '/jobs?pending=false')).json()) as { jobs: { id: string }[] };
    expect(finished.jobs.map((j) => j.id)).toEqual([done]);
    const session = (await (await call('POST', '/sessions', { mode: 'batch', backend: 'ibm_loopback' })).json()) as { id: string };
    const inSession = await submit(call, samplerJob('ibm_loopback', { session_id: session.id }));
    const bySession = (await (await call('GET', `/jobs?session_id=${session.id}`)).json()) as { jobs: { id: string }[]; count: number };
    expect(bySession).toMatchObject({ count: 1 });
    expect(bySession.jobs.map((j) => j.id)).toEqual([inSession]);
  });

  it('cancels a queued job (204) and refuses to cancel a final one (409)', async () => {
    fake.setQueueDelay(60_000);
    const id = await submit(call);
    expect((await call('POST', `/jobs/${id}/cancel`)).status).toBe(204);
    expect((await (await call('GET', `/jobs/${id}`)).json())).toMatchObject({ state: { status: 'Cancelled' } });
    const again = await call('POST', `/jobs/${id}/cancel`);
    expect(again.status).toBe(409);
    expectRuntimeError(await again.json(), 409, 'conflict');
  });

  it('deletes only final jobs; a deleted job is gone', async () => {
    fake.setQueueDelay(60_000);
    const id = await submit(call);
    expect((await call('DELETE', `/jobs/${id}`)).status).toBe(409);
    await call('POST', `/jobs/${id}/cancel`);
    expect((await call('DELETE', `/jobs/${id}`)).status).toBe(204);
    expect((await call('GET', `/jobs/${id}`)).status).toBe(404);
  });

  it('serves metrics with timestamps and usage', async () => {
    const id = await submit(call);
    await waitForStatus(call, id, ['Completed']);
    const metrics = await (await call('GET', `/jobs/${id}/metrics`)).json();
    expect(metrics).toMatchObject({ timestamps: { created: expect.any(String), running: expect.any(String), finished: expect.any(String) }, usage: { status: 'completed' } });
  });
});

describe('sessions', () => {
  let call: Api;
  beforeEach(async () => {
    call = await api(fake);
  });

  it('opens a batch, runs its jobs, and closes once it stops accepting jobs and drains', async () => {
    const created = await call('POST', '/sessions', { mode: 'batch', backend: 'ibm_loopback', max_ttl: 600 });
    expect(created.status).toBe(200);
    const session = (await created.json()) as { id: string; state: string; mode: string; accepting_jobs: boolean };
    expect(session).toMatchObject({ state: 'open', mode: 'batch', accepting_jobs: true });
    const id = await submit(call, samplerJob('ibm_loopback', { session_id: session.id }));
    await waitForStatus(call, id, ['Completed']);
    expect(await (await call('GET', `/sessions/${session.id}`)).json()).toMatchObject({ state: 'active', accepting_jobs: true });
    expect((await call('PATCH', `/sessions/${session.id}`, { accepting_jobs: false })).status).toBe(204);
    expect(await (await call('GET', `/sessions/${session.id}`)).json()).toMatchObject({ state: 'closed', accepting_jobs: false, closed_at: expect.any(String) });
    expect(fake.sessions.get(session.id)?.jobIds).toEqual([id]);
  });

  it('refuses new jobs once a session no longer accepts them', async () => {
    const session = (await (await call('POST', '/sessions', { mode: 'dedicated', backend: 'ibm_loopback' })).json()) as { id: string };
    await call('PATCH', `/sessions/${session.id}`, { accepting_jobs: false });
    const res = await call('POST', '/jobs', samplerJob('ibm_loopback', { session_id: session.id }));
    expect(res.status).toBe(409);
    expectRuntimeError(await res.json(), 409, 'session_not_accepting_jobs');
  });

  it('DELETE .../close cancels queued jobs and closes at once', async () => {
    fake.setQueueDelay(60_000);
    const session = (await (await call('POST', '/sessions', { mode: 'batch', backend: 'ibm_loopback' })).json()) as { id: string };
    const id = await submit(call, samplerJob('ibm_loopback', { session_id: session.id }));
    expect((await call('DELETE', `/sessions/${session.id}/close`)).status).toBe(204);
    expect(await (await call('GET', `/jobs/${id}`)).json()).toMatchObject({ state: { status: 'Cancelled' } });
    expect(fake.sessions.get(session.id)).toMatchObject({ state: 'closed', endedBy: 'close' });
  });

  it('answers IBM\'s 404 body for an unknown session and 400 for a job on another backend', async () => {
    const res = await call('GET', '/sessions/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'not_found', message: 'unknown session' }] });
    const session = (await (await call('POST', '/sessions', { mode: 'batch', backend: 'ibm_loopback' })).json()) as { id: string };
    expect((await call('POST', '/jobs', samplerJob('ibm_second', { session_id: session.id }))).status).toBe(400);
  });
});
