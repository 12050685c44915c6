/**
 * Helpers for the fault-injection suite (test/e2e/faults.test.ts): arm a handler fault point, read
 * the node's lanes, leases and gateway directories, wait for a job's QPU to come back, and run the
 * IBM contract fake in this process on this checkout's own port, with a catalogue entry that points
 * at it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sleep } from '../../src/devcluster/exec.js';
import { gatewayDir } from '../../src/gateway/launch.js';
import { FAULT_DIR, type FaultPoint } from '../../src/hook/faults.js';
import { startIbmComputeFake, type IbmComputeFake } from '../fakes/ibm-quantum-compute/index.js';
import { BELL_ISA } from './ibm-fake.js';
import { countEvents, leases, qpuCluster, slurmCmd } from './qpu-helpers.js';

/** The next handler to reach `point` on the node dies there (`kill`), hangs or throws. */
export async function armFault(point: FaultPoint, action: 'kill' | 'hang' | 'throw' = 'kill'): Promise<void> {
  const dir = join(qpuCluster().stateDir, FAULT_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, point), `${action}\n`, { mode: 0o600 });
}

export async function faultsArmed(): Promise<string[]> {
  return readdir(join(qpuCluster().stateDir, FAULT_DIR)).catch(() => []);
}

/** Job ids holding a lane, by `alias/lane`. */
export async function lanes(): Promise<Record<string, string>> {
  const root = join(qpuCluster().stateDir, 'lanes');
  const held: Record<string, string> = {};
  for (const alias of await readdir(root).catch(() => [] as string[])) {
    for (const lane of await readdir(join(root, alias)).catch(() => [] as string[])) {
      if (!/^\d+$/.test(lane)) continue;
      // A lane is a symlink naming the job (src/hook/lanes.ts); an older version's, a file holding it.
      const path = join(root, alias, lane);
      held[`${alias}/${lane}`] = (await readlink(path).catch(() => readFile(path, 'utf8')).catch(() => '')).trim();
    }
  }
  return held;
}

export interface LeaseFile {
  readonly state: string;
  readonly gateway?: { pid: number; socketPath: string; dir: string } | null;
  readonly gatewayState?: string;
  readonly gatewayRestarts?: number;
  readonly backends: Array<{ alias: string; session: string | null; sessionState?: string }>;
}

export async function leaseFile(jobId: string): Promise<LeaseFile | undefined> {
  const path = join(qpuCluster().stateDir, 'leases', `${jobId}.json`);
  return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as LeaseFile) : undefined;
}

export function jobGatewayDir(jobId: string): string {
  return gatewayDir({ stateDir: qpuCluster().stateDir, jobId: Number(jobId) });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/**
 * What a test checks after every fault: the job holds no lane, no lease, no gateway directory, and
 * its release was logged once. Returns the milliseconds it took from the call (the bound the docs
 * state is measured from when Slurm considers the job gone, which is when tests call this).
 */
export async function waitQpuBack(jobId: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  await until(
    `job ${jobId}'s QPU to come back`,
    async () => !(await leases()).includes(jobId) && !Object.values(await lanes()).includes(jobId) && !existsSync(jobGatewayDir(jobId)),
    timeoutMs,
  );
  return Date.now() - started;
}

/** Regular files under `dir`, at any depth (sockets and links are not followed). */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (info?.isDirectory()) found.push(...(await filesUnder(path)));
    else if (info?.isFile()) found.push(path);
  }
  return found;
}

/**
 * Files on the node that hold a bearer token of the job (src/gateway/token.ts: `qpu1.<job>.<uid>.…`):
 * the node's state directory (leases, logs, usage) and the cluster's gateway runtime directory.
 */
export async function tokenFiles(jobId: string): Promise<string[]> {
  const token = new RegExp(`qpu1\\.${jobId}\\.\\d+\\.[A-Za-z0-9_-]{43}`);
  const roots = [qpuCluster().stateDir, dirname(jobGatewayDir(jobId))];
  const holding: string[] = [];
  for (const root of roots) {
    for (const file of await filesUnder(root)) {
      if (token.test(await readFile(file, 'latin1').catch(() => ''))) holding.push(file);
    }
  }
  return holding;
}

/** Lanes in use on the node and QPU jobs Slurm runs there, as sorted job ids: the two must match. */
export async function lanesAndRunningJobs(): Promise<{ lanes: string[]; running: string[] }> {
  const held = [...new Set(Object.values(await lanes()))].sort();
  const listed = (await slurmCmd('squeue', ['-h', '-t', 'RUNNING', '-o', '%A %b %W'])).stdout.trim();
  const running = listed === '' ? [] : listed.split('\n').filter((line) => /qpu/.test(line)).map((line) => line.split(' ')[0] ?? '').sort();
  return { lanes: held, running };
}

export async function releasedOnce(jobId: string): Promise<number> {
  return countEvents(jobId, 'lease released');
}

/** A Bell pair in the IBM fake's basis (rz, sx, cz), as a sampler payload in the jobs directory; returns its path. */
export async function ibmBellPayload(): Promise<string> {
  const path = join(qpuCluster().jobs, 'ibm-bell-isa.json');
  await writeFile(path, JSON.stringify({ pubs: [[BELL_ISA, null, 100]], version: 2 }), { mode: 0o644 });
  return path;
}

/**
 * The IBM fake on QPU_E2E_PORT_BASE + `portOffset` (default 40; each test file its own) and the
 * catalogue text whose ibm_fake entry uses it.
 */
export async function ibmFakeWithCatalogue(options: { queueDelayMs?: number; portOffset?: number } = {}): Promise<{ fake: IbmComputeFake; catalogue: string }> {
  const cluster = qpuCluster();
  const port = Number(process.env.QPU_E2E_PORT_BASE ?? 6817) + (options.portOffset ?? 40);
  const fake = await startIbmComputeFake({ port, queueDelayMs: options.queueDelayMs ?? 50 });
  const keyFile = join(cluster.stateDir, '..', `ibm-fake-${port}.key`);
  await writeFile(keyFile, `${fake.apiKey}\n`, { mode: 0o600 });
  const catalogue = JSON.parse(readFileSync(cluster.catalogue, 'utf8')) as { backends: Record<string, Record<string, unknown>> };
  catalogue.backends['ibm_fake'] = {
    ...catalogue.backends['ibm_fake'],
    endpoint: `http://127.0.0.1:${port}/api`,
    auth_endpoint: `http://127.0.0.1:${port}`,
    instance: fake.instance,
    secret: `file:${keyFile}`,
  };
  return { fake, catalogue: JSON.stringify(catalogue, null, 2) };
}
