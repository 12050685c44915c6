import { setTimeout as sleep } from 'node:timers/promises';

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
}

export interface GatewayHandle {
  /** What the job puts in QRUN_ENDPOINT: `local:`, `unix:/path` or `http://127.0.0.1:port`. */
  readonly endpoint: string;
  /** The gateway process, or null when none runs. */
  readonly pid: number | null;
}

export interface JobGateway {
  start(request: GatewayStart): Promise<GatewayHandle>;
  stop(handle: GatewayHandle): Promise<void>;
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
