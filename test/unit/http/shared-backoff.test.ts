import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffFile, createHttpClient, createMemoryBackoff, createSharedBackoff, type RetryEvent } from '../../../src/http/index.js';
import { json, rejection, startServer, type TestServer } from './servers.js';

const CHILD = fileURLToPath(new URL('./fixtures/backoff-client.ts', import.meta.url));

let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qpu-backoff-'));
  server = await startServer();
});
afterEach(async () => {
  await server.close();
  await chmod(dir, 0o700).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

interface Child {
  readonly ready: Promise<void>;
  readonly result: Promise<Record<string, unknown>>;
  go(): void;
}

/** A client in its own process (fixtures/backoff-client.ts), sending when told to. */
function startChild(path: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, server.url, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    if (output.startsWith('ready\n')) markReady();
  });
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').filter(Boolean).pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Record<string, unknown>);
      else reject(new Error(`backoff client exited ${code}: ${output}`));
    });
  });
  return { ready, result, go: () => child.stdin.end('go\n') };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('createSharedBackoff', () => {
  it('reads a missing or corrupt record as "no wait"', async () => {
    const backoff = createSharedBackoff(dir, 'ibm_fez');
    expect(await backoff.notBefore()).toBe(0);
    await writeFile(backoffFile(dir, 'ibm_fez'), '{"not_before": "soon"');
    expect(await backoff.notBefore()).toBe(0);
  });

  it('records the wait atomically and never shortens it', async () => {
    const backoff = createSharedBackoff(join(dir, 'state'), 'ibm_fez');
    const later = Date.now() + 60_000;
    await backoff.defer(later);
    await backoff.defer(later - 30_000);
    expect(await createSharedBackoff(join(dir, 'state'), 'ibm_fez').notBefore()).toBe(later);
    expect(await readdir(join(dir, 'state'))).toEqual(['ibm_fez.backoff.json']);
  });

  it('keeps one file per backend, with names that cannot leave the directory', () => {
    expect(backoffFile('/state', 'ibm_fez')).toBe('/state/ibm_fez.backoff.json');
    expect(backoffFile('/state', '../etc/x')).toBe('/state/%2e.%2fetc%2fx.backoff.json');
  });

  it('has an in-memory twin for one process', async () => {
    const backoff = createMemoryBackoff('sim');
    await backoff.defer(5);
    await backoff.defer(3);
    expect(await backoff.notBefore()).toBe(5);
  });
});

describe('shared backoff between clients', () => {
  it('makes a second client on the node wait out a 429 the first one got', async () => {
    server.respond(json(429, {}, { 'retry-after': '1' }), json(200, { ok: true }));
    const options = { backend: 'fake_vendor', baseUrl: server.url, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 } };
    const first = createHttpClient({ ...options, backoff: createSharedBackoff(dir, 'fake_vendor') });
    const secondWaits: RetryEvent[] = [];
    const second = createHttpClient({ ...options, backoff: createSharedBackoff(dir, 'fake_vendor'), onRetry: (event) => secondWaits.push(event) });
    try {
      const firstCall = first.request({ method: 'GET', path: '/first' });
      await until(() => server.log.length === 1 && existsSync(backoffFile(dir, 'fake_vendor')));
      const reply = await second.request({ method: 'GET', path: '/second' });
      await firstCall;
      expect(reply.attempts).toBe(1);
      expect(secondWaits.map((event) => event.reason)).toEqual(['shared-backoff']);
      const limited = server.log[0]?.at ?? 0;
      const sent = server.log.find((entry) => entry.url === '/second')?.at ?? 0;
      expect(sent - limited).toBeGreaterThanOrEqual(700);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('makes a gateway in another process wait out a 429 this one got', async () => {
    server.respond(json(429, {}, { 'retry-after': '2' }), json(200, { ok: true }));
    const [first, second] = [startChild('/first'), startChild('/second')];
    await Promise.all([first.ready, second.ready]);
    first.go();
    await until(() => server.log.length >= 1 && existsSync(backoffFile(dir, 'fake_vendor')));
    second.go();
    const [a, b] = await Promise.all([first.result, second.result]);
    expect(a).toMatchObject({ status: 200, attempts: 2, waits: ['rate-limited'] });
    // The second gateway never met the limit itself: it held back, then its one request succeeded.
    expect(b).toMatchObject({ status: 200, attempts: 1, waits: ['shared-backoff'] });
    const limited = server.log[0]?.at ?? 0;
    const sent = server.log.find((entry) => entry.url === '/second')?.at ?? 0;
    // Generous slack: behaviour, not speed — it did not send before the vendor said it could.
    expect(sent - limited).toBeGreaterThanOrEqual(1500);
    expect(server.log.filter((entry) => entry.url === '/second')).toHaveLength(1);
  }, 60_000); // two Node processes start on a shared machine

  it('does not wait on a shared backoff past the deadline, and sends nothing', async () => {
    const backoff = createMemoryBackoff('fake_vendor');
    await backoff.defer(Date.now() + 120_000);
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: server.url, backoff, deadline: Date.now() + 2_000 });
    try {
      const error = await rejection(client.request({ method: 'GET', path: '/jobs' }));
      expect(error.code).toBe('UPSTREAM_DEADLINE');
    } finally {
      await client.close();
    }
    expect(server.log).toHaveLength(0);
  });

  it('fails at once, sending nothing, when the shared wait is longer than the client waits', async () => {
    const backoff = createMemoryBackoff('fake_vendor');
    await backoff.defer(Date.now() + 3_600_000);
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: server.url, backoff, retry: { maxRetryAfterMs: 60_000 } });
    try {
      const error = await rejection(client.request({ method: 'GET', path: '/jobs' }));
      expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
      expect(error.message).toContain('another client');
    } finally {
      await client.close();
    }
    expect(server.log).toHaveLength(0);
  });

  it('still makes the call when the state directory cannot be written', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere; the point is moot there
    await chmod(dir, 0o500);
    server.respond(json(429, {}), json(200, { ok: true }));
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: server.url, backoff: createSharedBackoff(join(dir, 'state'), 'fake_vendor'), retry: { baseDelayMs: 5 } });
    try {
      expect((await client.request({ method: 'GET', path: '/jobs' })).status).toBe(200);
    } finally {
      await client.close();
    }
  });
});
