/**
 * Pasqal's own client against the fake: pasqal-cloud 0.24's SDK (user login, device specs, a batch
 * built by Pulser 1.9 from those specs, its status, results through the presigned link, cancel), from
 * the pinned `pasqal` Python set. When the SDK cannot talk to the fake, the fake is wrong.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { startPasqalCloudFake, type PasqalCloudFake } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const skip = pythonSkipReason('pasqal');

function runScript(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython('pasqal'), [join(here, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>);
      else reject(new Error(`${script} exited with ${String(code)}:\n${stderr.slice(-4000)}`));
    });
  });
}

describe.skipIf(skip !== '')(`pasqal-cloud's SDK against the fake${skip === '' ? '' : ` (skipped: ${skip})`}`, () => {
  let fake: PasqalCloudFake;
  let out: Record<string, unknown>;

  beforeAll(async () => {
    // The second batch must still be PENDING when the SDK cancels it: a long queue, but the first
    // batch's results are read after the SDK's first 2 s poll wait anyway.
    fake = await startPasqalCloudFake({ queueDelayMs: 1500, runDelayMs: 50 });
    // The SDK retries what Pasqal's edge sends now and then: a 429 with Retry-After, a 502.
    fake.fault('GET /core-fast/api/v1/devices/specs', { kind: 'status', status: 429, retryAfterSeconds: 1 }, 1);
    fake.fault('GET /core-fast/api/v1/batches/{id}/status', 502, 1);
    out = await runScript('sdk_client.py', {
      FAKE_CORE_URL: fake.coreUrl,
      FAKE_TOKEN_URL: fake.tokenUrl,
      FAKE_USERNAME: fake.username,
      FAKE_PASSWORD: fake.password,
      FAKE_PROJECT_ID: fake.projectId,
    });
  }, 180_000);

  afterAll(async () => {
    await fake?.close();
  });

  it('reads the device specs Pulser deserializes, and runs a Pulser sequence to counts', () => {
    expect(out).toMatchObject({ device: 'Fresnel', max_atoms: 25, batch_status: 'DONE', job_status: 'DONE', runs: 40 });
    // Three atoms far apart under one global pi pulse: every atom ends in the Rydberg state.
    expect(out['counter']).toEqual({ '111': 40 });
  });

  it('cancels a batch and reads CANCELED back', () => {
    expect(out).toMatchObject({ cancelled_status: 'CANCELED', cancelled_read_back: 'CANCELED' });
  });

  it('met the SDK on the routes and with the bodies it sends', () => {
    const counts = fake.counts();
    expect(counts['POST /oauth/token']).toBeGreaterThanOrEqual(1);
    expect(counts['POST /core-fast/api/v1/batches']).toBe(2);
    expect(counts['GET /core-fast/api/v1/devices/specs']).toBe(2);
    expect(counts['PATCH /core-fast/api/v2/batches/{id}/cancel']).toBe(1);
    expect(counts['GET /core-fast/api/v1/jobs/{id}/results_link']).toBe(1);
    expect(counts['GET /results-store/{file}']).toBe(1);
    expect(counts['unmatched']).toBeUndefined();
    // The SDK gzips batch bodies; the batch routes were all answered with the token it obtained.
    const created = fake.requests.filter((r) => r.route === 'POST /core-fast/api/v1/batches');
    expect(created.every((r) => r.headers['content-encoding'] === 'gzip' && r.authorization === 'Bearer' && r.status === 200)).toBe(true);
    expect(fake.secretsInUrls()).toEqual([]);
  });
});
