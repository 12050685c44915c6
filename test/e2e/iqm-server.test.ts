/**
 * `iqm-server` under real Slurm: the dev cluster's `iqm_fake` entry points at the IQM Server
 * contract fake, started here as a process on the catalogue's fixed loopback port with the token
 * this test writes to the root-only file the entry names. A QPU job gets Bell counts through
 * `qrun sample` (the circuit translated to prx/cz in the gateway); scancel mid-task reaches the fake
 * as a cancel; the token is in nothing the job's user sees.
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

const ALIAS = 'iqm_fake';

interface FakeEntry {
  readonly endpoint: string;
  readonly secret: string;
}

interface LoggedRequest {
  readonly route: string;
  readonly path: string;
  readonly status: number | string;
}

/** A Bell pair in standard gates: the gateway translates it into IQM's prx and cz. */
const BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;';

function entry(): FakeEntry {
  const catalogue = JSON.parse(readFileSync(qpuCluster().catalogue, 'utf8')) as { backends: Record<string, FakeEntry> };
  const found = catalogue.backends[ALIAS];
  if (found === undefined) throw new Error(`the dev cluster's catalogue has no ${ALIAS} entry`);
  return found;
}

interface RunningFake {
  readonly child: ChildProcess;
  readonly log: string;
  readonly token: string;
  requests(): LoggedRequest[];
  stop(): Promise<void>;
}

/** Writes a fresh token to the entry's secret file (root, 0600) and starts the fake with it on the entry's port. */
async function startFake(queueDelayMs: number): Promise<RunningFake> {
  const { endpoint, secret } = entry();
  const port = new URL(endpoint).port;
  const keyFile = secret.replace(/^file:/, '');
  const token = `e2e-${randomBytes(18).toString('hex')}`;
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  await writeFile(keyFile, `${token}\n`, { mode: 0o600 });
  const log = join(qpuCluster().stateDir, `iqm-fake-${Date.now()}.jsonl`);
  const child = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(REPO_ROOT, 'test', 'fakes', 'iqm-server', 'main.ts'), '--port', port, '--token', token, '--queue-delay', String(queueDelayMs), '--log', log],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the IQM fake exited with ${String(code)} (is port ${port} taken?): ${stderr}`)));
  });
  return {
    child,
    log,
    token,
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

describe.skipIf(qpuSkipReason() !== '')('iqm-server under Slurm', () => {
  const jobs: string[] = [];
  let fake: RunningFake | undefined;
  let payload = '';

  beforeAll(async () => {
    payload = join(qpuCluster().jobs, 'iqm-bell.json');
    await writeFile(payload, JSON.stringify({ pubs: [[BELL, null, 400]], version: 2 }), { mode: 0o644 });
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
    await fake?.stop();
    fake = undefined;
  });

  it('a QPU job gets Bell counts from IQM Server through qrun sample, and never sees the token', async () => {
    fake = await startFake(50);
    const { jobs: dir, testUser, hookLog, stateDir } = qpuCluster();
    const script = join(dir, 'iqm-sample.sh');
    await writeFile(
      script,
      ['#!/bin/bash', `cd ${dir}`, `node ${QRUN} sample ${payload} iqm-$SLURM_JOB_ID.out.json; echo "qrun exit $?"`, 'env > iqm-$SLURM_JOB_ID.env', ''].join('\n'),
      { mode: 0o755 },
    );
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, script], { user: testUser });
    jobs.push(id);
    expect(await waitState(id, undefined, 120_000), output(id)).toBe('COMPLETED');
    await waitReleased(id);
    expect(output(id)).toContain('qrun exit 0');

    const result = JSON.parse(await readFile(join(dir, `iqm-${id}.out.json`), 'utf8')) as { results: { data: { c: { samples: string[] } } }[] };
    const samples = result.results[0]?.data.c.samples ?? [];
    expect(samples).toHaveLength(400);
    expect(new Set(samples)).toEqual(new Set(['0x0', '0x3']));

    const requests = fake.requests();
    expect(requests.map((r) => r.route)).toContain('POST /jobs/{qc}/circuit');
    expect(requests.map((r) => r.route)).toContain('GET /jobs/{id}/artifacts/measurements');

    const seen = [output(id), readFileSync(join(dir, `iqm-${id}.env`), 'utf8'), readFileSync(join(dir, `iqm-${id}.out.json`), 'utf8')];
    for (const text of seen) expect(text).not.toContain(fake.token);
    for (const log of [hookLog, join(stateDir, 'gateway.log'), fake.log]) expect(readFileSync(log, 'utf8'), log).not.toContain(fake.token);
  }, 180_000);

  it('scancel mid-task cancels the IQM job within seconds', async () => {
    // Jobs stay waiting at the fake for two minutes: the task is surely still waiting when scancel comes.
    fake = await startFake(120_000);
    const { jobs: dir, testUser } = qpuCluster();
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, '--wrap', `node ${QRUN} sample ${payload} ${join(dir, 'iqm-never.json')}`], {
      user: testUser,
    });
    jobs.push(id);
    const running = fake;
    await until('the IQM job submission', () => running.requests().some((r) => r.route === 'POST /jobs/{qc}/circuit'), 90_000);
    await slurmCmd('scancel', [id]);
    expect(await waitState(id)).toBe('CANCELLED');
    await until('the cancel at IQM Server', () => running.requests().some((r) => r.route === 'POST /jobs/{id}/cancel'), 20_000);
    await waitReleased(id);
  }, 180_000);
});
