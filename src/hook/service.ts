/**
 * The node's resident hook service (plugstack `service=yes`, the default): the handler, kept
 * running, so a QPU job's start, step and end cost the shim a Unix-socket round trip instead of a
 * Node start each (docs/adr/0008-resident-hook-service.md). Two processes, both root:
 *
 *   keeper  `main.js serve`         started detached by the shim's `reap` at slurmd's start; owns
 *                                    <state_dir>/hook-service.pid, starts the worker again when it
 *                                    dies (or when its files change: an upgrade), stops when the
 *                                    worker says the service cannot run on this node
 *   worker  `main.js serve-worker`  listens on <state_dir>/hook.sock (inside the root-only state
 *                                    directory: only root can connect), runs each request exactly
 *                                    as a handler process would (handle.ts), reaps as it starts
 *
 * The service is only ever a faster way to run the same handler. A request it will not take (for
 * another install's handler, of another protocol version, after its own files changed) is closed
 * unanswered, and the shim then runs the handler as a process of its own (spank/service.c); every
 * action is idempotent and journalled, so that is safe even after a worker died mid-request.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createServer, type Server, type Socket } from 'node:net';
import { chmod, readFile, realpath, rename, unlink } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { hookBackendFor, HOOK_BACKEND_TYPES } from '../backends/for-hook.js';
import type { Logger } from '../log/logger.js';
import { useCommandRunner } from '../process/run-captured.js';
import { checkStateDir, ensurePrivateDir, writeFileAtomic } from './fsutil.js';
import { handle, rendered, writeTrace, type HandleContext } from './handle.js';
import { openHookLog } from './logger.js';
import { nodeHookDeps } from './node-deps.js';
import { statePaths, type StatePaths } from './paths.js';
import { isHookAction, parseRequest, renderReply, type HookRequest } from './protocol.js';
import { hookTrace } from './trace.js';
import { readLease } from './journal.js';
import { runningKeeper, servicePidLine } from './service-pid.js';

/** Worker exit codes the keeper acts on; anything else is a crash, and the worker is started again. */
export const EXIT_STOP = 0;
export const EXIT_RELOAD = 75;
/** A request is a few hundred bytes; the shim's own limit is 16 KiB. */
const REQUEST_MAX = 64 * 1024;
/** sun_path holds 108 bytes with its NUL. */
const SOCKET_PATH_MAX = 107;
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 10_000;
/** A worker that ran this long without dying starts the backoff over. */
const STABLE_MS = 60_000;
const WATCH_MS = 1_000;

const bound = (log: Logger): Logger => log.child({ action: 'serve', via: 'service' });

/** Whether another live keeper holds the pid file. */
async function otherKeeper(paths: StatePaths): Promise<number | null> {
  const pid = await runningKeeper(paths.root);
  return pid === process.pid ? null : pid;
}

async function ownsPidFile(paths: StatePaths, mine: string): Promise<boolean> {
  return (await readFile(paths.servicePid, 'utf8').catch(() => '')) === mine;
}

