/**
 * Helpers for the SPANK shim's end-to-end tests: run Slurm commands against the dev cluster (echoing
 * each command and its output on failure), read the hook's journal and log, and swap the catalogue
 * or the plugstack line for one test and put it back afterwards.
 *
 * The cluster is the one test/e2e/global-setup.ts brings up (.dev-cluster/env). QPU_DEV_CLUSTER_ENV
 * may name another env file, to run these files against a cluster started elsewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { run, sleep, type RunResult } from '../../src/devcluster/exec.js';
import { clusterPaths } from '../../src/devcluster/paths.js';

export interface QpuCluster {
  readonly env: Readonly<Record<string, string>>;
  readonly slurmConf: string;
  readonly jobs: string;
  readonly stateDir: string;
  readonly hookLog: string;
  readonly catalogue: string;
  readonly plugstack: string;
  readonly host: string;
  readonly testUser: string;
  /** The second ordinary user (`--second-user`), or '' when the cluster has none. */
  readonly secondUser: string;
  readonly slurmdLog: string;
}

function envFile(): string {
  return process.env.QPU_DEV_CLUSTER_ENV ?? clusterPaths().envFile;
}

/** Empty when a cluster is there to test against; otherwise why the QPU e2e tests are skipped. */
export function qpuSkipReason(): string {
  let provided: string | undefined;
  try {
    provided = inject('clusterSkipReason');
  } catch {
    provided = undefined;
  }
  if (provided) return provided;
  if (process.getuid?.() !== 0) return 'the QPU e2e tests need root';
  if (!existsSync(envFile())) return `no dev cluster (${envFile()} is missing)`;
  return '';
}

export function qpuCluster(): QpuCluster {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(envFile(), 'utf8').split('\n')) {
    const match = /^export (\w+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) vars[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  const runtime = vars.QPU_DEV_CLUSTER_RUNTIME ?? '';
  const stateDir = vars.QPU_DEV_CLUSTER_QPU_STATE ?? '';
  return {
    env: vars,
    slurmConf: vars.SLURM_CONF ?? '',
    jobs: vars.QPU_DEV_CLUSTER_JOBS ?? '',
    stateDir,
    hookLog: join(stateDir, 'hook.log'),
    catalogue: join(runtime, 'etc', 'qpu.json'),
    plugstack: join(runtime, 'etc', 'plugstack.conf'),
    host: vars.QPU_DEV_CLUSTER_HOST ?? '',
    testUser: vars.QPU_DEV_CLUSTER_TEST_USER ?? 'qputest',
    secondUser: vars.QPU_DEV_CLUSTER_SECOND_USER ?? '',
    slurmdLog: join(vars.QPU_DEV_CLUSTER_LOGS ?? '', 'slurmd.log'),
  };
}

export interface Ran extends RunResult {
  readonly command: string;
}

/** What ran and what it printed, for assertion messages. */
export function shown(result: Ran): string {
  return `$ ${result.command}\n[exit ${result.code}]\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

export interface CommandOptions {
  /** Run as this user (runuser) instead of root. */
  readonly user?: string;
  readonly timeoutMs?: number;
}

/** Runs a Slurm client command against the cluster, from the shared jobs directory. */
export async function slurmCmd(command: string, args: readonly string[], options: CommandOptions = {}): Promise<Ran> {
  const cluster = qpuCluster();
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    HOME: options.user ? '/tmp' : '/root',
    SLURM_CONF: cluster.slurmConf,
  };
  const [cmd, argv] = options.user
    ? ['runuser', ['-u', options.user, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args]]
    : [command, [...args]];
  const result = await run(cmd, argv, { env, cwd: cluster.jobs, timeoutMs: options.timeoutMs ?? 90_000 });
  return { ...result, command: [options.user ? `(as ${options.user})` : '', command, ...args].filter(Boolean).join(' ') };
}

/** Submits a batch job (output to slurm-<id>.out in the jobs directory); returns its id. */
export async function submit(args: readonly string[], options: CommandOptions = {}): Promise<string> {
  const result = await slurmCmd('sbatch', ['--parsable', `--chdir=${qpuCluster().jobs}`, ...args], options);
  if (result.code !== 0) throw new Error(`sbatch failed\n${shown(result)}`);
  return result.stdout.trim().split(';')[0] ?? '';
}

/** One field of `scontrol show job` (JobState, ExitCode, Reason...). */
export async function jobField(jobId: string, field: string): Promise<string> {
  const result = await slurmCmd('scontrol', ['show', 'job', '-o', jobId]);
  return new RegExp(`(?:^|\\s)${field}=(\\S*)`).exec(result.stdout)?.[1] ?? '';
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED']);

/** Waits for a final state (or one of `states`); returns it. */
export async function waitState(jobId: string, states?: readonly string[], timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await jobField(jobId, 'JobState');
    if (states ? states.includes(state) : FINAL.has(state)) return state;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${state || 'unknown'} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export function output(jobId: string): string {
  const file = join(qpuCluster().jobs, `slurm-${jobId}.out`);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export interface HookEvent {
  readonly msg: string;
  readonly jobId?: number;
  readonly backend?: string;
  readonly action?: string;
  readonly time: string;
  readonly [key: string]: unknown;
}

/** The hook's JSON log lines, optionally for one job. */
export async function hookEvents(jobId?: string): Promise<HookEvent[]> {
  const text = await readFile(qpuCluster().hookLog, 'utf8').catch(() => '');
  const events = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HookEvent);
  return jobId === undefined ? events : events.filter((e) => String(e.jobId) === jobId);
}

export async function countEvents(jobId: string, msg: string): Promise<number> {
  return (await hookEvents(jobId)).filter((e) => e.msg === msg).length;
}

/** Job ids holding a lease on the node now. */
export async function leases(): Promise<string[]> {
  const names = await readdir(join(qpuCluster().stateDir, 'leases')).catch(() => [] as string[]);
  return names.filter((n) => /^\d+\.json$/.test(n)).map((n) => n.replace('.json', ''));
}

/** Waits until the job's lease is gone and its release was logged (job_epilog runs after the job). */
export async function waitReleased(jobId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await leases()).includes(jobId) && (await countEvents(jobId, 'lease released')) > 0) return;
    if (Date.now() > deadline) throw new Error(`job ${jobId}'s lease was not released within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The node's state letters (`idle`, `mix`, `drain`...); a test that fails a job checks it is not drained. */
export async function nodeState(): Promise<string> {
  return (await slurmCmd('sinfo', ['-h', '-N', '-o', '%t'])).stdout.trim();
}

/** Waits until no job is queued or running. */
export async function drain(jobIds: readonly string[] = []): Promise<void> {
  if (jobIds.length > 0) await slurmCmd('scancel', [...jobIds]);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await slurmCmd('squeue', ['-h', '-o', '%A'])).stdout.trim() === '') return;
    await sleep(100);
  }
  throw new Error('the queue did not drain within 60 s');
}

