import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/http/index.js';
import { rejection } from './servers.js';

/** A throwaway self-signed certificate for 127.0.0.1, made by openssl for this run only. */
function makeCertificate(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

const dir = mkdtempSync(join(tmpdir(), 'qpu-http-tls-'));
const pair = makeCertificate(dir);
if (pair === undefined && process.env.CI === 'true') throw new Error('openssl is needed for the TLS tests and is missing');

let server: Server;
let url = '';
let requests = 0;

describe.skipIf(pair === undefined)('TLS', () => {
  beforeAll(async () => {
    server = createServer({ key: pair?.key, cert: pair?.cert }, (_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"secure":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it cannot verify, before sending anything', async () => {
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: url });
    try {
      const error = await rejection(client.request({ method: 'GET', path: '/jobs' }));
      expect(error.code).toBe('UPSTREAM_TLS_FAILED');
      expect(error.family).toBe('security');
      expect(error.hint).toMatch(/never turned off/);
    } finally {
      await client.close();
    }
    expect(requests).toBe(0);
  });

  it('trusts a site CA given as an extra certificate, still verifying the host', async () => {
    const client = createHttpClient({ backend: 'fake_vendor', baseUrl: url, ca: pair?.cert });
    try {
      expect((await client.request({ method: 'GET', path: '/jobs' })).body).toEqual({ secure: true });
    } finally {
      await client.close();
    }
    const wrongHost = createHttpClient({ backend: 'fake_vendor', baseUrl: url.replace('127.0.0.1', 'localhost'), ca: pair?.cert });
    try {
      expect((await rejection(wrongHost.request({ method: 'GET', path: '/jobs' }))).code).toBe('UPSTREAM_TLS_FAILED');
    } finally {
      await wrongHost.close();
    }
  });
});