/** The keeper: one per node, the worker's parent. Returns when the service stops. */
export async function keep(raw: string, request: HookRequest, env: NodeJS.ProcessEnv): Promise<number> {
  const paths = statePaths(request.stateDir);
  try {
    await ensurePrivateDir(paths.root);
    await checkStateDir(paths.root, []);
  } catch {
    // Every QPU job's own handler says what is wrong with the state directory; nothing runs here.
    return EXIT_STOP;
  }
  const keeperLog = openHookLog(paths.log);
  const log = bound(keeperLog.log);
  const other = await otherKeeper(paths);
  if (other !== null) {
    log.info({ pid: other }, 'hook service already running');
    return EXIT_STOP;
  }
  const mine = servicePidLine(process.pid);
  await writeFileAtomic(paths.servicePid, mine, 0o644);
  const entry = process.argv[1] ?? '';
  let stopping = false;
  let worker: ReturnType<typeof spawn> | null = null;
  const stop = (): void => {
    stopping = true;
    worker?.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // logrotate's postrotate signals the keeper (its pid is in the pid file); the worker holds the log.
  process.on('SIGHUP', () => {
    keeperLog.reopen();
    worker?.kill('SIGHUP');
  });
  // Two keepers started at once: the later pid file wins, and the other one steps aside.
  const watch = setInterval(() => {
    void ownsPidFile(paths, mine).then((owns) => {
      if (!owns && !stopping) {
        log.warn({ pid: process.pid }, 'another hook service took over; this one stops');
        stop();
      }
    });
  }, 5 * WATCH_MS);
  let delay = BACKOFF_FIRST_MS;
  while (!stopping) {
    const started = Date.now();
    const child = spawn(process.execPath, [...process.execArgv, entry, 'serve-worker'], { stdio: ['pipe', 'ignore', 'pipe'], env });
    worker = child;
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(raw);
    if (child.stderr !== null) {
      createInterface({ input: child.stderr }).on('line', (line) => log.warn({ pid: child.pid, line: line.slice(0, 2000) }, 'service worker stderr'));
    }
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.once('error', () => resolve([null, null]));
      child.once('exit', (c, s) => resolve([c, s]));
    });
    worker = null;
    if (stopping || (code === EXIT_STOP && signal === null)) break;
    if (code === EXIT_RELOAD) {
      log.info({ pid: child.pid }, 'hook service files changed; starting the new code');
      delay = BACKOFF_FIRST_MS;
      continue;
    }
    delay = Date.now() - started > STABLE_MS ? BACKOFF_FIRST_MS : delay;
    log.error({ pid: child.pid, code, signal, restartInMs: delay }, 'hook service worker ended; starting it again');
    await sleep(delay);
    delay = Math.min(delay * 2, BACKOFF_MAX_MS);
  }
  clearInterval(watch);
  if (await ownsPidFile(paths, mine)) await unlink(paths.servicePid).catch(() => undefined);
  log.info({ pid: process.pid }, 'hook service stopped');
  log.flush();
  return EXIT_STOP;
}

