/** The fake as e2e tests start it: a process that prints its URL and credentials, logs to a file, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { iamLogin } from './protocol-helpers.js';
import type { IbmSystemFake } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = resolve(here, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('main.ts', { timeout: 90_000 }, () => {
  it('prints {url, credentials, backends, qrmiEnv} as one JSON line, serves the API, writes --log, and stops on SIGTERM', async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'qs-fake-')), 'requests.jsonl');
    const child = spawn(process.execPath, [tsx, join(here, 'main.ts'), '--port', '0', '--log', logFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const first = await new Promise<string>((done, fail) => {
      createInterface({ input: child.stdout }).once('line', done);
      child.once('exit', (code) => fail(new Error(`main.ts exited with ${String(code)}`)));
    });
    const printed = JSON.parse(first) as { url: string; credentials: IbmSystemFake['credentials']; backends: { name: string }[]; qrmiEnv: Record<string, string> };
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed.backends.map((b) => b.name)).toContain('fake_fez');
    expect(printed.qrmiEnv['fake_fez_QRMI_IBM_QS_ENDPOINT']).toBe(printed.url);
    expect(printed.qrmiEnv['fake_fez_QRMI_IBM_QS_S3_ENDPOINT']).toBe(printed.credentials.s3.endpoint);

    const login = await iamLogin({ credentials: printed.credentials } as IbmSystemFake);
    const token = (login.body as { access_token: string }).access_token;
    const backends = await fetch(`${printed.url}/v1/backends`, { headers: { authorization: `Bearer ${token}`, 'service-crn': printed.credentials.serviceCrn } });
    expect(backends.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { route: string; status: number });
    expect(lines.map((l) => `${l.status} ${l.route}`)).toEqual(['200 POST /identity/token', '200 GET /v1/backends']);
  });
});
