/**
 * `qristal` under real Slurm: the dev cluster's `qb_fake` entry points at the fake QB device, started
 * here as a process on the catalogue's fixed loopback port with the reservation shared secret this
 * test writes to the root-only file the entry names. A QPU job reserves the device at its start, gets
 * Bell counts through `qrun sample` (its h and cx sent as Rx, Ry and CZ) and gives the reservation
 * back at its end; scancel mid-task reaches the device as a circuit cancel; neither the secret nor
 * the job's reservation token is in anything the job's user sees.
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

const ALIAS = 'qb_fake';
/** Every HS256 token's header, base64url: a token anywhere in the job's view shows as this. */
const TOKEN_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

interface LoggedRequest {
  readonly route: string;
  readonly status: number | string;
  readonly authorization: string | null;
}

interface RunningFake {
  readonly secret: string;
  readonly log: string;
  requests(): LoggedRequest[];
  stop(): Promise<void>;
}

function entry(): { endpoint: string; secret: string } {
  const catalogue = JSON.parse(readFileSync(qpuCluster().catalogue, 'utf8')) as { backends: Record<string, { endpoint: string; secret: string }> };
  const found = catalogue.backends[ALIAS];
  if (found === undefined) throw new Error(`the dev cluster's catalogue has no ${ALIAS} entry`);
  return found;
}

async function startFake(runDelayMs: number): Promise<RunningFake> {
  const { endpoint, secret: ref } = entry();
  const port = new URL(endpoint).port;
  const secretFile = ref.replace(/^file:/, '');
  const secret = `e2e-${randomBytes(18).toString('hex')}`;
  await mkdir(dirname(secretFile), { recursive: true, mode: 0o700 });
  await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
  const log = join(qpuCluster().stateDir, `qb-fake-${Date.now()}.jsonl`);
  const child: ChildProcess = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(REPO_ROOT, 'test', 'fakes', 'qristal', 'main.ts'), '--port', port, '--secret-file', secretFile, '--run-delay', String(runDelayMs), '--log', log],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the QB fake exited with ${String(code)} (is port ${port} taken?): ${stderr}`)));
  });
  return {
    secret,
    log,
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
      await rm(secretFile, { force: true });
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

describe.skipIf(qpuSkipReason() !== '')('qristal under Slurm', () => {
  const jobs: string[] = [];
  let fake: RunningFake | undefined;
  let payload = '';

  beforeAll(async () => {
    payload = join(qpuCluster().jobs, 'qb-bell.json');
    await writeFile(payload, JSON.stringify({ pubs: [[BELL, null, 400]], version: 2 }), { mode: 0o644 });
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
    await fake?.stop();
    fake = undefined;
  });

  it('a QPU job reserves the QB device, gets Bell counts through qrun sample, releases it, and never sees the secret or its token', async () => {
    fake = await startFake(50);
    const { jobs: dir, testUser, hookLog, stateDir } = qpuCluster();
    const script = join(dir, 'qb-sample.sh');
    await writeFile(script, ['#!/bin/bash', `cd ${dir}`, `node ${QRUN} sample ${payload} qb-$SLURM_JOB_ID.out.json; echo "qrun exit $?"`, 'env > qb-$SLURM_JOB_ID.env', ''].join('\n'), { mode: 0o755 });
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, script], { user: testUser });
    jobs.push(id);
    expect(await waitState(id, undefined, 120_000), output(id)).toBe('COMPLETED');
    await waitReleased(id);
    expect(output(id)).toContain('qrun exit 0');

    const result = JSON.parse(await readFile(join(dir, `qb-${id}.out.json`), 'utf8')) as { results: { data: { c: { samples: string[] } } }[] };
    const samples = result.results[0]?.data.c.samples ?? [];
    expect(samples).toHaveLength(400);
    expect(new Set(samples)).toEqual(new Set(['0x0', '0x3']));

    const running = fake;
    await until('the reservation release', () => running.requests().some((r) => r.route === 'DELETE /reservations'), 20_000);
    const routes = running.requests().map((r) => r.route);
    expect(routes.indexOf('PUT /reservations')).toBeGreaterThanOrEqual(0);
    expect(routes.indexOf('PUT /reservations')).toBeLessThan(routes.indexOf('POST /circuits'));
    expect(running.requests().filter((r) => r.route === 'POST /circuits').every((r) => r.status === 200 && r.authorization === 'Bearer')).toBe(true);

    const seen = [output(id), readFileSync(join(dir, `qb-${id}.env`), 'utf8'), readFileSync(join(dir, `qb-${id}.out.json`), 'utf8')];
    for (const text of seen) {
      expect(text).not.toContain(running.secret);
      expect(text).not.toContain(TOKEN_HEADER);
    }
    for (const log of [hookLog, join(stateDir, 'gateway.log'), running.log]) {
      const text = readFileSync(log, 'utf8');
      expect(text, log).not.toContain(running.secret);
      expect(text, log).not.toContain(TOKEN_HEADER);
    }
  }, 180_000);

  it('scancel mid-task cancels the circuit at the device and gives the reservation back', async () => {
    // Circuits take two minutes at the fake: the task is surely still polling when scancel comes.
    fake = await startFake(120_000);
    const { jobs: dir, testUser } = qpuCluster();
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, '--wrap', `node ${QRUN} sample ${payload} ${join(dir, 'qb-never.json')}`], { user: testUser });
    jobs.push(id);
    const running = fake;
    await until('the circuit submission', () => running.requests().some((r) => r.route === 'POST /circuits'), 90_000);
    await slurmCmd('scancel', [id]);
    expect(await waitState(id)).toBe('CANCELLED');
    await until('the cancel and the release at the device', () => {
      const routes = running.requests().map((r) => r.route);
      return routes.includes('DELETE /circuits/{id}') && routes.includes('DELETE /reservations');
    }, 20_000);
    await waitReleased(id);
  }, 180_000);
});
