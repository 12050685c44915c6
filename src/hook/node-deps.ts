/**
 * The hook's dependencies on a real node: Slurm through src/slurm/, the catalogue cache, the job
 * gateway process, secrets from the environment. Used by the handler (main.ts) and by
 * `qrun admin reap`, so both release a lease the same way. Heavy modules load here, lazily.
 */
import type { HookDeps } from './deps.js';
import type { UnixListener } from '../native/listen.js';
import type { StatePaths } from './paths.js';
import type { Logger } from '../log/logger.js';
import { processStartTime } from '../process/start-time.js';
import { scontrolJobSource, type SlurmJobSource } from '../slurm/job.js';
import { jobPresence } from '../slurm/presence.js';
import { updateAdminComment } from '../slurm/admin-comment.js';

export interface NodeDepsOptions {
  readonly paths: StatePaths;
  /** The handler's environment (fixed by the shim): PATH, SLURM_CONF, env: secrets. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The shim's timeout for one handler run, seconds: every wait fits inside it. */
  readonly timeoutSeconds: number;
  /** Log bindings (`action`). */
  readonly bindings: Record<string, unknown>;
  /** A Slurm job source already started (acquire prefetches its job); default: scontrol. */
  readonly slurm?: SlurmJobSource;
  /** The hook log to bind this run's lines to (the resident service keeps one open); default: opened here. */
  readonly log?: Logger;
  /** The shim's process (the step's slurmstepd at acquire); default: this process's parent. */
  readonly callerPid?: number;
  /** A socket binder no event loop accepts on (the service's, src/native/listen.ts), for prepared gateways. */
  readonly listen?: UnixListener;
}

export function slurmSource(env: Readonly<Record<string, string | undefined>>, timeoutSeconds: number): SlurmJobSource {
  return scontrolJobSource({ timeoutMs: Math.max(1000, (timeoutSeconds - 1) * 1000), env: { PATH: env['PATH'], SLURM_CONF: env['SLURM_CONF'] } });
}

export async function nodeHookDeps(options: NodeDepsOptions): Promise<HookDeps> {
  const { paths, env, timeoutSeconds } = options;
  const [{ createHookLogger }, { loadCatalogue }, { processGateway }, { mintToken }, { backendSecret }] = await Promise.all([
    import('./logger.js'),
    import('./catalogue-cache.js'),
    import('../gateway/job-gateway.js'),
    import('../gateway/token.js'),
    import('../secrets/for-backend.js'),
  ]);
  const parent = options.callerPid ?? process.ppid;
  return {
    paths,
    slurm: options.slurm ?? slurmSource(env, timeoutSeconds),
    presence: (jobId: number) => jobPresence(jobId, { env: { PATH: env['PATH'], SLURM_CONF: env['SLURM_CONF'] }, timeoutMs: 5_000 }),
    // acquire/release bind jobId; each line adds its backend (and step) itself, so no key repeats.
    log: options.log === undefined ? createHookLogger(paths.log, options.bindings) : options.log.child(options.bindings),
    loadCatalogue: (path: string) => loadCatalogue(path, paths),
    // One gateway process per QPU job (src/gateway/), whatever the backend types.
    gateway: processGateway({ env, ...(options.listen === undefined ? {} : { listen: options.listen }) }),
    // env: secrets come from the handler's own environment, which the shim fixes.
    secretFor: (alias: string, reference: string) => backendSecret(alias, reference, env),
    newToken: mintToken,
    now: () => new Date(),
    lockWaitMs: Math.max(1000, (timeoutSeconds - 2) * 1000),
    // The step's slurmstepd (the shim forks the handler from it): the gateway ends when it does.
    stepProcess: { pid: parent, start: processStartTime(parent) },
    vendorReleaseMs: Math.max(1000, (timeoutSeconds - 8) * 1000),
    // As root: only root or a Slurm operator may set a job's AdminComment.
    adminComment: (jobId, key, render) => updateAdminComment(jobId, key, render, { PATH: env['PATH'], SLURM_CONF: env['SLURM_CONF'] }),
  };
}