/** A file's identity: a rebuilt or reinstalled handler has another one. */
async function identity(path: string): Promise<string> {
  // One stat on every request's path: synchronous, as a thread-pool round trip costs more than it blocks.
  let s;
  try {
    s = statSync(path);
  } catch {
    return 'gone';
  }
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

/** Every module a request may need, loaded before the first job rather than on its path. */
async function preload(paths: StatePaths, log: Logger, env: NodeJS.ProcessEnv): Promise<void> {
  await Promise.all([import('./acquire.js'), import('./release.js'), import('./reaper.js')]);
  await nodeHookDeps({ paths, env, timeoutSeconds: 30, bindings: {}, log });
  for (const type of HOOK_BACKEND_TYPES) await hookBackendFor(type);
}

async function listen(server: Server, socketPath: string): Promise<void> {
  // Bound aside and renamed into place: a client never finds the path without a listener behind it
  // (other than a dead service's, which refuses at once).
  const aside = `${socketPath}.${process.pid}`;
  await unlink(aside).catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(aside, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(aside, 0o600);
  await rename(aside, socketPath);
}

/** Whether every backend of the job's lease counts per-node capacity (GRES); false when unsure. */
async function perNodeOnly(paths: StatePaths, jobId: number): Promise<boolean> {
  const lease = await readLease(paths, jobId).catch(() => undefined);
  return lease !== undefined && lease.backends.length > 0 && lease.backends.every((b) => b.capacity.kind === 'gres');
}

/** Work a request's handling left for after its reply (HookDeps.afterReply). */
interface AfterReply {
  readonly jobId: number;
  readonly work: () => Promise<void>;
  readonly timeoutSeconds: number;
}

interface InFlight {
  readonly jobId: number;
  readonly action: string;
  readonly deadline: number;
}

/** The worker: serves until it is told to stop or its files change. Returns its exit code for the keeper. */
export async function work(startRequest: HookRequest, env: NodeJS.ProcessEnv): Promise<number> {
  const paths = statePaths(startRequest.stateDir);
  const hookLog = openHookLog(paths.log);
  const log = hookLog.log.child({ via: 'service' });
  process.on('SIGHUP', () => hookLog.reopen());
  if (Buffer.byteLength(paths.serviceSocket) > SOCKET_PATH_MAX) {
    log.warn({ action: 'serve', socket: paths.serviceSocket }, 'state_dir is too long for a socket path; no hook service on this node');
    return EXIT_STOP;
  }
  try {
    await ensurePrivateDir(paths.root);
    await checkStateDir(paths.root, [paths.leases, paths.lanes, paths.locks]);
  } catch (error) {
    log.error({ action: 'serve', err: error }, 'state directory unusable; no hook service on this node');
    return EXIT_STOP;
  }
  const entry = await realpath(process.argv[1] ?? '');
  const entryIdentity = await identity(entry);
  await preload(paths, log, env);
  // Slurm's commands without a fork of this big process on the event loop, where the addon has it.
  const { nativeCommandRunner } = await import('../native/spawn.js');
  const native = nativeCommandRunner();
  if (native !== null) useCommandRunner(native);
  log.info({ action: 'serve', spawn: native === null ? 'fork' : 'posix_spawn' }, 'commands run by');

  // Job gateways prepared on a socket nothing here accepts on, so each starts after its job's answer.
  const { nativeUnixListener } = await import('../native/listen.js');
  const listenBare = nativeUnixListener();
  const context: HandleContext = { env, log, ...(listenBare === null ? {} : { listen: listenBare }) };
  const inFlight = new Set<InFlight>();
  /** Work a reply left to do (a gateway's start), by job: the job's next hook waits for it. */
  const afterReplies = new Map<number, Promise<void>>();
  const handlers = new Map<string, Promise<string | null>>();
  let exitCode: number | null = null;
  let reaping: Promise<unknown> | null = null;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const server = createServer({ allowHalfOpen: true });
  const stop = (code: number): void => {
    if (exitCode !== null) return;
    exitCode = code;
    server.close();
    const drain = setInterval(() => {
      if (inFlight.size === 0) {
        clearInterval(drain);
        finish(code);
      }
    }, 20);
  };

  const reapInBackground = (request: HookRequest): void => {
    if (reaping !== null) return;
    reaping = handle({ ...request, action: 'reap', jobId: 0 }, hookTrace(undefined), context)
      .catch((error: unknown) => log.error({ action: 'reap', err: error }, 'reap failed'))
      .finally(() => {
        reaping = null;
      });
  };

  /** Whether a request names this handler (realpath, cached by the name the plugstack line gives). */
  const isOurs = (named: string | undefined): Promise<boolean> => {
    if (named === undefined) return Promise.resolve(true);
    let known = handlers.get(named);
    if (known === undefined) {
      known = realpath(named).catch(() => null);
      handlers.set(named, known);
    }
    return known.then((real) => real === entry);
  };

  /** Starts what a reply left to do, as in-flight work under the same timeout as a request. */
  const startAfterReply = (after: readonly AfterReply[]): void => {
    for (const { jobId, work, timeoutSeconds } of after) {
      const flight: InFlight = { jobId, action: 'after-reply', deadline: Date.now() + timeoutSeconds * 1000 };
      inFlight.add(flight);
      const previous = afterReplies.get(jobId) ?? Promise.resolve();
      const done: Promise<void> = previous
        .then(work)
        .catch((error: unknown) => log.error({ action: 'after-reply', jobId, err: error }, 'work after the reply failed'))
        .finally(() => {
          inFlight.delete(flight);
          if (afterReplies.get(jobId) === done) afterReplies.delete(jobId);
        });
      afterReplies.set(jobId, done);
    }
  };

  /** The reply for one request, or null: closed unanswered, and the shim runs the handler itself. */
  const answer = async (raw: string, after: AfterReply[]): Promise<string | null> => {
    if (exitCode !== null) return null;
    if ((await identity(entry)) !== entryIdentity) {
      log.info({ action: 'serve' }, 'hook service files changed; stopping for the new code');
      stop(EXIT_RELOAD);
      return null;
    }
    let action: unknown;
    try {
      action = (JSON.parse(raw) as { action?: unknown }).action;
    } catch {
      return null;
    }
    if (typeof action !== 'string' || !isHookAction(action)) return null;
    let request: HookRequest;
    try {
      request = parseRequest(raw, action);
    } catch {
      // Another version's shim: the handler process it starts instead says what is wrong.
      return null;
    }
    if (request.stateDir !== paths.root || !(await isOurs(request.handler))) return null;
    if (request.action === 'reap') {
      reapInBackground(request);
      return renderReply({ ok: true, message: 'reap started by the hook service' });
    }
    // What the job's last reply left to do (its gateway's start) comes before anything else of the job.
    await afterReplies.get(request.jobId);
    // A release started in the background holds the job's lock and lanes until it is done: an
    // acquire that needs one of those lanes waits for that lock (acquire.ts claimLaneOf), any other
    // goes ahead.
    const flight: InFlight = { jobId: request.jobId, action: request.action, deadline: Date.now() + request.timeoutSeconds * 1000 };
    inFlight.add(flight);
    const run = async (): Promise<string> => {
      try {
        const trace = hookTrace(request.traceUs, { processStarted: false });
        const requestContext: HandleContext = {
          ...context,
          afterReply: (jobId, work) => after.push({ jobId, work, timeoutSeconds: request.timeoutSeconds }),
        };
        const reply = rendered(await handle(request, trace, requestContext), request, (line) => log.error({ action: request.action, jobId: request.jobId, line }, 'reply refused'));
        trace.mark('reply-written');
        writeTrace(request, trace, context);
        return reply;
      } finally {
        inFlight.delete(flight);
      }
    };
    if (request.action === 'release' && (await perNodeOnly(paths, request.jobId))) {
      // Slurm starts the node's next job when the epilog returns: a lease of per-node GRES only
      // is released after the answer (journalled, as every release); an acquire here that needs its
      // lane waits for it through the job's lock. A cluster-wide license is handed on the moment the epilog returns, to any
      // node, so such a release is answered only once it is done.
      void run().then(
        () => undefined,
        (error: unknown) => log.error({ action: 'release', jobId: request.jobId, err: error }, 'release failed'),
      );
      return renderReply({ ok: true, message: 'release started by the hook service' });
    }
    return run();
  };

  const serveOne = (socket: Socket): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > REQUEST_MAX) socket.destroy();
      else chunks.push(chunk);
    });
    socket.on('end', () => {
      const after: AfterReply[] = [];
      void answer(Buffer.concat(chunks).toString('utf8'), after).then(
        (reply) => {
          if (reply === null) socket.destroy();
          else socket.end(reply);
          startAfterReply(after);
        },
        (error: unknown) => {
          log.error({ action: 'serve', err: error }, 'request failed');
          socket.destroy();
        },
      );
    });
  };
  server.on('connection', serveOne);

  await listen(server, paths.serviceSocket);
  const socketIdentity = await identity(paths.serviceSocket);
  log.info({ action: 'serve', socket: paths.serviceSocket }, 'hook service listening');
  reapInBackground(startRequest);

  // A request past the shim's timeout would have had its handler killed: the same here, for the
  // whole worker (the keeper starts another; leases journal what each request did).
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const flight of inFlight) {
      if (now > flight.deadline) {
        log.error({ action: flight.action, jobId: flight.jobId }, 'request ran past the shim timeout; the service worker restarts');
        log.flush();
        // eslint-disable-next-line no-restricted-properties -- as the shim's timeout kills a handler: nothing more of this run may happen
        process.exit(70);
      }
    }
    // Another worker took the socket path (a second keeper): this one has no clients any more.
    void identity(paths.serviceSocket).then((now) => {
      if (now !== socketIdentity && exitCode === null) {
        log.warn({ action: 'serve', socket: paths.serviceSocket }, 'the service socket was replaced; this worker stops');
        stop(EXIT_STOP);
      }
    });
  }, WATCH_MS);
  process.on('SIGTERM', () => stop(EXIT_STOP));
  const code = await finished;
  clearInterval(watchdog);
  log.info({ action: 'serve', code }, 'hook service worker stopped');
  log.flush();
  return code;
}