export async function replaceFile(path: string, text: string): Promise<void> {
  // Written whole and renamed: slurmstepd and sbatch read these files at any moment.
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, path);
}

/** Runs `body` with the catalogue replaced by `text` (or removed when null), then restores it. */
export async function withCatalogue<T>(text: string | null, body: () => Promise<T>): Promise<T> {
  const { catalogue } = qpuCluster();
  const original = await readFile(catalogue, 'utf8');
  try {
    if (text === null) await rename(catalogue, `${catalogue}.away`);
    else await replaceFile(catalogue, text);
    return await body();
  } finally {
    if (text === null) await rename(`${catalogue}.away`, catalogue).catch(() => undefined);
    await replaceFile(catalogue, original);
  }
}

/** Runs `body` with the shim's plugstack line rewritten by `edit`, then restores it. */
export async function withPlugstack<T>(edit: (line: string) => string, body: () => Promise<T>): Promise<T> {
  const { plugstack } = qpuCluster();
  const original = await readFile(plugstack, 'utf8');
  const edited = original
    .split('\n')
    .map((line) => (line.startsWith('required ') ? edit(line) : line))
    .join('\n');
  try {
    await replaceFile(plugstack, edited);
    return await body();
  } finally {
    await replaceFile(plugstack, original);
  }
}

/** Replaces (or adds, or with value null removes) one key=value argument of the plugstack line. */
export function setArg(line: string, key: string, value: string | null): string {
  const pattern = new RegExp(`\\s${key}=\\S*`);
  const without = line.replace(pattern, '');
  return value === null ? without : `${without} ${key}=${value}`;
}

/**
 * The dev cluster's backend aliases in catalogue order, as the shim lists them ("valid backends: …"):
 * read from the catalogue itself, so a new vendor entry needs no edit of every assertion.
 */
export function devCatalogueAliases(): string {
  const file = fileURLToPath(new URL('../../slurm-conf/dev-cluster/qpu.json', import.meta.url));
  const catalogue = JSON.parse(readFileSync(file, 'utf8')) as { backends: Record<string, unknown> };
  return Object.keys(catalogue.backends).join(', ');
}
