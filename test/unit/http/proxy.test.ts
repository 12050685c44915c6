import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/http/index.js';
import { json, rejection, startProxy, startServer, type TestProxy, type TestServer } from './servers.js';

let server: TestServer;
const proxies: TestProxy[] = [];

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await server.close();
});

describe('proxy option', () => {
  it('tunnels every call through the configured proxy', async () => {
    const proxy = await startProxy();
    proxies.push(proxy);
    server.respond(json(200, { via: 'tunnel' }));
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: server.url, proxy: proxy.url });
    try {
      const reply = await client.request({ method: 'GET', path: '/jobs' });
      expect(reply.body).toEqual({ via: 'tunnel' });
    } finally {
      await client.close();
    }
    expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
    expect(server.log).toHaveLength(1);
  });

  it('reports a proxy that refuses the tunnel as unreachable, naming the proxy', async () => {
    const proxy = await startProxy(407);
    proxies.push(proxy);
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: server.url, proxy: proxy.url, retry: { maxAttempts: 1 } });
    try {
      const error = await rejection(client.request({ method: 'GET', path: '/jobs' }));
      expect(error.code).toBe('UPSTREAM_UNREACHABLE');
      expect(error.message).toContain(proxy.url);
      expect(error.details).toMatchObject({ proxy_status: 407, proxy: proxy.url });
      expect(error.hint).toMatch(/credentials/);
    } finally {
      await client.close();
    }
    expect(server.log).toHaveLength(0);
  });
});
