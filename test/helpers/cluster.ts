/**
 * Helpers for tests against the dev cluster. Every command is echoed with its output when a test
 * fails (`explain`), so a red test says what Slurm answered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { run, sleep, type RunResult } from '../../src/devcluster/exec.js';
import { clusterPaths } from '../../src/devcluster/paths.js';

export interface ClusterEnv {
  readonly SLURM_CONF: string;
  readonly QPU_DEV_CLUSTER_RUNTIME: string;
  readonly QPU_DEV_CLUSTER_LOGS: string;
  readonly QPU_DEV_CLUSTER_QPU_STATE: string;
  readonly QPU_DEV_CLUSTER_JOBS: string;
  readonly QPU_DEV_CLUSTER_HOST: string;
  readonly QPU_DEV_CLUSTER_TEST_USER: string;
  readonly QPU_DEV_CLUSTER_SERVICE_USER: string;
}

/** Empty string when the cluster is up; otherwise why the e2e tests are skipped. */
export function clusterSkipReason(): string {
  return inject('clusterSkipReason');
}

export function clusterEnv(): ClusterEnv {
  const text = readFileSync(clusterPaths().envFile, 'utf8');
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export (\w+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) vars[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  return vars as unknown as ClusterEnv;
}

export interface CommandRecord extends RunResult {
  readonly command: string;
}

/** What ran and what it printed, for failure messages. */
export function explain(result: CommandRecord): string {
  return `$ ${result.command}\n[exit ${result.code}]\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

export interface SlurmCommandOptions {
  /** Run as this user (via runuser) instead of root. */
  readonly user?: string;
  /** Extra environment for the command (SLURM_CONF and PATH are always set). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Runs a Slurm client command (sbatch, srun, squeue, ...) against the dev cluster. */
export async function slurm(command: string, args: readonly string[], options: SlurmCommandOptions = {}): Promise<CommandRecord> {
  const cluster = clusterEnv();
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    HOME: options.user ? `/home/${options.user}` : '/root',
    SLURM_CONF: cluster.SLURM_CONF,
    ...options.env,
  };
  const [cmd, argv] = options.user
    ? ['runuser', ['-u', options.user, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args]]
    : [command, [...args]];
  const result = await run(cmd, argv, { env, timeoutMs: options.timeoutMs ?? 60_000, cwd: cluster.QPU_DEV_CLUSTER_JOBS });
  const shown = [options.user ? `(as ${options.user})` : '', command, ...args].filter(Boolean).join(' ');
  return { ...result, command: shown };
}

/** Submits a batch job; returns its id. Output goes to the shared jobs directory. */
export async function sbatch(args: readonly string[], options: SlurmCommandOptions = {}): Promise<string> {
  const cluster = clusterEnv();
  const result = await slurm('sbatch', ['--parsable', `--chdir=${cluster.QPU_DEV_CLUSTER_JOBS}`, ...args], options);
  if (result.code !== 0) throw new Error(`sbatch failed\n${explain(result)}`);
  return result.stdout.trim().split(';')[0] ?? '';
}

/** The job's fields from `scontrol show job -d`, as a key → value map. */
export async function showJob(jobId: string): Promise<Record<string, string>> {
  const result = await slurm('scontrol', ['show', 'job', '-d', '-o', jobId]);
  const fields: Record<string, string> = {};
  for (const token of result.stdout.trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return fields;
}

export async function jobState(jobId: string): Promise<string> {
  return (await showJob(jobId)).JobState ?? 'UNKNOWN';
}

const FINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED']);

/** Waits until the job reaches one of `states` (default: any final state); returns the state. */
export async function waitForJob(jobId: string, states?: readonly string[], timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await jobState(jobId);
    if (states ? states.includes(state) : FINAL_STATES.has(state)) return state;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is ${state} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The job's stdout file (sbatch default name in the jobs directory). */
export function jobOutput(jobId: string): string {
  return readFileSync(join(clusterEnv().QPU_DEV_CLUSTER_JOBS, `slurm-${jobId}.out`), 'utf8');
}

/** Cancels jobs and waits until they are gone from the queue, so the next test starts empty. */
export async function cancelAndDrain(jobIds: readonly string[]): Promise<void> {
  if (jobIds.length > 0) await slurm('scancel', [...jobIds]);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const queue = await slurm('squeue', ['-h', '-o', '%A']);
    if (queue.stdout.trim() === '') return;
    await sleep(100);
  }
  throw new Error('the queue did not drain within 30 s');
}
