/**
 * `pasqal-cloud` under real Slurm: the dev cluster's `pasqal_fake` entry points at the Pasqal Cloud
 * contract fake, started here as a process on the catalogue's fixed loopback port with a client
 * secret this test writes to the root-only file the entry names. A QPU job gets the counts of a
 * Pulser sequence through `qrun run` (and `qrun sample` is refused: the device is analog); scancel
 * mid-task reaches the fake as a batch cancel; the client secret is in nothing the job's user sees.
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

const ALIAS = 'pasqal_fake';

interface FakeEntry {
  readonly endpoint: string;
  readonly client_id: string;
  readonly project_id: string;
  readonly secret: string;
}

interface LoggedRequest {
  readonly route: string;
  readonly status: number | string;
}

function entry(): FakeEntry {
  const catalogue = JSON.parse(readFileSync(qpuCluster().catalogue, 'utf8')) as { backends: Record<string, FakeEntry> };
  const found = catalogue.backends[ALIAS];
  if (found === undefined) throw new Error(`the dev cluster's catalogue has no ${ALIAS} entry`);
  return found;
}

interface RunningFake {
  readonly log: string;
  readonly secret: string;
  requests(): LoggedRequest[];
  stop(): Promise<void>;
}

/** Writes a fresh client secret to the entry's file (root, 0600) and starts the fake with it on the entry's port. */
async function startFake(queueDelayMs: number): Promise<RunningFake> {
  const { endpoint, client_id, project_id, secret } = entry();
  const port = new URL(endpoint).port;
  const secretFile = secret.replace(/^file:/, '');
  const clientSecret = `e2e-${randomBytes(18).toString('hex')}`;
  await mkdir(dirname(secretFile), { recursive: true, mode: 0o700 });
  await writeFile(secretFile, `${clientSecret}\n`, { mode: 0o600 });
  const log = join(qpuCluster().stateDir, `pasqal-fake-${Date.now()}.jsonl`);
  const child: ChildProcess = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [
      join(REPO_ROOT, 'test', 'fakes', 'pasqal-cloud', 'main.ts'),
      ...['--port', port, '--client-id', client_id, '--client-secret', clientSecret, '--project-id', project_id],
      ...['--queue-delay', String(queueDelayMs), '--run-delay', '50', '--log', log],
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the Pasqal fake exited with ${String(code)} (is port ${port} taken?): ${stderr}`)));
  });
  return {
    log,
    secret: clientSecret,
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

describe.skipIf(qpuSkipReason() !== '')('pasqal-cloud under Slurm', () => {
  const jobs: string[] = [];
  let fake: RunningFake | undefined;
  let payload = '';
  let bell = '';

  beforeAll(async () => {
    const { jobs: dir } = qpuCluster();
    payload = join(dir, 'pasqal-pi.json');
    await writeFile(payload, readFileSync(join(REPO_ROOT, 'test', 'fakes', 'pasqal-cloud', 'fixtures', 'pi-pulse.json')), { mode: 0o644 });
    bell = join(dir, 'pasqal-bell.json');
    await writeFile(bell, readFileSync(join(REPO_ROOT, 'examples', 'bell.json')), { mode: 0o644 });
  });

  afterEach(async () => {
    await drain(jobs.splice(0));
    await fake?.stop();
    fake = undefined;
  });

  it("a QPU job gets a Pulser sequence's counts through qrun run, is refused gate circuits, and never sees the secret", async () => {
    fake = await startFake(100);
    const { jobs: dir, testUser, hookLog, stateDir } = qpuCluster();
    const script = join(dir, 'pasqal-run.sh');
    await writeFile(
      script,
      [
        '#!/bin/bash',
        `cd ${dir}`,
        `node ${QRUN} run ${payload} pasqal-$SLURM_JOB_ID.out.json; echo "qrun run exit $?"`,
        `node ${QRUN} sample ${bell} pasqal-$SLURM_JOB_ID.bell.json 2> pasqal-$SLURM_JOB_ID.sample.err; echo "qrun sample exit $?"`,
        'env > pasqal-$SLURM_JOB_ID.env',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, script], { user: testUser });
    jobs.push(id);
    expect(await waitState(id, undefined, 120_000), output(id)).toBe('COMPLETED');
    await waitReleased(id);
    expect(output(id)).toContain('qrun run exit 0');
    expect(output(id)).not.toContain('qrun sample exit 0');
    expect(readFileSync(join(dir, `pasqal-${id}.sample.err`), 'utf8')).toContain('PRIMITIVE_UNSUPPORTED');

    const result = JSON.parse(await readFile(join(dir, `pasqal-${id}.out.json`), 'utf8')) as { results: { data: { atoms: { samples: string[] } }; metadata: { counts: unknown } }[] };
    // Two atoms under a global pi pulse: every one of the 100 shots finds both in the Rydberg state.
    expect(result.results[0]?.data.atoms.samples).toEqual(new Array<string>(100).fill('0x3'));
    expect(result.results[0]?.metadata.counts).toEqual({ '11': 100 });

    const routes = fake.requests().map((r) => r.route);
    expect(routes).toContain('POST /oauth/token');
    expect(routes).toContain('POST /core-fast/api/v1/batches');
    expect(routes).toContain('GET /results-store/{file}');

    const seen = [output(id), readFileSync(join(dir, `pasqal-${id}.env`), 'utf8'), readFileSync(join(dir, `pasqal-${id}.out.json`), 'utf8')];
    for (const text of seen) expect(text).not.toContain(fake.secret);
    for (const log of [hookLog, join(stateDir, 'gateway.log'), fake.log]) expect(readFileSync(log, 'utf8'), log).not.toContain(fake.secret);
  }, 180_000);

  it("scancel mid-task cancels the job's batch at Pasqal", async () => {
    // Batches stay PENDING at the fake for two minutes: the task is surely still waiting when scancel comes.
    fake = await startFake(120_000);
    const { jobs: dir, testUser } = qpuCluster();
    const id = await submit(['-t', '5', `--gres=qpu:${ALIAS}:1`, `--q_backend=${ALIAS}`, '--wrap', `node ${QRUN} run ${payload} ${join(dir, 'pasqal-never.json')}`], { user: testUser });
    jobs.push(id);
    const running = fake;
    await until('the batch creation at Pasqal', () => running.requests().some((r) => r.route === 'POST /core-fast/api/v1/batches' && r.status === 200), 90_000);
    await slurmCmd('scancel', [id]);
    expect(await waitState(id)).toBe('CANCELLED');
    await until('the batch cancel at Pasqal', () => running.requests().some((r) => r.route === 'PATCH /core-fast/api/v2/batches/{id}/cancel' && r.status === 200), 20_000);
    await waitReleased(id);
  }, 180_000);
});
