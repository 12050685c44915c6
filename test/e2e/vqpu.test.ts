/**
 * A simulator served as a QPU for a workflow, under real Slurm: one job of the test user serves the
 * dev catalogue's `vqpu` (`exec qrun vqpu serve`), two more jobs of the same user get Bell counts
 * from it through their own gateways at the same time, the other user is refused (no registration of
 * theirs; a symbolic link to the owner's registration), and `qrun vqpu stop` ends the serving job
 * cleanly and takes its registration away.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { BELL, QRUN } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, submit, waitState } from './qpu-helpers.js';
import { until } from './vendor-fake.js';

const VQPU = ['-L', 'qpu_vqpu:1', '--q_backend=vqpu'];

function registry(): string {
  const catalogue = JSON.parse(readFileSync(qpuCluster().catalogue, 'utf8')) as { backends: Record<string, { registry?: string }> };
  return catalogue.backends['vqpu']?.registry ?? '';
}

async function uidOf(user: string): Promise<number> {
  return Number((await run('id', ['-u', user])).stdout.trim());
}

/** Runs a command as `user` outside any job, with the cluster's Slurm configuration. */
async function asUser(user: string, argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = ['PATH=/usr/local/bin:/usr/bin:/bin', `SLURM_CONF=${qpuCluster().slurmConf}`, 'HOME=/tmp'];
  return run('runuser', ['-u', user, '--', 'env', ...env, ...argv], { cwd: qpuCluster().jobs, timeoutMs: 30_000 });
}

describe.skipIf(qpuSkipReason() !== '')('vqpu under Slurm', () => {
  const jobs: string[] = [];

  afterAll(async () => {
    await drain(jobs.splice(0));
  });

  it('one job serves it, two of the same user use it at once, the other user is refused, stop ends the serving job', async () => {
    const { jobs: dir, testUser, secondUser, catalogue } = qpuCluster();
    const owner = await uidOf(testUser);
    const other = await uidOf(secondUser);
    const ownRegistration = join(registry(), `${owner}.vqpu.json`);

    const serving = await submit(['-t', '5', '--wrap', `exec node ${QRUN} vqpu serve --catalogue ${catalogue} --qubits 6 --lanes 2`], { user: testUser });
    jobs.push(serving);
    await until('the vqpu registration', () => existsSync(ownRegistration), 60_000);
    expect(output(serving)).toMatch(/vqpu vqpu: serving 6 qubits on 2 lanes at http:\/\/\S+:\d+/);

    const script = join(dir, 'vqpu-client.sh');
    await writeFile(script, ['#!/bin/bash', `cd ${dir}`, `node ${QRUN} sample ${BELL} vqpu-$SLURM_JOB_ID.json; echo "qrun exit $?"`, ''].join('\n'), { mode: 0o755 });
    const clients = [await submit(['-t', '2', ...VQPU, script], { user: testUser }), await submit(['-t', '2', ...VQPU, script], { user: testUser })];
    jobs.push(...clients);

    // The other user has no vqpu of their own.
    const refused = await submit(['-t', '2', ...VQPU, script], { user: secondUser });
    jobs.push(refused);

    for (const id of clients) {
      expect(await waitState(id, undefined, 90_000), output(id)).toBe('COMPLETED');
      expect(output(id)).toContain('qrun exit 0');
      const result = JSON.parse(await readFile(join(dir, `vqpu-${id}.json`), 'utf8')) as { results: { data: Record<string, { samples: string[] }> }[]; metadata?: unknown };
      const samples = Object.values(result.results[0]?.data ?? {})[0]?.samples ?? [];
      expect(samples.length).toBeGreaterThan(0);
      expect(new Set(samples)).toEqual(new Set(['0x0', '0x3']));
    }
    expect(await waitState(refused), output(refused)).toBe('FAILED');
    expect(output(refused)).toContain('VQPU_NOT_SERVED');
    expect(existsSync(join(dir, `vqpu-${refused}.json`))).toBe(false);

    // A link to the owner's registration is not followed by the root-side reader.
    const link = await asUser(secondUser, ['ln', '-s', ownRegistration, join(registry(), `${other}.vqpu.json`)]);
    expect(link.code, link.stderr).toBe(0);
    const linked = await submit(['-t', '2', ...VQPU, script], { user: secondUser });
    jobs.push(linked);
    expect(await waitState(linked), output(linked)).toBe('FAILED');
    expect(output(linked)).toContain('VQPU_REGISTRATION_INVALID');
    expect(output(linked)).toContain('symbolic link');

    const stop = await asUser(testUser, [process.execPath, QRUN, 'vqpu', 'stop', '--catalogue', catalogue]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(await waitState(serving, undefined, 30_000), output(serving)).toBe('COMPLETED');
    expect(output(serving)).toMatch(/stopped, told to stop \(SIGTERM[^;]*; 2 task\(s\) completed/);
    expect(existsSync(ownRegistration)).toBe(false);
  }, 180_000);
});
