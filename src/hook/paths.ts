import { join } from 'node:path';
import { SERVICE_PID_FILE } from './service-pid.js';

/**
 * Layout of the handler's state directory (plugstack `state_dir=`, root-only, one per node):
 *
 *   leases/<job id>.json      the lease journal: what each job holds (spank/hook.c stats this path)
 *   lanes/<alias>/<n>         one symlink per claimed lane of a backend, naming the job id
 *   locks/<job id>.lock       serialises acquire/release of one job (a symlink naming its holder)
 *   reap-wanted/<job id>      a release of the job began and has not finished (reap-wanted.ts)
 *   catalogue-cache.json      the last catalogue that passed the schema, keyed by file identity
 *   hook.log                  pino JSON lines, one per event, with jobId and backend
 *   hook.sock                 the node's resident hook service (service.ts; spank/service.h names it)
 *   hook-service.pid          its keeper: "<pid> <start time>" (process/start-time.ts)
 */
/** The service's socket name in the state directory; spank/service.h has the same. */
export const SERVICE_SOCKET = 'hook.sock';

export interface StatePaths {
  readonly root: string;
  readonly leases: string;
  readonly lanes: string;
  readonly locks: string;
  readonly reapWanted: string;
  readonly catalogueCache: string;
  readonly log: string;
  readonly serviceSocket: string;
  readonly servicePid: string;
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    leases: join(root, 'leases'),
    lanes: join(root, 'lanes'),
    locks: join(root, 'locks'),
    reapWanted: join(root, 'reap-wanted'),
    catalogueCache: join(root, 'catalogue-cache.json'),
    log: join(root, 'hook.log'),
    serviceSocket: join(root, SERVICE_SOCKET),
    servicePid: join(root, SERVICE_PID_FILE),
  };
}

export function leaseFile(paths: StatePaths, jobId: number): string {
  return join(paths.leases, `${jobId}.json`);
}

export function laneDir(paths: StatePaths, alias: string): string {
  return join(paths.lanes, alias);
}

export function lockFile(paths: StatePaths, jobId: number): string {
  return join(paths.locks, `${jobId}.lock`);
}

export function reapWantedFile(paths: StatePaths, jobId: number): string {
  return join(paths.reapWanted, String(jobId));
}
