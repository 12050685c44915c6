/**
 * `iqm-server` under real Slurm: the dev cluster's `iqm_fake` entry points at the IQM Server
 * contract fake, started here as a process on the catalogue's fixed loopback port with the token
 * this test writes to a root-only file (test/e2e/vendor-fake.ts). A QPU job gets Bell counts through
 * `qrun sample` (the circuit translated to prx/cz in the gateway); scancel mid-task reaches the fake
 * as a cancel; the token is in nothing the job's user sees.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QRUN } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, slurmCmd, submit, waitReleased, waitState } from './qpu-helpers.js';
import { startVendorFake, until, type RunningFake } from './vendor-fake.js';

const ALIAS = 'iqm_fake';

/** A Bell pair in standard gates: the gateway translates it into IQM's prx and cz. */
const BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;';

function startFake(queueDelayMs: number): Promise<RunningFake> {
  return startVendorFake({
    alias: ALIAS,
    fake: 'iqm-server',
    portOffset: 51,
    args: ({ port, secret, log }) => ['--port', port, '--token', secret, '--queue-delay', String(queueDelayMs), '--log', log],
  });
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
    for (const text of seen) expect(text).not.toContain(fake.secret);
    for (const log of [hookLog, join(stateDir, 'gateway.log'), fake.log]) expect(readFileSync(log, 'utf8'), log).not.toContain(fake.secret);
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
