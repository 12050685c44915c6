/**
 * `pasqal-cloud` under real Slurm: the dev cluster's `pasqal_fake` entry points at the Pasqal Cloud
 * contract fake, started here as a process with a client secret this test writes to a root-only
 * file (test/e2e/vendor-fake.ts). A QPU job gets the counts of a
 * Pulser sequence through `qrun run` (and `qrun sample` is refused: the device is analog); scancel
 * mid-task reaches the fake as a batch cancel; the client secret is in nothing the job's user sees.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { QRUN } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, slurmCmd, submit, waitReleased, waitState } from './qpu-helpers.js';
import { startVendorFake, until, type RunningFake } from './vendor-fake.js';

const ALIAS = 'pasqal_fake';

/** Writes a fresh client secret to a root-only file and starts the fake with it. */
function startFake(queueDelayMs: number): Promise<RunningFake> {
  return startVendorFake({
    alias: ALIAS,
    fake: 'pasqal-cloud',
    portOffset: 53,
    args: ({ port, secret, log, entry }) => [
      ...['--port', port, '--client-id', String(entry['client_id']), '--client-secret', secret, '--project-id', String(entry['project_id'])],
      ...['--queue-delay', String(queueDelayMs), '--run-delay', '50', '--log', log],
    ],
  });
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
