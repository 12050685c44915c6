/**
 * An `ibm-quantum-system` backend under real Slurm: the IBM Quantum System fake runs as a process on
 * loopback, the catalogue gains an `ibm_qs_fake` entry pointing at it (sharing the dev cluster's
 * `qpu:sim` GRES, so Slurm needs no new capacity), and a job's qrun gets Bell counts through the job's
 * gateway, which holds the credential. scancel cancels the vendor job at the service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/devcluster/exec.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import type { IbmSystemCredentials } from '../fakes/ibm-quantum-system/index.js';
import { QRUN } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, submit, waitReleased, waitState, withCatalogue } from './qpu-helpers.js';

const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const FAKE_MAIN = join(REPO_ROOT, 'test', 'fakes', 'ibm-quantum-system', 'main.ts');

/** Bell in the fake device's basis (rz, sx, x, cz). */
const BELL_ISA = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] meas;\nrz(pi/2) $0; sx $0; rz(pi/2) $0;\nrz(pi/2) $1; sx $1; rz(pi/2) $1;\ncz $0, $1;\nrz(pi/2) $1; sx $1; rz(pi/2) $1;\nmeas[0] = measure $0;\nmeas[1] = measure $1;\n';

interface RunningFake {
  readonly child: ChildProcess;
  readonly url: string;
  readonly credentials: IbmSystemCredentials;
  readonly logFile: string;
}

interface LoggedRequest {
  readonly route: string;
  readonly status: number;
  readonly path: string;
}

async function startFake(dir: string, name: string, runDelayMs: number): Promise<RunningFake> {
  const logFile = join(dir, `${name}.requests.jsonl`);
  const child = spawn(process.execPath, [TSX, FAKE_MAIN, '--port', '0', '--log', logFile, '--run-delay', String(runDelayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout }).once('line', done);
    child.once('exit', (code) => fail(new Error(`the fake exited with ${String(code)}`)));
  });
  const printed = JSON.parse(line) as { url: string; credentials: IbmSystemCredentials };
  return { child, url: printed.url, credentials: printed.credentials, logFile };
}

function requests(fake: RunningFake): LoggedRequest[] {
  let text: string;
  try {
    text = readFileSync(fake.logFile, 'utf8');
  } catch {
    return [];
  }
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as LoggedRequest);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The dev cluster's catalogue with an ibm_qs_fake entry for this fake, and its credential file. */
async function catalogueFor(fake: RunningFake, dir: string): Promise<string> {
  const secret = join(dir, `${new URL(fake.url).port}.credential.json`);
  const { s3 } = fake.credentials;
  await writeFile(secret, JSON.stringify({ api_key: fake.credentials.apiKey, service_crn: fake.credentials.serviceCrn, s3_access_key_id: s3.accessKeyId, s3_secret_access_key: s3.secretAccessKey }), { mode: 0o600 });
  const catalogue = JSON.parse(await readFile(qpuCluster().catalogue, 'utf8')) as { backends: Record<string, unknown> };
  catalogue.backends['ibm_qs_fake'] = {
    type: 'ibm-quantum-system',
    description: 'IBM Quantum System API contract fake (test/fakes/ibm-quantum-system)',
    capacity: { gres: 'sim', lanes: 4 },
    endpoint: fake.url,
    iam_endpoint: fake.credentials.iamEndpoint,
    device: 'fake_fez',
    s3_endpoint: s3.endpoint,
    s3_bucket: s3.bucket,
    s3_region: s3.region,
    lane_wait_secs: 0,
    secret: `file:${secret}`,
  };
  return `${JSON.stringify(catalogue, null, 2)}\n`;
}

describe.skipIf(qpuSkipReason() !== '')('ibm-quantum-system under Slurm', { timeout: 180_000 }, () => {
  let dir = '';
  let fast: RunningFake;
  let slow: RunningFake;
  const jobs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qs-e2e-'));
    [fast, slow] = await Promise.all([startFake(dir, 'fast', 0), startFake(dir, 'slow', 600_000)]);
  });

  afterAll(async () => {
    for (const fake of [fast, slow]) fake?.child.kill('SIGTERM');
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  async function payloadFile(name: string): Promise<string> {
    const path = join(qpuCluster().jobs, name);
    await writeFile(path, JSON.stringify({ pubs: [[BELL_ISA, null, 500]], version: 2 }), { mode: 0o644 });
    return path;
  }

  async function script(name: string, body: string): Promise<string> {
    const path = join(qpuCluster().jobs, name);
    await writeFile(path, ['#!/bin/bash', `cd ${qpuCluster().jobs}`, body, ''].join('\n'), { mode: 0o755 });
    return path;
  }

  it('runs a Bell sampler from a job on the device, and the service sees our job id, 204 and a delete', async () => {
    const cluster = qpuCluster();
    const payload = await payloadFile('qs-bell.json');
    await withCatalogue(await catalogueFor(fast, dir), async () => {
      const path = await script('qs-bell.sh', `node ${QRUN} sample ${payload} > qs-$SLURM_JOB_ID.result; echo "qrun exit $?"`);
      const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=ibm_qs_fake', path], { user: cluster.testUser });
      jobs.push(id);
      expect(await waitState(id, undefined, 120_000)).toBe('COMPLETED');
      expect(output(id)).toContain('qrun exit 0');
      const result = JSON.parse(readFileSync(join(cluster.jobs, `qs-${id}.result`), 'utf8')) as { results: { data: Record<string, { samples: string[] }> }[]; metadata: Record<string, unknown> };
      const samples = result.results[0]?.data['meas']?.samples ?? [];
      expect(samples).toHaveLength(500);
      expect(new Set(samples)).toEqual(new Set(['0x0', '0x3']));
      await waitReleased(id);
    });
    const seen = requests(fast);
    const create = seen.find((r) => r.route === 'POST /v1/jobs');
    expect(create?.status).toBe(204);
    expect(seen.find((r) => r.route === 'DELETE /v1/jobs/:id')?.status).toBe(204);
    // The credential stayed in the gateway: it is in no request path and not in the job's output.
    for (const secret of [fast.credentials.apiKey, fast.credentials.s3.secretAccessKey]) {
      for (const request of seen) expect(request.path).not.toContain(secret);
    }
  });

  it('scancel of a job whose vendor job runs cancels it at the service and deletes it', async () => {
    const cluster = qpuCluster();
    const payload = await payloadFile('qs-slow.json');
    await withCatalogue(await catalogueFor(slow, dir), async () => {
      const path = await script('qs-slow.sh', `node ${QRUN} sample ${payload} > /dev/null 2>&1; echo "qrun exit $?"`);
      const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=ibm_qs_fake', path], { user: cluster.testUser });
      jobs.push(id);
      await waitFor(() => requests(slow).some((r) => r.route === 'POST /v1/jobs' && r.status === 204), 'the vendor job to be created');
      await drain([id]);
      jobs.splice(0);
      await waitReleased(id);
      await waitFor(() => requests(slow).some((r) => r.route === 'DELETE /v1/jobs/:id' && r.status === 204), 'the vendor job to be deleted');
    });
    const seen = requests(slow);
    expect(seen.find((r) => r.route === 'POST /v1/jobs/:id/cancel')?.status).toBe(204);
  });
});
