/**
 * The node's resident hook service (plugstack service=yes, docs/adr/0008) under real Slurm: slurmd's
 * start brought it up; QPU jobs are acquired and released through it; only root reaches its socket;
 * with the service gone QPU jobs still run (the shim starts handler processes), and the next slurmd
 * start brings it back.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { clusterPaths } from '../../src/devcluster/paths.js';
import { restartDaemon } from '../../src/devcluster/cluster.js';
import { hookServicePid, waitForHookServices } from '../../src/devcluster/hook-services.js';
import { stopProcess } from '../../src/devcluster/daemons.js';
import { until } from './fault-helpers.js';
import { hookEvents, qpuCluster, qpuSkipReason, slurmCmd, waitReleased } from './qpu-helpers.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';

/** `qrun admin doctor --json`'s finding for the hook service. */
async function doctorSays(): Promise<{ status: string; message: string } | undefined> {
  const { slurmConf } = qpuCluster();
  const ran = await run('node', [join(REPO_ROOT, 'bin', 'qrun.js'), '--json', 'admin', 'doctor', '--no-vendors'], {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', SLURM_CONF: slurmConf, HOME: '/root' },
    timeoutMs: 90_000,
  });
  const report = JSON.parse(ran.stdout) as { findings: Array<{ check: string; status: string; message: string }> };
  return report.findings.find((f) => f.check === 'hook-service');
}

const SIM = ['--gres=qpu:sim:1', '--q_backend=sim'];

/** The job id an `srun` printed from inside its step. */
function jobIdOf(stdout: string): string {
  const id = /JOB=(\d+)/.exec(stdout)?.[1];
  expect(id, stdout).toBeDefined();
  return id ?? '';
}

async function qpuStep(): Promise<string> {
  const ran = await slurmCmd('srun', ['-Q', ...SIM, 'sh', '-c', 'echo JOB=$SLURM_JOB_ID; echo ENDPOINT=$QRUN_ENDPOINT']);
  expect(ran.code, ran.stderr).toBe(0);
  expect(ran.stdout).toMatch(/ENDPOINT=\S+/);
  const id = jobIdOf(ran.stdout);
  await waitReleased(id);
  return id;
}

describe.skipIf(qpuSkipReason() !== '')('the node hook service', () => {
  it('serves acquire and release of a QPU job; its socket is 0600 in the root-only state directory', async () => {
    const { stateDir } = qpuCluster();
    expect(await hookServicePid(stateDir)).not.toBeNull();
    const socket = join(stateDir, 'hook.sock');
    expect((await stat(socket)).mode & 0o777).toBe(0o600);
    const id = await qpuStep();
    const events = await hookEvents(id);
    const served = events.filter((e) => e.msg === 'lease acquired' || e.msg === 'lease released');
    expect(served.map((e) => e.msg)).toEqual(['lease acquired', 'lease released']);
    expect(served.every((e) => e.via === 'service'), JSON.stringify(served)).toBe(true);
  }, 60_000);

  it('cannot be reached by an ordinary user, nor steered by one', async () => {
    const { stateDir, testUser } = qpuCluster();
    const socket = join(stateDir, 'hook.sock');
    const tried = await run('runuser', ['-u', testUser, '--', process.execPath, '-e', `require('net').connect(${JSON.stringify(socket)}).on('error', (e) => { console.log(e.code); process.exit(0); }).on('connect', () => { console.log('CONNECTED'); process.exit(0); })`]);
    expect(tried.stdout.trim()).toBe('EACCES');
    // The job's environment reaches neither the service's environment nor its argv.
    const pid = await hookServicePid(stateDir);
    const environ = (await readFile(`/proc/${pid}/environ`, 'latin1')).split('\0').filter(Boolean);
    expect(environ.map((kv) => kv.split('=')[0]).sort()).toEqual(expect.arrayContaining(['HOME', 'LC_ALL', 'PATH']));
    expect(environ.some((kv) => kv.startsWith('SLURM_JOB') || kv.startsWith('QRUN_'))).toBe(false);
  }, 60_000);

  it('gone: QPU jobs still run through handler processes; the next slurmd start brings it back', async () => {
    const { stateDir } = qpuCluster();
    const keeper = await hookServicePid(stateDir);
    expect(keeper).not.toBeNull();
    await stopProcess(keeper ?? 0, 5_000);
    await until('the pid file to go', async () => (await hookServicePid(stateDir)) === null, 10_000);
    expect(await doctorSays()).toMatchObject({ status: 'warn', message: expect.stringMatching(/no hook service runs on this node/) });
    const id = await qpuStep();
    const served = (await hookEvents(id)).filter((e) => e.msg === 'lease acquired' || e.msg === 'lease released');
    expect(served.map((e) => e.msg)).toEqual(['lease acquired', 'lease released']);
    expect(served.some((e) => e.via === 'service')).toBe(false);

    await restartDaemon(clusterPaths(), 'slurmd', () => undefined);
    expect(await waitForHookServices([stateDir], 20_000)).toEqual([]);
    const next = await hookServicePid(stateDir);
    expect(next).not.toBeNull();
    expect(next).not.toBe(keeper);
    expect(await doctorSays()).toMatchObject({ status: 'ok', message: expect.stringContaining(`keeper pid ${next}`) });
    const again = await qpuStep();
    expect((await hookEvents(again)).filter((e) => e.msg === 'lease acquired').every((e) => e.via === 'service')).toBe(true);
  }, 120_000);
});
