/**
 * `ibm-quantum-compute-service` under real Slurm: the dev cluster's `ibm_fake` entry points at the
 * IBM contract fake, started here as a process on the catalogue's fixed loopback port with the key
 * this test writes to the root-only file the entry names. A QPU job gets Bell counts through
 * `qrun sample`; scancel mid-task reaches the fake as a cancel and a session close; the API key is
 * in nothing the job's user sees.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/devcluster/exec.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { QRUN } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, slurmCmd, submit, waitReleased, waitState } from './qpu-helpers.js';

const ALIAS = 'ibm_fake';

interface FakeEntry {
  readonly endpoint: string;
  readonly instance: string;
  readonly secret: string;
}

interface LoggedRequest {
  readonly route: string;
  readonly path: string;
  readonly status: number | string;
}

/** A Bell pair in the fake device's basis (cz id rz sx x) on physical qubits 0 and 1. */
const BELL_ISA = [
  'OPENQASM 3.0;',
  'include "stdgates.inc";',
  'bit[2] c;',
  'rz(pi/2) $0; sx $0; rz(pi/2) $0;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'cz $0, $1;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'c[0] = measure $0;',
  'c[1] = measure $1;',
].join('\n');

function entry(): FakeEntry {
  const catalogue = JSON.parse(readFileSync(qpuCluster().catalogue, 'utf8')) as { backends: Record<string, FakeEntry> };
  const found = catalogue.backends[ALIAS];
  if (found === undefined) throw new Error(`the dev cluster's catalogue has no ${ALIAS} entry`);
  return found;
}

interface RunningFake {
  readonly child: ChildProcess;
  readonly log: string;
  readonly apiKey: string;
  requests(): LoggedRequest[];
  stop(): Promise<void>;
}

/** Writes a fresh key to the entry's secret file (root, 0600) and starts the fake with it on the entry's port. */
async function startFake(queueDelayMs: number): Promise<RunningFake> {
  const { endpoint, instance, secret } = entry();
  const port = new URL(endpoint).port;
  const keyFile = secret.replace(/^file:/, '');
  const apiKey = `e2e-${randomBytes(18).toString('hex')}`;
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  await writeFile(keyFile, `${apiKey}\n`, { mode: 0o600 });
  const log = join(qpuCluster().stateDir, `ibm-fake-${Date.now()}.jsonl`);
  const child = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(REPO_ROOT, 'test', 'fakes', 'ibm-quantum-compute', 'main.ts'), '--port', port, '--api-key', apiKey, '--instance', instance, '--queue-delay', String(queueDelayMs), '--log', log],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the IBM fake exited with ${String(code)} (is port ${port} taken?): ${stderr}`)));
  });
  return {
    child,
    log,
    apiKey,
    requests: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as LoggedRequest)
        : [],
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(keyFile, { force: true });
      await rm(log, { force: true });
    },
  };
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe.skipIf(qpuSkipReason() !== '')('ibm-quantum-compute-service under Slurm', () => {
  const jobs: string[] = [];
  let fake: RunningFake | undefined;
  let payload = '';

  beforeAll(async () => {
    payload = join(qpuCluster().jobs, 'ibm-bell.json');
    await writeFile(payload, JSON.stringify({ pubs: [[BELL_ISA, null, 500]], version: 2 }), { mode: 0o644 });
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
    await fake?.stop();
    fake = undefined;
  });

  it('a QPU job gets Bell counts from IBM through qrun sample, in a session closed at the end, and never sees the key', async () => {
    fake = await startFake(100);
    const { jobs: dir, testUser, hookLog, stateDir } = qpuCluster();
    const script = join(dir, 'ibm-sample.sh');
    await writeFile(
      script,
      ['#!/bin/bash', `cd ${dir}`, `node ${QRUN} sample ${payload} ibm-$SLURM_JOB_ID.out.json; echo "qrun exit $?"`, 'env > ibm-$SLURM_JOB_ID.env', ''].join('\n'),
      { mode: 0o755 },
    );
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, script], { user: testUser });
    jobs.push(id);
    expect(await waitState(id, undefined, 120_000), output(id)).toBe('COMPLETED');
    await waitReleased(id);
    expect(output(id)).toContain('qrun exit 0');

    const result = JSON.parse(await readFile(join(dir, `ibm-${id}.out.json`), 'utf8')) as { results: { data: { c: { samples: string[] } } }[] };
    const samples = result.results[0]?.data.c.samples ?? [];
    expect(samples).toHaveLength(500);
    expect(new Set(samples)).toEqual(new Set(['0x0', '0x3']));

    const routes = fake.requests().map((r) => r.route);
    expect(routes).toContain('POST /sessions');
    expect(routes).toContain('POST /jobs');
    expect(routes).toContain('DELETE /sessions/{id}/close');
    expect(routes.indexOf('POST /sessions')).toBeLessThan(routes.indexOf('POST /jobs'));

    const seen = [output(id), readFileSync(join(dir, `ibm-${id}.env`), 'utf8'), readFileSync(join(dir, `ibm-${id}.out.json`), 'utf8')];
    for (const text of seen) expect(text).not.toContain(fake.apiKey);
    for (const log of [hookLog, join(stateDir, 'gateway.log'), fake.log]) expect(readFileSync(log, 'utf8'), log).not.toContain(fake.apiKey);
  }, 180_000);

  it('scancel mid-task cancels the IBM job and closes the session within seconds', async () => {
    // Jobs stay Queued at the fake for two minutes: the task is surely still waiting when scancel comes.
    fake = await startFake(120_000);
    const { jobs: dir, testUser } = qpuCluster();
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, '--wrap', `node ${QRUN} sample ${payload} ${join(dir, 'ibm-never.json')}`], {
      user: testUser,
    });
    jobs.push(id);
    const running = fake;
    await until('the IBM job submission', () => running.requests().some((r) => r.route === 'POST /jobs'), 90_000);
    await slurmCmd('scancel', [id]);
    expect(await waitState(id)).toBe('CANCELLED');
    await until('the cancel and the session close at IBM', () => {
      const routes = running.requests().map((r) => r.route);
      return routes.includes('POST /jobs/{id}/cancel') && routes.includes('DELETE /sessions/{id}/close');
    }, 20_000);
    await waitReleased(id);
  }, 180_000);
});
