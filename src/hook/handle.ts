/**
 * One hook request, start to reply: what a handler process (main.ts) and the node's resident hook
 * service (service.ts) both run for the shim, so the two differ only in how the request arrives.
 */
import { isQrunError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { configureFaults } from './faults.js';
import { checkStateDir, ensurePrivateDir } from './fsutil.js';
import { statePaths } from './paths.js';
import { nodeHookDeps, slurmSource } from './node-deps.js';
import { ProtocolError, renderReply, stepName, type HookReply, type HookRequest } from './protocol.js';
import type { SlurmJobFacts, SlurmJobSource } from '../slurm/job.js';
import type { HookTrace } from './trace.js';
import type { HookDeps } from './deps.js';
import type { UnixListener } from '../native/listen.js';

export interface HandleContext {
  /** The handler's own environment (fixed by the shim, never the job's): PATH, SLURM_CONF, env: secrets. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The service's open hook log; a handler process opens its own per run. */
  readonly log?: Logger;
  /** The service's: work run once the reply is out (HookDeps.afterReply). */
  readonly afterReply?: HookDeps['afterReply'];
  /** The service's: the addon's socket binder, so a gateway can be prepared and launched after the reply. */
  readonly listen?: UnixListener | undefined;
}

/** Starts `scontrol show job` at once, so it overlaps with loading the rest of the handler. */
function prefetched(source: SlurmJobSource, jobId: number): SlurmJobSource {
  const early = source.show(jobId);
  early.catch(() => undefined);
  return { ...source, show: (id: number): Promise<SlurmJobFacts> => (id === jobId ? early : source.show(id)) };
}

export async function handle(request: HookRequest, trace: HookTrace, context: HandleContext): Promise<HookReply> {
  const paths = statePaths(request.stateDir);
  const slurmBase = slurmSource(context.env, request.timeoutSeconds);
  const slurm = request.action === 'acquire' ? prefetched(slurmBase, request.jobId) : slurmBase;
  try {
    await ensurePrivateDir(paths.root);
    // Fail closed on a state directory others can write: they could forge a lease or free a lane.
    await checkStateDir(paths.root, [paths.leases, paths.lanes, paths.locks]);
  } catch (error) {
    return {
      ok: false,
      message: isQrunError(error)
        ? `${error.message}; ask your admin (${error.hint ?? error.code})`
        : `the QPU state directory ${paths.root} cannot be created on this node (${(error as Error).message}), so no QPU was granted; ask your admin`,
    };
  }
  configureFaults(paths.root, context.env);
  trace.mark('state-dir-checked');
  const deps = {
    ...(await nodeHookDeps({
      paths,
      env: context.env,
      timeoutSeconds: request.timeoutSeconds,
      bindings: { action: request.action },
      slurm,
      ...(context.log === undefined ? {} : { log: context.log }),
      ...(request.callerPid === undefined ? {} : { callerPid: request.callerPid }),
      ...(context.listen === undefined ? {} : { listen: context.listen }),
    })),
    trace,
    // Only a gateway the addon bound may wait for its launch while the job is answered.
    ...(context.afterReply === undefined || context.listen === undefined ? {} : { afterReply: context.afterReply }),
  };
  trace.mark('deps-loaded');
  const { log } = deps;
  try {
    if (request.action === 'acquire') {
      const { acquire } = await import('./acquire.js');
      trace.mark('acquire-loaded');
      return await acquire(request, deps);
    }
    if (request.action === 'reap') {
      const { reap } = await import('./reaper.js');
      const entries = await reap(deps);
      const released = entries.filter((e) => e.action === 'released').map((e) => e.jobId);
      log.info({ backend: null, released, looked: entries.length }, 'reap done');
      return { ok: true, message: `reaped ${released.length} lease(s)` };
    }
    const { release } = await import('./release.js');
    trace.mark('release-loaded');
    return await release(request, deps);
  } catch (error) {
    log.error({ err: error, jobId: request.jobId, backend: request.backends.join(',') || null, step: stepName(request.stepId) }, `${request.action} failed`);
    return {
      ok: false,
      message: `the QPU hook could not ${request.action} (${(error as Error).message}); ask your admin to check ${paths.log}`,
    };
  } finally {
    log.flush();
  }
}

/** The trace line, after the reply is out (so writing it costs the job nothing). */
export function writeTrace(request: HookRequest, trace: HookTrace, context: HandleContext): void {
  const marks = trace.marks();
  if (Object.keys(marks).length === 0) return;
  const line = (log: Logger): void => {
    log.info({ backend: request.backends.join(',') || null, step: stepName(request.stepId), marks }, 'trace');
    log.flush();
  };
  const bindings = { action: request.action, jobId: request.jobId };
  if (context.log !== undefined) {
    line(context.log.child(bindings));
    return;
  }
  void import('./logger.js').then(({ createHookLogger }) => line(createHookLogger(statePaths(request.stateDir).log, bindings)));
}

/** The reply as text; one the shim would refuse becomes a refusal that says so (the lease stays for release). */
export function rendered(reply: HookReply, request: HookRequest, warn: (line: string) => void): string {
  try {
    return renderReply(reply);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    warn(`qpu-hook: ${error.message}`);
    return renderReply({
      ok: false,
      message: `the QPU hook could not ${request.action} (${error.message}); ask your admin to check the node's slurmd log`,
    });
  }
}
