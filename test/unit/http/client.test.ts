import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpStatusError, type HttpClient, type HttpClientOptions, type RetryEvent } from '../../../src/http/index.js';
import { QrunError } from '../../../src/errors.js';
import { closedPort, hang, json, rejection, reset, startServer, type TestServer } from './servers.js';

let server: TestServer;
const clients: HttpClient[] = [];

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

/** Small backoff steps so retries happen at once; the policy's shape is what is under test. */
function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const made = createHttpClient({ backend: 'fake_vendor', baseUrl: server.url, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, ...options });
  clients.push(made);
  return made;
}

describe('createHttpClient: replies', () => {
  it('returns status, lower-case headers and the parsed JSON body', async () => {
    server.respond(json(200, { jobs: [{ id: 'j1' }] }, { 'X-Request-Id': 'r1' }));
    const reply = await client().request<{ jobs: { id: string }[] }>({ method: 'GET', path: '/jobs', query: { limit: 2, tags: ['a', 'b'], skip: undefined } });
    expect(reply.status).toBe(200);
    expect(reply.body.jobs[0]?.id).toBe('j1');
    expect(reply.headers['x-request-id']).toBe('r1');
    expect(reply.attempts).toBe(1);
    expect(server.log[0]?.url).toBe('/jobs?limit=2&tags=a&tags=b');
  });

  it('returns text bodies as text and empty bodies as null', async () => {
    server.respond(
      (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words'),
      (_req, res) => res.writeHead(204).end(),
    );
    const http = client();
    expect((await http.request({ method: 'GET', path: '/a' })).body).toBe('plain words');
    expect((await http.request({ method: 'DELETE', path: '/b' })).body).toBeNull();
  });

  it('appends paths to the endpoint prefix and sends JSON with auth headers resolved per call', async () => {
    let refreshes = 0;
    const http = client({ baseUrl: `${server.url}/api/v1/`, headers: async () => ({ Authorization: `Bearer token-${++refreshes}` }) });
    await http.request({ method: 'POST', path: '/jobs', json: { program_id: 'sampler' } });
    await http.request({ method: 'POST', path: '/token', form: { grant_type: 'apikey' } });
    const [first, second] = server.log;
    expect(first?.url).toBe('/api/v1/jobs');
    expect(first?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first?.body ?? '')).toEqual({ program_id: 'sampler' });
    expect(first?.headers.authorization).toBe('Bearer token-1');
    expect(first?.headers['user-agent']).toMatch(/^slurm-qpu\//);
    expect(second?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(second?.body).toBe('grant_type=apikey');
    expect(second?.headers.authorization).toBe('Bearer token-2');
  });

  it('accepts the statuses the caller lists', async () => {
    server.respond(json(404, { errors: [] }));
    const reply = await client().request({ method: 'GET', path: '/jobs/gone', expect: [200, 404] });
    expect(reply.status).toBe(404);
  });

  it('refuses a path that is a URL of another host (credentials never leave the endpoint)', async () => {
    const error = await rejection(client().request({ method: 'GET', path: 'https://elsewhere.example/steal' }));
    expect(error.code).toBe('INTERNAL');
    expect(server.log).toHaveLength(0);
  });
});

describe('createHttpClient: vendor errors', () => {
  it('gives a refused call as HttpStatusError with the vendor body for the vendor module to map', async () => {
    const body = { errors: [{ code: 1234, message: 'Instance not authorized' }] };
    server.respond(json(403, body));
    const error = await rejection(client().request({ method: 'GET', path: '/jobs' }));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.code).toBe('UPSTREAM_STATUS');
    expect(error.status).toBe(403);
    expect(error.body).toEqual(body);
    expect(error.details).toMatchObject({ backend: 'fake_vendor', status: 403, body });
    expect(server.log).toHaveLength(1);
  });

  it('lets the vendor module turn a status error into its own code', async () => {
    server.respond(json(401, { errors: [{ code: 'expired_token', message: 'token expired' }] }));
    const http = client({
      mapStatusError: (failure) =>
        failure.status === 401 ? new QrunError('AUTH_FAILED', 'fake_vendor rejected the credential', { cause: failure }) : undefined,
    });
    const error = await rejection(http.request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('AUTH_FAILED');
  });

  it('does not follow a redirect: a 3xx is an error that names where it pointed', async () => {
    server.respond((_req, res) => res.writeHead(302, { location: `${server.url}/elsewhere` }).end());
    const error = await rejection(client().request({ method: 'GET', path: '/moved' }));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.details).toMatchObject({ status: 302, location: `${server.url}/elsewhere` });
    expect(server.log.map((entry) => entry.url)).toEqual(['/moved']);
  });
});

describe('createHttpClient: retries', () => {
  it('honours Retry-After on 429 and tells the caller why it waits', async () => {
    server.respond(json(429, { errors: [] }, { 'retry-after': '1' }), json(200, { ok: true }));
    const events: RetryEvent[] = [];
    const reply = await client({ onRetry: (event) => events.push(event) }).request({ method: 'GET', path: '/jobs' });
    expect(reply.attempts).toBe(2);
    expect(events).toMatchObject([{ backend: 'fake_vendor', attempt: 2, reason: 'rate-limited', status: 429 }]);
    expect(events[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    const [first, second] = server.log;
    // Generous slack: the point is that the client did not come back before the server said so.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('accepts Retry-After as an HTTP date', async () => {
    server.respond(json(503, {}, { 'retry-after': new Date(Date.now() + 1500).toUTCString() }), json(200, {}));
    const events: RetryEvent[] = [];
    await client({ onRetry: (event) => events.push(event) }).request({ method: 'GET', path: '/jobs' });
    expect(events).toMatchObject([{ reason: 'unavailable', status: 503 }]);
    expect(events[0]?.delayMs).toBeGreaterThan(0);
  });

  it('retries 503 then succeeds', async () => {
    server.respond(json(503, {}), json(502, {}), json(200, { done: true }));
    const reply = await client().request({ method: 'GET', path: '/jobs/j1' });
    expect(reply.body).toEqual({ done: true });
    expect(server.log).toHaveLength(3);
  });

  it('gives up after maxAttempts with the unavailable code and the vendor body', async () => {
    server.respond(json(503, { errors: [{ message: 'maintenance' }] }));
    const error = await rejection(client().request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.details).toMatchObject({ attempts: 3, status: 503, body: { errors: [{ message: 'maintenance' }] } });
    expect(server.log).toHaveLength(3);
  });

  it('reports rate limiting after the last retry with its own code', async () => {
    server.respond(json(429, {}));
    const error = await rejection(client({ retry: { maxAttempts: 2, baseDelayMs: 5 } }).request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(server.log).toHaveLength(2);
  });

  it('fails at once when Retry-After asks for longer than the client waits', async () => {
    server.respond(json(429, {}, { 'retry-after': '600' }));
    const error = await rejection(client({ retry: { maxRetryAfterMs: 60_000 } }).request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(error.details).toMatchObject({ retry_after_ms: 600_000 });
    expect(server.log).toHaveLength(1);
  });

  it('does not send a POST twice after a 503 unless it is marked idempotent', async () => {
    server.respond(json(503, {}), json(201, { id: 'job-1' }));
    const error = await rejection(client().request({ method: 'POST', path: '/jobs', json: {} }));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(server.log).toHaveLength(1);

    server.respond(json(503, {}), json(201, { id: 'job-1' }));
    const reply = await client().request({ method: 'POST', path: '/jobs', json: { id: 'client-chosen' }, idempotent: true });
    expect(reply.status).toBe(201);
    expect(server.log).toHaveLength(3);
  });

  it('sends a POST again after a 429, which means the server did not act on it', async () => {
    server.respond(json(429, {}), json(201, { id: 'job-1' }));
    const reply = await client().request({ method: 'POST', path: '/jobs', json: {} });
    expect(reply.status).toBe(201);
    expect(server.log).toHaveLength(2);
  });

  it('retries a GET whose connection was reset', async () => {
    server.respond(reset, json(200, { ok: true }));
    const events: RetryEvent[] = [];
    const reply = await client({ onRetry: (event) => events.push(event) }).request({ method: 'GET', path: '/jobs' });
    expect(reply.body).toEqual({ ok: true });
    expect(events).toMatchObject([{ reason: 'connection', code: 'UPSTREAM_UNREACHABLE' }]);
  });

  it('does not resend a POST whose connection was reset (the server may have acted)', async () => {
    server.respond(reset, json(201, {}));
    const error = await rejection(client().request({ method: 'POST', path: '/jobs', json: {} }));
    expect(error.code).toBe('UPSTREAM_UNREACHABLE');
    expect(server.log).toHaveLength(1);
  });

  it('retries even a POST when the connection is refused (nothing was sent), then names the failure', async () => {
    const port = await closedPort();
    const events: RetryEvent[] = [];
    const http = client({ baseUrl: `http://127.0.0.1:${port}`, onRetry: (event) => events.push(event) });
    const error = await rejection(http.request({ method: 'POST', path: '/jobs', json: {} }));
    expect(error.code).toBe('UPSTREAM_UNREACHABLE');
    expect(error.message).toContain('fake_vendor');
    expect(error.details).toMatchObject({ errno: 'ECONNREFUSED', attempts: 3 });
    expect(events).toHaveLength(2);
  });
});

describe('createHttpClient: timeouts and deadlines', () => {
  it('maps a server that never answers to the timeout code, after retrying the GET', async () => {
    server.respond(hang);
    const http = client({ timeouts: { headersMs: 200 }, retry: { maxAttempts: 2, baseDelayMs: 5 } });
    const error = await rejection(http.request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.details).toMatchObject({ phase: 'headers', errno: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(error.hint).toBeTruthy();
    expect(server.log).toHaveLength(2);
  });

  it("fails with the deadline code instead of sleeping past the job's end", async () => {
    server.respond(json(429, {}, { 'retry-after': '120' }));
    const deadline = Date.now() + 5_000;
    const events: RetryEvent[] = [];
    const http = client({ deadline, retry: { maxAttempts: 5, maxRetryAfterMs: 600_000 }, onRetry: (event) => events.push(event) });
    const error = await rejection(http.request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_DEADLINE');
    expect(error.message).toContain('fake_vendor');
    expect(error.details).toMatchObject({ bound: 'job', last_code: 'UPSTREAM_RATE_LIMITED', deadline: new Date(deadline).toISOString() });
    expect(events).toHaveLength(0);
    expect(server.log).toHaveLength(1);
  });

  it('sends nothing once the deadline has passed', async () => {
    const error = await rejection(client({ deadline: Date.now() - 1 }).request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_DEADLINE');
    expect(server.log).toHaveLength(0);
  });

  it("cuts a call off at its own deadline, with the deadline code naming the call's bound", async () => {
    server.respond(hang);
    const error = await rejection(client().request({ method: 'GET', path: '/slow', timeoutMs: 300 }));
    expect(error.code).toBe('UPSTREAM_DEADLINE');
    expect(error.details).toMatchObject({ bound: 'call' });
  });
});

describe('createHttpClient: broken replies', () => {
  it('reports invalid JSON with the bad-response code', async () => {
    server.respond((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jobs": [1, 2'));
    const error = await rejection(client().request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.message).toContain('not valid JSON');
  });

  it('reports a reply cut short with the bad-response code', async () => {
    server.respond((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"jobs": [');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const error = await rejection(client().request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.details).toMatchObject({ phase: 'body' });
  });

  it('refuses a reply larger than the size limit', async () => {
    server.respond(json(200, { blob: 'x'.repeat(10_000) }));
    const error = await rejection(client({ maxResponseBytes: 1_000 }).request({ method: 'GET', path: '/big' }));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});

describe('createHttpClient: cancel and close', () => {
  it('stops a call waiting to retry when the caller aborts it', async () => {
    server.respond(json(429, {}, { 'retry-after': '30' }));
    const controller = new AbortController();
    const http = client({ onRetry: () => controller.abort() });
    const error = await rejection(http.request({ method: 'GET', path: '/jobs', signal: controller.signal }));
    expect(error.code).toBe('TASK_CANCELLED');
    expect(server.log).toHaveLength(1);
  });

  it('close() cancels waiting retries and refuses new calls', async () => {
    server.respond(json(503, {}, { 'retry-after': '30' }));
    let closing: Promise<void> | undefined;
    const http = client({
      onRetry: () => {
        closing = http.close();
      },
    });
    const error = await rejection(http.request({ method: 'GET', path: '/jobs' }));
    expect(error.code).toBe('TASK_CANCELLED');
    await closing;
    expect((await rejection(http.request({ method: 'GET', path: '/jobs' }))).code).toBe('TASK_CANCELLED');
  });

  it('close() also cancels a call on the wire', async () => {
    server.respond(hang);
    const http = client();
    const call = http.request({ method: 'GET', path: '/slow' });
    await new Promise<void>((resolve) => {
      const check = (): void => void (server.log.length > 0 ? resolve() : setTimeout(check, 10));
      check();
    });
    const [error] = await Promise.all([rejection(call), http.close()]);
    expect(error.code).toBe('TASK_CANCELLED');
  });

  it('keeps connections alive between calls', async () => {
    const http = client({ maxConnections: 1 });
    await http.request({ method: 'GET', path: '/a' });
    await http.request({ method: 'GET', path: '/b' });
    expect(server.log.map((entry) => entry.url)).toEqual(['/a', '/b']);
    expect(server.log[1]?.remotePort).toBe(server.log[0]?.remotePort);
  });

  it('opens no more connections than maxConnections, however many calls run at once', async () => {
    server.respond((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 30);
    });
    const http = client({ maxConnections: 2 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => http.request({ method: 'GET', path: `/jobs/${i}` })));
    expect(server.log).toHaveLength(6);
    expect(new Set(server.log.map((entry) => entry.remotePort)).size).toBeLessThanOrEqual(2);
  });
});
