/**
 * The site admin's commands against the real dev cluster: the maintenance switch (a drained backend
 * is refused by sbatch at submit time with the reason and nothing is queued; a running job finishes;
 * resume accepts again), and `qrun admin doctor` (healthy on the cluster, then planted faults each
 * reported with its fix).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { BELL, QRUN } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, shown, slurmCmd, submit, waitReleased, waitState, withCatalogue } from './qpu-helpers.js';

interface Finding {
  readonly check: string;
  readonly status: string;
  readonly message: string;
  readonly fix?: string;
}

async function qrun(args: readonly string[]) {
  const cluster = qpuCluster();
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', SLURM_CONF: cluster.slurmConf, HOME: '/root' };
  const result = await run('node', [join(REPO_ROOT, 'bin', 'qrun.js'), ...args], { env, timeoutMs: 90_000 });
  return { ...result, command: `qrun ${args.join(' ')}` };
}

/** The cluster's catalogue without the IBM fake entry, whose key and fake server other files bring. */
async function simOnly(edit: (backends: Record<string, Record<string, unknown>>) => void = () => undefined): Promise<string> {
  const data = JSON.parse(await readFile(qpuCluster().catalogue, 'utf8')) as { backends: Record<string, Record<string, unknown>> };
  for (const alias of Object.keys(data.backends)) if (data.backends[alias]?.['type'] !== 'sim') delete data.backends[alias];
  edit(data.backends);
  return JSON.stringify(data);
}

describe.skipIf(qpuSkipReason() !== '')('qrun admin on the dev cluster', () => {
  const jobs: string[] = [];
  afterAll(async () => {
    await qrun(['admin', 'resume', 'sim', '--catalogue', qpuCluster().catalogue]);
    await drain(jobs.splice(0));
  });

  it('drain refuses new jobs at submit time with the reason, lets a running one finish; resume accepts again', async () => {
    const cluster = qpuCluster();
    const running = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'sleep 2; echo running-job-finished']);
    jobs.push(running);
    expect(await waitState(running, ['RUNNING', 'COMPLETED', 'FAILED'])).not.toBe('FAILED');

    const drained = await qrun(['admin', 'drain', 'sim', '--reason', 'calibration until 14:00 UTC', '--catalogue', cluster.catalogue]);
    expect(drained.code, shown(drained)).toBe(0);
    const listed = await qrun(['backends', '--catalogue', cluster.catalogue]);
    expect(listed.stdout).toMatch(/^sim \(sim\): .*DRAINED since .*: calibration until 14:00 UTC/m);

    const refused = await slurmCmd('sbatch', ['--parsable', '-t', '5', '--gres=qpu:sim:1', '--qpu=sim', '--wrap', 'echo should-not-run'], { user: cluster.testUser });
    expect(refused.code, shown(refused)).not.toBe(0);
    expect(refused.stderr).toContain("QPU backend 'sim' is drained for maintenance: calibration until 14:00 UTC");
    const srun = await slurmCmd('srun', ['-Q', '--gres=qpu:sim:1', '--q_backend=sim', 'true'], { user: cluster.testUser });
    expect(srun.code, shown(srun)).not.toBe(0);
    expect(srun.stderr).toContain('drained for maintenance');
    const queue = await slurmCmd('squeue', ['-h', '-o', '%A']);
    expect(queue.stdout.trim().split('\n').filter((id) => id !== '' && id !== running)).toEqual([]);
    // Other backends are not affected.
    const other = await slurmCmd('srun', ['-Q', '-L', 'qpu_sim_shared:1', '--q_backend=sim_shared', 'printenv', 'QRUN_BACKENDS']);
    expect(other.code, shown(other)).toBe(0);

    expect(await waitState(running)).toBe('COMPLETED');
    expect(output(running)).toContain('running-job-finished');

    const resumed = await qrun(['admin', 'resume', 'sim', '--catalogue', cluster.catalogue]);
    expect(resumed.stdout).toContain('sim: resumed');
    const accepted = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', `node ${QRUN} sample ${BELL} > /dev/null && echo sampled`], { user: cluster.testUser });
    jobs.push(accepted);
    expect(await waitState(accepted)).toBe('COMPLETED');
    expect(output(accepted)).toContain('sampled');

    // Its usage record (written at release) is summed by user and by backend.
    await waitReleased(accepted);
    const byUser = await qrun(['--json', 'admin', 'usage', '--by', 'user', '--since', '1h']);
    expect(byUser.code, shown(byUser)).toBe(0);
    const rows = (JSON.parse(byUser.stdout) as { rows: Array<{ key: string; jobs: number; tasks: number; shots: number }> }).rows;
    expect(rows.find((r) => r.key === cluster.testUser)).toMatchObject({ tasks: expect.any(Number), shots: expect.any(Number) });
    expect(rows.find((r) => r.key === cluster.testUser)?.shots).toBeGreaterThanOrEqual(1024);
    const byBackend = await qrun(['admin', 'usage', '--by', 'backend']);
    expect(byBackend.stdout).toMatch(/^sim\s+\d+\s+\d+/m);
  });

  it('doctor reports the cluster healthy, then each planted fault with its fix', async () => {
    await withCatalogue(await simOnly(), async () => {
      const healthy = await qrun(['--json', 'admin', 'doctor']);
      const report = JSON.parse(healthy.stdout) as { healthy: boolean; findings: Finding[] };
      expect(report.findings.filter((f) => f.status === 'fail'), shown(healthy)).toEqual([]);
      expect(healthy.code).toBe(0);
      const checks = report.findings.filter((f) => f.status === 'ok').map((f) => f.check);
      expect(checks).toEqual(expect.arrayContaining(['plugin.loaded', 'plugin.version', 'handler.runs', 'catalogue', 'capacity.sim', 'capacity.sim_shared', 'service_user', 'state_dir', 'hook-service', 'vendor.sim']));
    });

    const dir = await mkdtemp(join(tmpdir(), 'doctor-e2e-'));
    const key = join(dir, 'shared.key');
    await writeFile(key, 'not-a-real-key\n');
    await chmod(key, 0o644);
    try {
      const faulty = await simOnly((backends) => {
        (backends['sim']?.['capacity'] as { lanes: number }).lanes = 3;
        if (backends['sim_shared'] !== undefined) backends['sim_shared']['secret'] = `file:${key}`;
      });
      await withCatalogue(faulty, async () => {
        const sick = await qrun(['admin', 'doctor']);
        expect(sick.code, shown(sick)).toBe(4);
        expect(sick.stdout).toMatch(/FAIL {2}capacity\.sim: sim: the catalogue gives 3 lanes but \S+ has qpu:sim:4\n {6}fix: .*Gres=qpu:sim:3/);
        expect(sick.stdout).toContain(`FAIL  secret.sim_shared: sim_shared: secret file ${key} has mode 0644`);
        expect(sick.stdout).toContain(`fix: chmod 600 ${key}`);
        expect(sick.stderr).toContain('[DOCTOR_FOUND_PROBLEMS]');
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
