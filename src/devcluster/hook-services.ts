/**
 * The nodes' resident hook services (plugstack service=yes): each node's slurmd starts one through
 * the shim as it starts. They run with the shim's fixed environment, so they carry no dev-cluster
 * marker; their pid files (<state_dir>/hook-service.pid, "<pid> <start time>") say which they are.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { SERVICE_SOCKET } from '../hook/paths.js';
import { runningKeeper } from '../hook/service-pid.js';
import { stopProcess } from './daemons.js';
import { sleep } from './exec.js';

/** The keeper named by a state directory's pid file, when it is that very process. */
export const hookServicePid = runningKeeper;

function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = connect(socket);
    client.once('connect', () => {
      client.destroy();
      resolve(true);
    });
    client.once('error', () => resolve(false));
  });
}

/** Waits until every state directory's service listens; the ones that do not, after `ms`. */
export async function waitForHookServices(stateDirs: readonly string[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let missing = [...stateDirs];
  while (missing.length > 0 && Date.now() < deadline) {
    const up = await Promise.all(missing.map((dir) => answers(join(dir, SERVICE_SOCKET))));
    missing = missing.filter((_, i) => up[i] !== true);
    if (missing.length > 0) await sleep(50);
  }
  return missing;
}

/** Stops the service of each state directory (SIGTERM to its keeper, which stops its worker). */
export async function stopHookServices(stateDirs: readonly string[], say: (line: string) => void): Promise<void> {
  await Promise.all(
    stateDirs.map(async (dir) => {
      const pid = await hookServicePid(dir);
      if (pid !== null) say(`hook service (pid ${pid}) ${await stopProcess(pid, 5_000)}`);
    }),
  );
}
