import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/http/index.js';
import { json, startProxy, startServer, type TestProxy, type TestServer } from './servers.js';

/**
 * The user's environment must not steer the gateway's traffic: a proxy set in the job's environment
 * could read or redirect vendor calls. This file sets every proxy variable undici or curl would honour.
 */
const VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'];

let server: TestServer;
let trap: TestProxy;
const saved = new Map<string, string | undefined>();

beforeAll(async () => {
  server = await startServer();
  trap = await startProxy();
  for (const name of [...VARIABLES, 'no_proxy', 'NO_PROXY']) saved.set(name, process.env[name]);
  for (const name of VARIABLES) process.env[name] = trap.url;
  delete process.env.no_proxy;
  delete process.env.NO_PROXY;
});
afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await trap.close();
  await server.close();
});

describe('proxy variables in the environment', () => {
  it('are ignored: the call goes direct and the proxy sees nothing', async () => {
    server.respond(json(200, { direct: true }));
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: server.url });
    try {
      expect((await client.request({ method: 'GET', path: '/jobs' })).body).toEqual({ direct: true });
    } finally {
      await client.close();
    }
    expect(trap.tunnels).toEqual([]);
    expect(server.log).toHaveLength(1);
  });
});
