import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendEntry } from '../config/catalogue.js';
import type { GatewayRecord } from '../gateway/launch.js';

/**
 * The seam for the per-job gateway (src/gateway/, a later piece of work). At acquire the hook starts
 * one for the job and puts its address in QRUN_ENDPOINT; at release it stops it. Until the gateway
 * exists, jobs whose backends are all `sim` run the simulator in-process: QRUN_ENDPOINT=`local:`
 * (which qrun understands), and no process is started.
 */

export interface GatewayStart {
  readonly jobId: number;
  readonly uid: number;
  readonly aliases: readonly string[];
  readonly token: string;
  readonly deadline: number | null;
  readonly serviceUser: string;
  /** The job's primary gid: group of the gateway's socket directory. */
  readonly gid: number;
  readonly stateDir: string;
  /** The granted backends' catalogue entries (metadata, secret reference). */
  readonly backends: readonly { readonly alias: string; readonly entry: BackendEntry }[];
}

export interface GatewayHandle {
  /** What the job puts in QRUN_ENDPOINT: `local:`, `unix:/path` or `http://127.0.0.1:port`. */
  readonly endpoint: string;
  /** The gateway process, or null when none runs. */
  readonly pid: number | null;
  /** What src/gateway/launch.ts needs to stop it (socket, directory, process start time). */
  readonly record?: GatewayRecord | null | undefined;
}

/** What stopping a gateway found: how it ended and the job's usage (src/gateway/job-gateway.ts). */
export interface GatewayStopReport {
  readonly how: string;
  readonly usage: { readonly backends: Readonly<Record<string, unknown>> } | null;
  readonly slurm: { readonly ok: boolean; readonly comment: string; readonly error?: string; readonly finished?: boolean } | null;
  /** The usage record under state_dir, or null. */
  readonly record?: string | null;
}

export interface JobGateway {
  start(request: GatewayStart): Promise<GatewayHandle>;
  stop(handle: GatewayHandle): Promise<GatewayStopReport | undefined | void>;
}

export const LOCAL_ENDPOINT = 'local:';

/** In-process simulator: nothing to start or stop. */
export const localGateway: JobGateway = {
  start: () => Promise.resolve({ endpoint: LOCAL_ENDPOINT, pid: null }),
  stop: () => Promise.resolve(),
};

/** Stops a detached gateway process: TERM, then KILL after `graceMs`. */
export async function stopProcess(pid: number, graceMs = 2000): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(50);
  if (alive()) process.kill(pid, 'SIGKILL');
}

/** The gateway for a set of backend types; only all-`sim` sets exist so far. */
export function gatewayFor(types: readonly string[]): JobGateway {
  if (types.every((type) => type === 'sim')) return localGateway;
  return {
    start: () => Promise.reject(new Error(`no job gateway for backend types ${types.join(', ')} yet`)),
    stop: (handle) => (handle.pid === null ? Promise.resolve() : stopProcess(handle.pid)),
  };
}
