/**
 * The gateway is the security boundary: a canary credential in the catalogue reaches the gateway
 * (the sim backend then requires it) and nothing the job's user can see; tokens and uids of other
 * jobs are refused; what the user sets in the job's environment does not steer the root side.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BELL, curlGateway, holdingScript, jobEnv, letGo, QRUN, waitLease } from './gateway-helpers.js';
import { drain, output, qpuCluster, qpuSkipReason, submit, waitReleased, waitState, withCatalogue } from './qpu-helpers.js';

interface CatalogueFile {
  backends: Record<string, Record<string, unknown>>;
}

async function catalogueWithSecret(reference: string): Promise<string> {
  const catalogue = JSON.parse(await readFile(qpuCluster().catalogue, 'utf8')) as CatalogueFile;
  const sim = catalogue.backends['sim'];
  if (sim === undefined) throw new Error('the dev cluster catalogue has no sim backend');
  sim['secret'] = reference;
  return JSON.stringify(catalogue, null, 2);
}

/** Files the job user could read that may hold what the job saw: listed by the job itself, read here. */
function filesContaining(list: string, needle: string): string[] {
  return list
    .split('\n')
    .filter(Boolean)
    .filter((path) => {
      try {
        return readFileSync(path).includes(needle);
      } catch {
        return false;
      }
    });
}

