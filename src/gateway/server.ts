/**
 * The gateway's HTTP server: a Unix socket (and optionally 127.0.0.1), the peer-uid check per
 * connection, the bearer token per request, then the v1 routes. `start(config, deps) → { close }`.
 */
import { chmod, lstat, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { asQrunError, QrunError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { GatewayConfig } from './config.js';
import { sendError } from './http.js';
import type { PeerUidLookup } from './peer.js';
import { route, type RouteContext } from './routes.js';
import { loadBackend } from '../backends/loaders.js';
import type { TaskRunner } from '../backends/types.js';
import { writeDetachedJobs } from './detached.js';
import { TaskManager, type DetachedJob } from './tasks.js';
import { tokenClaims, tokensEqual } from './token.js';
import type { Usage } from './usage.js';

export interface GatewayServerDeps {
  readonly logger: Logger;
  /** Peer uid per connection; null from the lookup means unknown. */
  readonly peerUid: PeerUidLookup;
  readonly runners?: Readonly<Record<string, TaskRunner>>;
}

export interface GatewayServer {
  readonly socketPath: string;
  /** Loads the runners' modules ahead of the first task (after the gateway listens, so a launch does not wait). */
  warm(): Promise<unknown>;
  readonly tcpPort: number | null;
  readonly manager: TaskManager;
  /** Cancels all tasks, stops listening, removes the socket, writes usage; runs once. */
  close(reason: QrunError): Promise<Usage>;
}

const BEARER = /^Bearer\s+(\S+)$/i;
/** Longest the usage file lags behind the gateway's meter. */
const USAGE_WRITE_MS = 1_000;

async function removeStaleSocket(path: string): Promise<void> {
  try {
    const info = await lstat(path);
    if (!info.isSocket()) throw new QrunError('GATEWAY_FAILED', `${path} exists and is not a socket`, { hint: 'Remove it; the gateway creates its socket itself.' });
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function listen(server: Server, target: string | { host: string; port: number } | { fd: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, done);
    else if ('fd' in target) server.listen(target, done);
    else server.listen(target.port, target.host, done);
  });
}

/** The runner of every backend type this gateway serves, loading only those types (a gateway starts per job). */
async function grantedRunners(config: GatewayConfig, logger: Logger): Promise<Record<string, TaskRunner>> {
  const runners: Record<string, TaskRunner> = {};
  const context = { deadline: config.deadline, backoffDir: config.backoffDir ?? undefined, logger, jobId: config.jobId };
  for (const { type } of config.backends) {
    if (runners[type] !== undefined) continue;
    const runner = (await loadBackend(type))?.runner(context);
    if (runner !== undefined) runners[type] ??= runner;
  }
  return runners;
}

export async function startGatewayServer(config: GatewayConfig, deps: GatewayServerDeps): Promise<GatewayServer> {
  const log = deps.logger;
  const writeUsage = async (): Promise<void> => {
    const tmp = `${config.usageFile}.tmp`;
    await writeFile(tmp, `${JSON.stringify(manager.meter.snapshot())}\n`, { mode: 0o600 });
    await rename(tmp, config.usageFile);
  };
  // At most one write per USAGE_WRITE_MS, one after the other, the first at once: a gateway that is
  // killed loses at most that much metering (nothing, when tasks end less often), and a busy one
  // does not spend its time rewriting a file.
  let usageTimer: NodeJS.Timeout | null = null;
  let usageWrites: Promise<void> = Promise.resolve();
  let lastUsageWrite = 0;
  const writeUsageNow = (): void => {
    lastUsageWrite = Date.now();
    usageWrites = usageWrites.then(writeUsage).catch((error: unknown) => log.warn({ err: error }, 'cannot write usage file'));
  };
  const scheduleUsage = (): void => {
    if (usageTimer !== null) return;
    const wait = lastUsageWrite + USAGE_WRITE_MS - Date.now();
    if (wait <= 0) {
      writeUsageNow();
      return;
    }
    usageTimer = setTimeout(() => {
      usageTimer = null;
      writeUsageNow();
    }, wait);
  };

  // Read by the hook's release before it cancels what the job left at the vendor (src/gateway/detached.ts).
  let detachedWrites: Promise<void> = Promise.resolve();
  const writeDetached = (jobs: readonly DetachedJob[]): Promise<void> => writeDetachedJobs(dirname(config.usageFile), jobs);
  const runners = deps.runners ?? (await grantedRunners(config, log));
  const manager = new TaskManager({
    jobId: config.jobId,
    backends: config.backends,
    limits: config.limits,
    deadline: config.deadline,
    runners,
    onUsage: scheduleUsage,
    uid: config.uid,
    onDetached: (jobs) => {
      detachedWrites = detachedWrites.then(() => writeDetached(jobs)).catch((error: unknown) => log.error({ err: error }, 'cannot write the detached-jobs file'));
    },
  });
  if (config.usage !== null) manager.meter.resume(config.usage);
  const ctx: RouteContext = { manager, jobId: config.jobId, deadline: config.deadline, maxRequestBytes: config.limits.maxRequestBytes };

  const peers = new WeakMap<Socket, number | null>();
  const authenticate = (req: IncomingMessage): void => {
    const uid = peers.get(req.socket) ?? null;
    if (uid !== null && uid !== config.uid) {
      throw new QrunError('AUTH_FAILED', `this gateway serves job ${config.jobId} of uid ${config.uid}; the connection comes from uid ${uid}`, {
        hint: "A job's gateway answers only processes of that job's user.",
      });
    }
    const header = req.headers.authorization;
    const presented = header === undefined ? null : (BEARER.exec(header)?.[1] ?? null);
    if (presented === null) {
      throw new QrunError('AUTH_FAILED', 'the request carries no bearer token', { hint: 'Send Authorization: Bearer $QRUN_TOKEN (set in every task of a QPU job).' });
    }
    if (!tokensEqual(presented, config.token)) {
      const claims = tokenClaims(presented);
      const whose = claims !== null && claims.jobId !== config.jobId ? ` (it belongs to job ${claims.jobId}; this gateway serves job ${config.jobId})` : '';
      throw new QrunError('AUTH_FAILED', `the bearer token is not this job's${whose}`, { hint: "Use the QRUN_TOKEN of the job whose QRUN_ENDPOINT you call." });
    }
  };

  // Set when the gateway starts stopping: from then on it serves nothing (the job has ended).
  let stopReason: QrunError | null = null;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (stopReason !== null) throw stopReason;
      authenticate(req);
      await route(req, res, ctx);
    } catch (error) {
      const coded = asQrunError(error);
      if (coded.code === 'INTERNAL') log.error({ err: error, url: req.url }, 'request failed');
      else if (coded.code === 'AUTH_FAILED') log.warn({ url: req.url, peerUid: peers.get(req.socket) ?? null, reason: coded.message }, 'request refused');
      if (coded.code === 'AUTH_FAILED' || coded.code === 'REQUEST_TOO_LARGE') res.setHeader('connection', 'close');
      sendError(res, coded);
    }
  };

  const servers: Server[] = [];
  const makeServer = (): Server => {
    const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => void handle(req, res));
    server.on('connection', (socket: Socket) => {
      try {
        peers.set(socket, deps.peerUid(socket));
      } catch (error) {
        log.warn({ err: error }, 'cannot read peer credentials; closing the connection');
        socket.destroy();
      }
    });
    servers.push(server);
    return server;
  };

  // Before serving: a gateway killed after its first answer has always left a usage record.
  await writeUsage();
  const unixServer = makeServer();
  if (config.listenFd !== null) {
    // Bound (and opened to the job) by the launcher; connections made meanwhile wait in its backlog.
    await listen(unixServer, { fd: config.listenFd });
  } else {
    await removeStaleSocket(config.socketPath);
    await listen(unixServer, config.socketPath);
    // Who may connect is decided by the per-job directory (and the peer check): the socket itself is open.
    await chmod(config.socketPath, 0o666);
  }
  let tcpPort: number | null = null;
  if (config.tcp) {
    const tcpServer = makeServer();
    await listen(tcpServer, { host: config.tcpHost ?? '127.0.0.1', port: config.tcpPort ?? 0 });
    tcpPort = (tcpServer.address() as AddressInfo).port;
  }

  let closing: Promise<Usage> | null = null;
  const close = (reason: QrunError): Promise<Usage> => {
    closing ??= (async () => {
      stopReason = reason;
      // No new connection from here on; tasks still running are cancelled below.
      await unlink(config.socketPath).catch(() => undefined);
      for (const server of servers) server.close();
      await manager.close(reason);
      await detachedWrites;
      // Vendor connections last: cancelling the tasks above may still have to reach the vendor.
      await Promise.all(
        Object.values(runners).map((runner) => (runner.close?.() ?? Promise.resolve()).catch((error: unknown) => log.warn({ err: error }, 'cannot close a runner'))),
      );
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              if (server.listening) server.close(() => resolve());
              else resolve();
              server.closeAllConnections();
            }),
        ),
      );
      await unlink(config.socketPath).catch(() => undefined);
      if (usageTimer !== null) clearTimeout(usageTimer);
      await usageWrites;
      await writeUsage().catch((error: unknown) => log.warn({ err: error }, 'cannot write usage file'));
      return manager.meter.snapshot();
    })();
    return closing;
  };

  const warm = (): Promise<unknown> => Promise.all(Object.values(runners).map((runner) => runner.warm?.() ?? Promise.resolve()));
  return { socketPath: config.socketPath, tcpPort, manager, close, warm };
}
