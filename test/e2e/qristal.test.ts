/**
 * `qristal` under real Slurm: the dev cluster's `qb_fake` entry points at the fake QB device, started
 * here as a process with the reservation shared secret this test writes to a root-only file
 * (test/e2e/vendor-fake.ts). A QPU job reserves the device at its start, gets
 * Bell counts through `qrun sample` (its h and cx sent as Rx, Ry and CZ) and gives the reservation
 * back at its end; scancel mid-task reaches the device as a circuit cancel; neither the secret nor
 * the job's reservation token is in anything the job's user sees.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QRUN } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, slurmCmd, submit, waitReleased, waitState } from './qpu-helpers.js';
import { startVendorFake, until, type RunningFake } from './vendor-fake.js';

const ALIAS = 'qb_fake';
/** Every HS256 token's header, base64url: a token anywhere in the job's view shows as this. */
const TOKEN_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

function startFake(runDelayMs: number): Promise<RunningFake> {
  return startVendorFake({
    alias: ALIAS,
    fake: 'qristal',
    portOffset: 52,
    args: ({ port, secretFile, log }) => ['--port', port, '--secret-file', secretFile, '--run-delay', String(runDelayMs), '--log', log],
  });
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
