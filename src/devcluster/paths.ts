import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: src/devcluster and dist/devcluster both sit two levels below it. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Where one dev cluster keeps everything it writes. `down` removes the run directory, so nothing
 * survives but the logs of the last run (kept for reading after a failed test).
 */
export interface ClusterPaths {
  readonly root: string;
  readonly envFile: string;
  readonly stateFile: string;
  readonly etc: string;
  readonly slurmConf: string;
  readonly gresConf: string;
  readonly plugstackConf: string;
  readonly catalogue: string;
  readonly log: string;
  readonly run: string;
  readonly mungeDir: string;
  readonly mungeSocket: string;
  readonly spool: string;
  readonly ctldState: string;
  readonly qpuState: string;
  readonly jobs: string;
}

export function clusterPaths(root = join(REPO_ROOT, '.dev-cluster')): ClusterPaths {
  const etc = join(root, 'etc');
  const run = join(root, 'run');
  return {
    root,
    envFile: join(root, 'env'),
    stateFile: join(root, 'cluster.json'),
    etc,
    slurmConf: join(etc, 'slurm.conf'),
    gresConf: join(etc, 'gres.conf'),
    plugstackConf: join(etc, 'plugstack.conf'),
    catalogue: join(etc, 'qpu.json'),
    log: join(root, 'log'),
    run,
    mungeDir: join(run, 'munge'),
    mungeSocket: join(run, 'munge', 'munge.socket'),
    spool: join(run, 'slurmd'),
    ctldState: join(run, 'slurmctld'),
    qpuState: join(run, 'qpu'),
    jobs: join(run, 'jobs'),
  };
}

export const DEFAULT_CATALOGUE = join(REPO_ROOT, 'slurm-conf', 'dev-cluster', 'qpu.json');
export const SHIM_PATH = join(REPO_ROOT, 'build-spank', 'spank_qpu.so');
export const HANDLER_PATH = join(REPO_ROOT, 'dist', 'hook', 'main.js');
