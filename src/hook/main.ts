/**
 * qpu-hook: the handler the SPANK shim runs as root, `node dist/hook/main.js <acquire|release|reap>`,
 * with the JSON request on stdin and the line-oriented reply on stdout (protocol.ts). Exit 0
 * whenever a reply was written, also for a refusal (`qpu-reply 2 error`); any other exit makes the
 * shim fail the job with our stderr in the node's log. Start-up time is on every QPU job's launch path, so heavy modules
 * (pino, zod) load lazily, and scontrol starts before they do.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isQrunError } from '../errors.js';
import { configureFaults } from './faults.js';
import { checkStateDir, ensurePrivateDir } from './fsutil.js';
import { statePaths } from './paths.js';
import { nodeHookDeps, slurmSource } from './node-deps.js';
import { isHookAction, parseRequest, ProtocolError, renderReply, stepName, type HookReply, type HookRequest } from './protocol.js';
import type { SlurmJobFacts, SlurmJobSource } from '../slurm/job.js';
import { hookTrace, type HookTrace } from './trace.js';

/** When this module's static imports were loaded: the trace's `main-loaded`. */
const mainLoadedAt = performance.now();

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts `scontrol show job` at once, so it overlaps with loading the rest of the handler. */
function prefetched(source: SlurmJobSource, jobId: number): SlurmJobSource {
  const early = source.show(jobId);
  early.catch(() => undefined);
  return { ...source, show: (id: number): Promise<SlurmJobFacts> => (id === jobId ? early : source.show(id)) };
}

async function handle(request: HookRequest, trace: HookTrace): Promise<HookReply> {
  const paths = statePaths(request.stateDir);
  const slurmBase = slurmSource(process.env, request.timeoutSeconds);
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
  configureFaults(paths.root, process.env);
  trace.mark('state-dir-checked');
  const deps = { ...(await nodeHookDeps({ paths, env: process.env, timeoutSeconds: request.timeoutSeconds, bindings: { action: request.action }, slurm })), trace };
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
function writeTrace(request: HookRequest, trace: HookTrace): void {
  const marks = trace.marks();
  if (Object.keys(marks).length === 0) return;
  void import('./logger.js').then(({ createHookLogger }) => {
    const log = createHookLogger(statePaths(request.stateDir).log, { action: request.action, jobId: request.jobId });
    log.info({ backend: request.backends.join(',') || null, step: stepName(request.stepId), marks }, 'trace');
    log.flush();
  });
}

/** The reply as text; one the shim would refuse becomes a refusal that says so (the lease stays for release). */
function rendered(reply: HookReply, request: HookRequest): string {
  try {
    return renderReply(reply);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    process.stderr.write(`qpu-hook: ${error.message}\n`);
    return renderReply({
      ok: false,
      message: `the QPU hook could not ${request.action} (${error.message}); ask your admin to check the node's slurmd log`,
    });
  }
}

/**
 * slurmd's start must not wait for Slurm's controller (which may be down at that moment): the shim's
 * `reap` is answered at once, and the reap itself runs in a detached copy of the handler.
 */
function reapInBackground(raw: string): HookReply {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'reap', '--foreground'], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: process.env,
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(raw);
  child.unref();
  return { ok: true, message: 'reap started' };
}

export async function main(argv: readonly string[]): Promise<number> {
  const action = argv[0] ?? '';
  if (!isHookAction(action)) {
    process.stderr.write(`qpu-hook: usage: main.js <acquire|release|reap> [--detached] < request.json (got "${action}")\n`);
    return 2;
  }
  let request: HookRequest;
  const raw = await readStdin();
  try {
    request = parseRequest(raw, action);
  } catch (error) {
    if (error instanceof ProtocolError) {
      process.stderr.write(`qpu-hook: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (action === 'reap' && argv[1] !== '--foreground') {
    process.stdout.write(rendered(reapInBackground(raw), request));
    return 0;
  }
  if (argv[1] === '--detached') {
    // Started by job_epilog without a timeout watching it (spank/job_script.c): it bounds itself.
    // eslint-disable-next-line no-restricted-properties -- the shim's timeout, kept by the handler itself
    setTimeout(() => process.exit(75), request.timeoutSeconds * 1000).unref();
  }
  const trace = hookTrace(request.traceUs);
  trace.markAt('main-loaded', mainLoadedAt);
  trace.mark('request-read');
  const reply = rendered(await handle(request, trace), request);
  process.stdout.write(reply);
  trace.mark('reply-written');
  writeTrace(request, trace);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A vendor call given up on (release's time budget) may still hold the event loop: the reply
    // is written, so the handler ends now rather than at the shim's timeout.
    // eslint-disable-next-line no-restricted-properties -- the handler is no CLI: nothing else may keep it alive past its reply
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`qpu-hook: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
