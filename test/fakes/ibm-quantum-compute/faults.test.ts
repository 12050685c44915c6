/** Faults a client must survive, switched on per route and per next-N calls, and the rate limit. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIbmComputeFake, type IbmComputeFake } from './index.js';
import { api, requestToken, submit, waitForStatus, type Api } from './test-client.js';

let fake: IbmComputeFake;
let call: Api;

beforeEach(async () => {
  fake = await startIbmComputeFake({ queueDelayMs: 10 });
  call = await api(fake);
});

afterEach(async () => {
  await fake.close();
});

describe('faults', () => {
  it('answers 429 with Retry-After and IBM\'s body for the next call only', async () => {
    fake.fail('GET /backends', { kind: 'status', status: 429, retryAfterSeconds: 7 }, 1);
    const limited = await call('GET', '/backends');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ errors: [{ code: 'too_many_requests' }], status_code: 429 });
    expect((await call('GET', '/backends')).status).toBe(200);
  });

  it.each([500, 502, 503, 504] as const)('answers %i for the next N calls, then recovers', async (status) => {
    fake.fail('GET /backends/{name}/status', status, 2);
    expect((await call('GET', '/backends/ibm_loopback/status')).status).toBe(status);
    expect((await call('GET', '/backends/ibm_loopback/status')).status).toBe(status);
    expect((await call('GET', '/backends/ibm_loopback/status')).status).toBe(200);
    expect(fake.requests.filter((r) => r.fault === String(status))).toHaveLength(2);
  });

  it('can hang a call: the request is taken and never answered', async () => {
    fake.fail('GET /jobs', 'hang', 1);
    const hung = fetch(`${fake.url}/jobs`, { headers: { authorization: `Bearer ${call.token}`, 'service-crn': fake.instance }, signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow(/abort|timeout/i);
    expect(fake.requests.some((r) => r.route === 'GET /jobs' && r.status === 'hang')).toBe(true);
  });

  it('can truncate a JSON body', async () => {
    fake.fail('GET /backends/{name}/configuration', 'truncate', 1);
    const res = await call('GET', '/backends/ibm_loopback/configuration');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('can reset the connection', async () => {
    fake.fail('POST /jobs', 'reset', 1);
    await expect(call('POST', '/jobs', { program_id: 'sampler' })).rejects.toThrow(/fetch failed/);
    expect(fake.jobs.size).toBe(0);
  });

  it('can fault IAM too', async () => {
    fake.fail('POST /identity/token', 503, 1);
    expect((await requestToken(fake)).status).toBe(503);
    expect((await requestToken(fake)).status).toBe(200);
  });

  it('makes the next job fail with an IBM reason and code', async () => {
    fake.fail('POST /jobs', { kind: 'job-failure', reason: 'Job failed: QPU calibration in progress.', reasonCode: 1520 }, 1);
    const failed = await submit(call);
    const job = (await waitForStatus(call, failed, ['Completed', 'Failed'])) as { state: unknown };
    expect(job.state).toEqual({ status: 'Failed', reason: 'Job failed: QPU calibration in progress.', reason_code: 1520 });
    expect(await (await call('GET', `/jobs/${failed}/results`)).text()).toBe('Job failed: QPU calibration in progress.');
    const next = await submit(call);
    expect(await waitForStatus(call, next, ['Completed', 'Failed'])).toMatchObject({ status: 'Completed' });
  });

  it('keeps jobs queued while the queue is slow', async () => {
    fake.setQueueDelay(60_000);
    const id = await submit(call);
    expect(await (await call('GET', `/jobs/${id}`)).json()).toMatchObject({ status: 'Queued' });
    expect(await (await call('GET', '/backends/ibm_loopback/status')).json()).toMatchObject({ length_queue: 1 });
  });

  it('applies `*` to every route until cleared', async () => {
    fake.fail('*', 502);
    expect((await call('GET', '/backends')).status).toBe(502);
    expect((await call('GET', '/jobs')).status).toBe(502);
    fake.clearFaults();
    expect((await call('GET', '/jobs')).status).toBe(200);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a token spends its requests in the window', async () => {
    const limited = await startIbmComputeFake({ rateLimit: { requests: 3, windowMs: 60_000 } });
    try {
      const client = await api(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await client('GET', '/backends')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await client('GET', '/backends');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ errors: [{ code: 'too_many_requests' }], status_code: 429 });
    } finally {
      await limited.close();
    }
  });
});
