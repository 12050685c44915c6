/**
 * The job gateway under real Slurm: one per QPU job, started by the hook as the service user in its
 * own session with no blocked signals, reached by the job's qrun through QRUN_ENDPOINT, stopped at
 * release with its usage recorded, and gone afterwards; a gateway that was killed gives qrun a clear
 * error and release still cleans up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { sleep } from '../../src/devcluster/exec.js';
import { startGateway, stopGateway } from '../../src/gateway/launch.js';
import { mintToken } from '../../src/gateway/token.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { alive, BELL, curlGateway, holdingScript, jobEnv, letGo, procStatus, QRUN, waitLease } from './gateway-helpers.js';
import { drain, hookEvents, output, qpuCluster, qpuSkipReason, submit, waitReleased, waitState } from './qpu-helpers.js';

async function uidOf(user: string): Promise<number> {
  return Number((await run('id', ['-u', user])).stdout.trim());
}

describe.skipIf(qpuSkipReason() !== '')('job gateway lifecycle', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it('serves the job’s qrun from a detached gateway running as the service user, then records usage and leaves nothing', async () => {
    const cluster = qpuCluster();
    const user = cluster.testUser;
    const script = await holdingScript('gw-life.sh', [`node ${QRUN} sample ${BELL} > gw-$SLURM_JOB_ID.result; echo "qrun exit $?"`]);
    const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], { user });
    jobs.push(id);
    const lease = await waitLease(id);
    const env = await jobEnv(id);
    const gw = lease.gateway;

    expect(env['QRUN_ENDPOINT']).toBe(`unix:${gw.socketPath}`);
    expect(env['QRUN_TOKEN']).toBe(lease.token);
    expect(lease.token).toMatch(new RegExp(`^qpu1\\.${id}\\.${await uidOf(user)}\\.[A-Za-z0-9_-]{43}$`));
    const serviceUid = String(await uidOf(cluster.env['QPU_DEV_CLUSTER_SERVICE_USER'] ?? 'qpu-gateway'));
    expect(procStatus(gw.pid, 'Uid')?.split(/\s+/)).toEqual([serviceUid, serviceUid, serviceUid, serviceUid]);
    expect(procStatus(gw.pid, 'SigBlk')).toMatch(/^0+$/);
    const stat = readFileSync(`/proc/${gw.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])).toBe(gw.pid); // its own session

    await letGo(id);
    expect(await waitState(id)).toBe('COMPLETED');
    expect(output(id)).toContain('qrun exit 0');
    const result = JSON.parse(readFileSync(join(cluster.jobs, `gw-${id}.result`), 'utf8')) as { results: unknown[]; metadata: { backend: string } };
    expect(result.results).toHaveLength(1);
    expect(result.metadata.backend).toBe('sim');

    await waitReleased(id);
    expect(alive(gw.pid)).toBe(false);
    expect(existsSync(gw.dir)).toBe(false);
    const stopped = (await hookEvents(id)).find((e) => e.msg === 'gateway stopped');
    // The gateway watches its job's step and may have stopped itself before the epilog asked it to:
    // either way its usage is recorded.
    expect(stopped).toMatchObject({ how: expect.stringMatching(/^(stopped|already-gone)$/), usage: { sim: { tasks: 1, completed: 1, shots: 1024 } } });
    const record = JSON.parse(readFileSync(join(cluster.stateDir, 'usage', `${id}.json`), 'utf8')) as { backends: Record<string, { shots: number }> };
    expect(record.backends['sim']?.shots).toBe(1024);

    // Nothing is reachable after release.
    const after = await curlGateway(gw.socketPath, '/v1/backends', lease.token, user);
    expect(after.status).toBeNull();
    expect(after.code).not.toBe(0);
  });

  it('a killed gateway gives qrun a clear error, and release still cleans up', async () => {
    const cluster = qpuCluster();
    const script = await holdingScript('gw-killed.sh', [`node ${QRUN} sample ${BELL} > /dev/null 2> gw-$SLURM_JOB_ID.err; echo "qrun exit $?"`]);
    const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], { user: cluster.testUser });
    jobs.push(id);
    const lease = await waitLease(id);
    process.kill(lease.gateway.pid, 'SIGKILL');
    await letGo(id);
    expect(await waitState(id)).toBe('COMPLETED');
    expect(output(id)).toContain('qrun exit 7');
    const stderr = readFileSync(join(cluster.jobs, `gw-${id}.err`), 'utf8');
    expect(stderr).toMatch(/GATEWAY_GONE/);
    expect(stderr).not.toMatch(/ECONNREFUSED/);
    expect(stderr).toMatch(/this job's QPU gateway is gone/);
    await waitReleased(id);
    expect((await hookEvents(id)).find((e) => e.msg === 'gateway stopped')).toMatchObject({ how: 'already-gone' });
    expect(existsSync(lease.gateway.dir)).toBe(false);
  });

  it('a gateway whose job Slurm no longer knows (epilog missed) exits by itself', async () => {
    const cluster = qpuCluster();
    const jobId = 999_999;
    const record = await startGateway({
      jobId,
      uid: await uidOf(cluster.testUser),
      gid: 0,
      token: mintToken(jobId, 0),
      deadline: null,
      backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 4 } }],
      serviceUser: cluster.env['QPU_DEV_CLUSTER_SERVICE_USER'] ?? 'qpu-gateway',
      stateDir: cluster.stateDir,
      logFile: join(cluster.stateDir, 'gateway.log'),
      slurmConf: cluster.slurmConf,
      jobCheckSeconds: 1,
    });
    try {
      const until = Date.now() + 15_000;
      while (alive(record.pid) && Date.now() < until) await sleep(100);
      expect(alive(record.pid)).toBe(false);
      expect(existsSync(record.socketPath)).toBe(false);
    } finally {
      await stopGateway(record);
    }
  });
});
