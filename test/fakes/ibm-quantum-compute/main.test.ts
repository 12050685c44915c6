/** The standalone fake, as e2e tests start it: a process that prints its coordinates and logs requests. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { APIKEY_GRANT } from './test-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
let child: ChildProcessWithoutNullStreams | undefined;
let dir: string | undefined;

afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it('prints its URLs, key and CRN as JSON, serves the devices file, and writes the request log', async () => {
  dir = mkdtempSync(join(tmpdir(), 'ibm-fake-'));
  const devices = join(dir, 'devices.json');
  const log = join(dir, 'requests.jsonl');
  writeFileSync(devices, JSON.stringify([{ name: 'ibm_standalone', numQubits: 3 }]));
  child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(here, 'main.ts'), '--port', '0', '--devices', devices, '--log', log, '--queue-delay', '5'], { cwd: root });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolveLine, reject) => {
    lines.once('line', resolveLine);
    child?.once('exit', (code) => reject(new Error(`the fake exited with ${String(code)}`)));
  });
  const info = JSON.parse(first) as { url: string; iamUrl: string; apiKey: string; instance: string; devices: string[]; env: Record<string, string> };
  expect(info.devices).toEqual(['ibm_standalone']);
  expect(info.instance).toMatch(/^crn:v1:bluemix:public:quantum-computing:/);
  expect(info.env['IAM_URL']).toBe(info.iamUrl);
  const grant = (await (
    await fetch(`${info.iamUrl}/identity/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: APIKEY_GRANT, apikey: info.apiKey }) })
  ).json()) as { access_token: string };
  const backends = await fetch(`${info.url}/backends`, { headers: { authorization: `Bearer ${grant.access_token}`, 'service-crn': info.instance } });
  expect(((await backends.json()) as { devices: { name: string }[] }).devices.map((d) => d.name)).toEqual(['ibm_standalone']);
  const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { route: string; status: number; authorization: string | null });
  expect(records.map((r) => [r.route, r.status])).toEqual([
    ['POST /identity/token', 200],
    ['GET /backends', 200],
  ]);
  expect(readFileSync(log, 'utf8')).not.toContain(grant.access_token);
  expect(readFileSync(log, 'utf8')).not.toContain(info.apiKey);
});