describe.skipIf(qpuSkipReason() !== '')('job gateway security', () => {
  const jobs: string[] = [];
  const cleanup: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
    for (const path of cleanup.splice(0)) await unlink(path).catch(() => undefined);
  });

  it('a canary secret in the catalogue reaches the gateway and nothing the job user can read, nor any log', async () => {
    const cluster = qpuCluster();
    const canary = `canary-${randomBytes(16).toString('hex')}`;
    const secretFile = join(cluster.env['QPU_DEV_CLUSTER_RUNTIME'] ?? '', 'etc', 'sim-secret');
    await writeFile(secretFile, `${canary}\n`, { mode: 0o600 });
    cleanup.push(secretFile);
    const scan = ['/tmp', '/run', '/var/tmp', '/dev/shm', '/var/log', '/etc', cluster.env['QPU_DEV_CLUSTER_LOGS'] ?? '/tmp'].join(' ');
    await withCatalogue(await catalogueWithSecret(`file:${secretFile}`), async () => {
      const script = await holdingScript('gw-canary.sh', [
        `node ${QRUN} sample ${BELL} > /dev/null; echo "qrun exit $?"`,
        'env > gw-$SLURM_JOB_ID.jobenv',
        // Every environment and command line this user may read, while the gateway runs.
        "for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null | tr '\\0' '\\n'; done > gw-$SLURM_JOB_ID.proc",
        `find ${scan} -xdev -type f -readable -size -20M 2>/dev/null > gw-$SLURM_JOB_ID.files`,
        'true',
      ]);
      const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], { user: cluster.testUser });
      jobs.push(id);
      await waitLease(id);
      await letGo(id);
      expect(await waitState(id), output(id)).toBe('COMPLETED');
      await waitReleased(id);
      // The sim backend named a secret, so it ran only because the gateway holds it.
      expect(output(id)).toContain('qrun exit 0');
      const read = (name: string): string => readFileSync(join(cluster.jobs, `gw-${id}.${name}`), 'utf8');
      expect(read('jobenv')).not.toContain(canary);
      expect(read('proc').length).toBeGreaterThan(0);
      expect(read('proc')).not.toContain(canary);
      const listed = read('files');
      expect(listed).toContain(cluster.slurmConf); // the scan did reach the cluster's files
      expect(filesContaining(listed, canary).filter((path) => path !== secretFile)).toEqual([]);
      const logs = ['slurmd.log', 'slurmctld.log'].map((name) => join(cluster.env['QPU_DEV_CLUSTER_LOGS'] ?? '', name));
      for (const log of [...logs, cluster.hookLog, join(cluster.stateDir, 'gateway.log')]) {
        expect(readFileSync(log, 'utf8'), log).not.toContain(canary);
      }
    });
  });

  it('a secret file others may read is refused at acquire, and the job fails saying how to fix it', async () => {
    const cluster = qpuCluster();
    const secretFile = join(cluster.env['QPU_DEV_CLUSTER_RUNTIME'] ?? '', 'etc', 'loose-secret');
    await writeFile(secretFile, 'loose\n', { mode: 0o644 });
    cleanup.push(secretFile);
    await withCatalogue(await catalogueWithSecret(`file:${secretFile}`), async () => {
      const id = await submit(['-t', '2', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'echo ran'], { user: cluster.testUser });
      jobs.push(id);
      expect(await waitState(id)).toBe('FAILED');
      expect(output(id)).toContain(`chmod 600 ${secretFile}`);
      expect(output(id)).not.toContain('ran\n');
    });
  });

  it("refuses another job's token, another uid and the service user; each job reaches its own gateway", async () => {
    const cluster = qpuCluster();
    const user = cluster.testUser;
    const script = await holdingScript('gw-pair.sh');
    const a = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], { user });
    const b = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', script], { user });
    jobs.push(a, b);
    const [leaseA, leaseB] = [await waitLease(a), await waitLease(b)];
    await Promise.all([jobEnv(a), jobEnv(b)]);
    const socketA = leaseA.gateway.socketPath;

    const own = await curlGateway(socketA, '/v1/backends', leaseA.token, user);
    expect(own.status, own.stderr).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ job_id: Number(a), backends: [{ name: 'sim' }] });

    const otherToken = await curlGateway(socketA, '/v1/backends', leaseB.token, user);
    expect(otherToken.status).toBe(401);
    expect(JSON.parse(otherToken.body)).toMatchObject({ error: { code: 'AUTH_FAILED', message: expect.stringContaining(`belongs to job ${b}`) } });

    // Another uid: the socket's directory does not let it through at all.
    const nobody = await curlGateway(socketA, '/v1/backends', leaseA.token, 'nobody');
    expect(nobody.status).toBeNull();
    expect(nobody.stderr).toMatch(/Permission denied|Couldn't connect/i);
    // Root and the service user get through the directory; SO_PEERCRED then refuses them.
    for (const who of [undefined, cluster.env['QPU_DEV_CLUSTER_SERVICE_USER'] ?? 'qpu-gateway']) {
      const reply = await curlGateway(socketA, '/v1/backends', leaseA.token, who);
      expect(reply.status, `${who ?? 'root'}: ${reply.stderr}`).toBe(401);
      expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'AUTH_FAILED', message: expect.stringContaining('the connection comes from uid') } });
    }
    await Promise.all([letGo(a), letGo(b)]);
    await Promise.all([waitState(a), waitState(b)]);
  });

  it('QRUN_* and vendor variables the user sets do not steer the root side', async () => {
    const cluster = qpuCluster();
    const script = await holdingScript('gw-steer.sh', [`node ${QRUN} sample ${BELL} > /dev/null; echo "qrun exit $?"`]);
    const forged = ['QRUN_ENDPOINT=unix:/tmp/forged.sock', 'QRUN_TOKEN=forged', 'QRUN_BACKENDS=sim_shared', 'QRUN_DEADLINE=1', 'QISKIT_IBM_TOKEN=user-vendor-key', 'SLURM_JOB_QPU_RESOURCES=sim_shared'];
    const id = await submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', `--export=ALL,${forged.join(',')}`, script], { user: cluster.testUser });
    jobs.push(id);
    const lease = await waitLease(id);
    const env = await jobEnv(id);
    expect(env).toMatchObject({ QRUN_ENDPOINT: lease.endpoint, QRUN_TOKEN: lease.token, QRUN_BACKENDS: 'sim', SLURM_JOB_QPU_RESOURCES: 'sim' });
    expect(Number(env['QRUN_DEADLINE'])).toBeGreaterThan(Date.now() / 1000);
    const gatewayEnv = readFileSync(`/proc/${lease.gateway.pid}/environ`, 'utf8');
    expect(gatewayEnv).not.toContain('user-vendor-key');
    expect(gatewayEnv).not.toContain('QRUN_');
    const backends = await curlGateway(lease.gateway.socketPath, '/v1/backends', lease.token, cluster.testUser);
    expect((JSON.parse(backends.body) as { backends: { name: string }[] }).backends.map((b) => b.name)).toEqual(['sim']);
    await letGo(id);
    expect(await waitState(id)).toBe('COMPLETED');
    expect(output(id)).toContain('qrun exit 0');
    await waitReleased(id);
  });
});
