/**
 * The job gateway process (dist/gateway/main.js), one per QPU job, started by the hook through
 * launch.ts as the unprivileged service user in a new session. It reads its configuration (with the
 * resolved credentials) from the pipe on fd 3 until EOF, serves the listening socket the launcher
 * handed over on fd 5 (or, started without one, binds its own and reports readiness on fd 4),
 * and logs pino JSON lines to stderr (the launcher points it at the gateway log). It exits on
 * SIGTERM/SIGINT, at the job's deadline, or when Slurm no longer knows the job.
 */
import { closeSync, readFileSync, readSync, writeSync } from 'node:fs';
import { asQrunError, QrunError } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { parseGatewayConfig, type GatewayConfig } from './config.js';
import { createPeerLookup, loadPeerCredentials } from './peer.js';
import { startGatewayServer, type GatewayServer } from './server.js';
import { usageComment } from './usage.js';
import { atDeadline, whileJobRuns, whileStepRuns } from './watchdog.js';
import { processStartTime } from '../process/start-time.js';

const CONFIG_FD = 3;
const READY_FD = 4;
/** A shutdown that takes longer than this ends the process anyway. */
const SHUTDOWN_MS = 5_000;

function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw error;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  closeSync(fd);
  return Buffer.concat(chunks).toString('utf8');
}

function report(message: Record<string, unknown>): void {
  try {
    writeSync(READY_FD, `${JSON.stringify(message)}\n`);
    closeSync(READY_FD);
  } catch {
    // Started by hand, without a launcher listening: nothing to tell.
  }
}

/** Blocked signals, from /proc: a launcher bug would show here (a gateway that ignores SIGTERM). */
function blockedSignals(): string | null {
  try {
    return /^SigBlk:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

function installShutdown(server: GatewayServer, log: Logger, onStop: () => void): (reason: QrunError) => void {
  let started = false;
  return (reason) => {
    if (started) return;
    started = true;
    onStop();
    log.info({ reason: reason.code }, 'gateway stopping');
    setTimeout(() => {
      // Nothing else ends a gateway whose job is gone: it must not outlive a stuck shutdown.
      log.error('shutdown took too long; killing myself');
      process.kill(process.pid, 'SIGKILL');
    }, SHUTDOWN_MS).unref();
    void server.close(reason).then((usage) => {
      log.info({ usage: usage.backends, comment: usageComment(usage) }, 'gateway stopped');
      // Listeners, connections and timers are closed: the process ends with the event loop.
      process.exitCode = 0;
    });
  };
}

async function main(): Promise<void> {
  let config: GatewayConfig;
  let configReadMs: number;
  try {
    config = parseGatewayConfig(JSON.parse(readAll(CONFIG_FD)));
    configReadMs = performance.now();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    report({ ready: false, error: { code: 'GATEWAY_FAILED', message: `cannot read the configuration on fd ${CONFIG_FD}: ${message}` } });
    process.exitCode = 1;
    return;
  }
  const log = createLogger({ name: 'gateway', level: config.logLevel }).child({ jobId: config.jobId });
  // A launcher that hands over its socket does not wait for this process, so nobody reads fd 4.
  const tell = config.listenFd === null ? report : (): void => undefined;
  const sigBlk = blockedSignals();
  if (sigBlk !== null && !/^0+$/.test(sigBlk)) {
    // A gateway that ignores SIGTERM could not be stopped at release: it must not serve at all.
    log.error({ sigBlk }, 'gateway started with blocked signals; refusing to serve');
    tell({ ready: false, error: { code: 'GATEWAY_FAILED', message: `the gateway started with blocked signals (SigBlk ${sigBlk})` } });
    process.exitCode = 1;
    return;
  }
  try {
    const native = loadPeerCredentials();
    const server = await startGatewayServer(config, { logger: log, peerUid: createPeerLookup(native) });
    const watchers: (() => void)[] = [];
    const shutdown = installShutdown(server, log, () => watchers.forEach((stop) => stop()));
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.on(signal, () => shutdown(new QrunError('TASK_CANCELLED', `the job's gateway was stopped (${signal}): the job was released`)));
    }
    if (config.deadline !== null) {
      watchers.push(atDeadline(config.deadline, () => shutdown(new QrunError('ALLOCATION_EXPIRED', "the job's allocation ended (QRUN_DEADLINE passed)"))));
    }
    if (config.jobCheckSeconds > 0) {
      watchers.push(
        whileJobRuns(config.jobId, config.slurmConf, config.jobCheckSeconds, () =>
          shutdown(new QrunError('ALLOCATION_EXPIRED', `job ${config.jobId} is no longer running`)),
        ),
      );
    }
    if (config.watch !== null) {
      const watch = config.watch;
      watchers.push(
        whileStepRuns(watch, config.jobId, config.slurmConf, (why) => shutdown(new QrunError('ALLOCATION_EXPIRED', why)), (pid, start) => {
          const now = processStartTime(pid);
          return now !== null && (start === null || now === start);
        }),
      );
    }
    log.info(
      {
        socket: server.socketPath,
        tcpPort: server.tcpPort,
        backends: config.backends.map((b) => b.name),
        deadline: config.deadline,
        peerCheck: native === null ? 'unavailable (native addon without peerCredentials): directory permissions and token only' : 'SO_PEERCRED',
        uid: process.getuid?.(),
        sigBlk,
        // Since the process started: where a job's start-up time goes (docs/performance.md).
        startup: { configReadMs: Math.round(configReadMs), listeningMs: Math.round(performance.now()) },
      },
      'gateway started',
    );
    tell({ ready: true, socketPath: server.socketPath, tcpPort: server.tcpPort, pid: process.pid, sigBlk });
    // Load the simulator now, after the launcher (and so the job) stopped waiting for us.
    void server.warm().catch((error: unknown) => log.error({ err: error }, 'cannot load the simulator runner'));
  } catch (error) {
    const coded = asQrunError(error);
    log.error({ err: error }, 'gateway failed to start');
    tell({ ready: false, error: coded.toJSON() });
    process.exitCode = 1;
  }
}

void main();
