/**
 * Starting and stopping a job's gateway, for the root-side hook. The lifecycle library: the hook
 * calls `startGateway` at acquire and keeps the returned record in the lease journal; `stopGateway`
 * at release ends it (gracefully, then by force), removes its socket and directory, and returns the
 * job's usage. Both are correct when the gateway is already gone.
 *
 * How the gateway is isolated:
 * - Detached: spawned with `detached: true`, so it calls setsid() and leads a new session and
 *   process group; the shim's kill of the handler's process group does not reach it.
 * - Signal mask: libuv's child setup (uv_spawn) resets every signal disposition to SIG_DFL and
 *   empties the blocked mask just before exec, so a handler started from slurmstepd (which blocks
 *   TERM, INT, HUP...) cannot pass a blocked mask on. The gateway checks its SigBlk at start and
 *   refuses to serve with any signal blocked.
 * - Start without waiting: the launcher binds the socket itself and hands the listening descriptor
 *   over (fd 5); it returns once the gateway is spawned and has its configuration, not when it is
 *   ready. The job's first call waits in the socket's backlog instead (docs/adr/0007-job-start.md).
 *   The node's resident hook service goes one step further (docs/adr/0009-gateway-after-reply.md):
 *   `prepareGateway` binds the socket through the addon (a bare descriptor nothing accepts on), the
 *   job is answered, and the prepared gateway's `launch` spawns it afterwards.
 * - Identity: it runs as the unprivileged service user (plugstack `service_user=`), with no
 *   supplementary groups (libuv calls setgroups(0) when it changes uid), never as root or the job user.
 * - Secrets: configuration and credentials go over a pipe on fd 3, never argv or env; its
 *   environment is a fixed PATH/LC_ALL/HOME.
 * - Reach: its socket lives in `<runtime root>/<state key>/<job id>/`, a directory owned by the
 *   service user with group = the job's primary gid and mode 0710: the service user and members of
 *   that group can reach the socket; the gateway then accepts only the job's uid (SO_PEERCRED) and
 *   the job's token. Parent directories are root-owned 0711.
 */
import { spawn } from 'node:child_process';
import { runCaptured } from '../process/run-captured.js';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { chmod, open, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { QrunError } from '../errors.js';
import type { SecretValue } from '../secrets/value.js';
import type { BackendMetadata } from '../backends/metadata.js';
import { GATEWAY_CONFIG_VERSION, type GatewayConfigWire, type GatewayLimits } from './config.js';
import type { Usage } from './usage.js';
import { readDetachedJobs } from './detached.js';
import type { UnixListener } from '../native/listen.js';

const DEFAULT_RUNTIME_ROOT = '/run/slurm-qpu';
/** sun_path is 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH = 107;
const SOCKET_NAME = 'gateway.sock';
/** Where the gateway finds its listening socket (config.listenFd). */
const LISTEN_FD = 5;
const USAGE_NAME = 'usage.json';

interface LaunchBackend {
  readonly name: string;
  readonly type: string;
  readonly description?: string | undefined;
  /** The catalogue's metadata; absent for a vendor backend whose target is read from the vendor. */
  readonly metadata?: BackendMetadata | undefined;
  /** The resolved credential when the catalogue names one; `secretRequired` then holds too. */
  readonly secret?: SecretValue | undefined;
  readonly secretRequired?: boolean;
  /** The entry's type-specific fields (endpoint, device, ...). */
  readonly settings?: Readonly<Record<string, unknown>> | undefined;
  /** The vendor session the hook opened, or null. */
  readonly session?: string | null | undefined;
}

export interface StartGatewayOptions {
  readonly jobId: number;
  /** The job's uid and primary gid. */
  readonly uid: number;
  readonly gid: number;
  /** QRUN_TOKEN (mintToken). */
  readonly token: string;
  /** Epoch seconds when the allocation ends; null: none known. */
  readonly deadline: number | null;
  readonly backends: readonly LaunchBackend[];
  /** plugstack `service_user=`. */
  readonly serviceUser: string;
  /** The hook's state_dir: names this cluster's namespace under the runtime root. */
  readonly stateDir: string;
  /** The gateway's log (appended, root-only); the gateway writes through an inherited descriptor. */
  readonly logFile: string;
  readonly runtimeRoot?: string;
  readonly slurmConf?: string | null;
  readonly limits?: Partial<GatewayLimits>;
  readonly logLevel?: string;
  /** Seconds between the gateway's job-gone checks; 0 disables them. Default 30. */
  readonly jobCheckSeconds?: number;
  /** TZ for the gateway's log timestamps (the handler's own TZ), if any. */
  readonly timeZone?: string | undefined;
  /**
   * Told the gateway's record as soon as it has a pid, before it is given its configuration (so
   * before it can serve): the hook journals it there, so no crash leaves a gateway nobody knows of.
   */
  readonly onSpawn?: (record: GatewayRecord) => Promise<void>;
  /** The process whose end means the job's end (the acquiring step's slurmstepd), watched by the gateway. */
  readonly watch?: { readonly pid: number; readonly start: number | null; readonly jobEnds: boolean } | undefined;
  /** Keep the usage a previous gateway of this job wrote (a restart after it died), counting on from it. */
  readonly resumeUsage?: boolean;
}

/** What the lease journal keeps about a running gateway. */
export interface GatewayRecord {
  readonly jobId: number;
  /** The hook's state_dir, where the usage record is kept at release. */
  readonly stateDir: string;
  readonly pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  readonly procStart: number | null;
  readonly socketPath: string;
  readonly endpoint: string;
  /** Always null: the launcher hands over a Unix socket only (kept for leases written by older versions). */
  readonly tcpEndpoint: string | null;
  readonly dir: string;
  readonly usageFile: string;
  readonly startedAt: string;
}

export interface StopGatewayResult {
  readonly how: 'stopped' | 'killed' | 'already-gone';
  /** Usage as last written by the gateway; null when it never wrote any. */
  readonly usage: Usage | null;
  /** Vendor jobs the gateway let outlive the job (detached.json), by backend alias. */
  readonly detached: ReadonlyMap<string, readonly string[]>;
}

function failed(message: string, hint: string, cause?: unknown): QrunError {
  return new QrunError('GATEWAY_FAILED', message, { hint, cause });
}

/** The service user's line in /etc/passwd, where nsswitch looks first on every usual system; null if absent. */
function passwdFileUser(name: string): { uid: number; gid: number } | null {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] !== name || fields.length < 4) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  }
  return null;
}

/**
 * The service user's ids: from /etc/passwd when it is there (a file read, on every QPU job's start),
 * else by getent (LDAP and other NSS sources), through runCaptured so the hook service does not fork.
 */
async function lookupUser(name: string): Promise<{ uid: number; gid: number }> {
  const local = passwdFileUser(name);
  if (local !== null) return local;
  const result = await runCaptured('getent', ['passwd', name], { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 5_000, maxBuffer: 64 * 1024 });
  const fields = result.stdout.trim().split(':');
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!result.ok || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw failed(`the service user ${JSON.stringify(name)} does not exist`, 'Create it (useradd --system --no-create-home --shell /usr/sbin/nologin NAME) or fix service_user= in plugstack.conf.');
  }
  return { uid, gid };
}

/** A directory on the path to the socket must be root's and writable by no one else. */
function ensureRootDir(path: string): void {
  try {
    mkdirSync(path, { mode: 0o711 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const info = lstatSync(path);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw failed(`${path} must be a directory owned by root and writable only by root`, `Run: chown root:root ${path} && chmod 711 ${path}`);
  }
  // Traversable by all (the service user and the job's user pass through), listable by none.
  if ((info.mode & 0o777) !== 0o711) chmodSync(path, 0o711);
}

function stateKey(stateDir: string): string {
  return createHash('sha256').update(stateDir).digest('hex').slice(0, 10);
}

/**
 * Where this node's gateways share their HTTP backoff ("do not call the vendor before T"): one
 * directory for all jobs, owned by the service user. Root-side code never writes there (a directory
 * another account controls is no place for root to create files); the hook keeps its own under
 * state_dir.
 */
export function gatewayBackoffDir(options: Pick<StartGatewayOptions, 'runtimeRoot' | 'stateDir'>): string {
  return join(options.runtimeRoot ?? DEFAULT_RUNTIME_ROOT, stateKey(options.stateDir), 'backoff');
}

function ensureBackoffDir(path: string, uid: number, gid: number): void {
  try {
    mkdirSync(path, { mode: 0o755 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const info = lstatSync(path);
  if (!info.isDirectory()) throw failed(`${path} exists and is not a directory`, `Remove it; the gateway launcher creates it (rm ${path}).`);
  chownSync(path, uid, gid);
  chmodSync(path, 0o755);
}

export function gatewayDir(options: Pick<StartGatewayOptions, 'runtimeRoot' | 'stateDir' | 'jobId'>): string {
  return join(options.runtimeRoot ?? DEFAULT_RUNTIME_ROOT, stateKey(options.stateDir), String(options.jobId));
}

/**
 * The gateway's entry: dist/gateway/main.js, found from this module's folder (dist/gateway/, or
 * dist/hook/ in the bundled handler: both one level below dist/), or main.ts under tsx (tests).
 */
function entryPoint(): { script: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { script: fileURLToPath(new URL('../gateway/main.js', import.meta.url)), execArgv: [] };
  // Running from the sources (tests): load tsx by absolute path, the gateway's cwd is /.
  const tsx = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
  return { script: here.replace(/launch\.ts$/, 'main.ts'), execArgv: ['--import', pathToFileURL(tsx).href] };
}

/** Field 22 of /proc/<pid>/stat, or null when the process is gone. */
function processStart(pid: number): { start: number; zombie: boolean } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { start: Number(rest[19]), zombie: rest[0] === 'Z' || rest[0] === 'X' };
}

/** Whether the recorded gateway process still runs (a reused pid is not it). */
export function gatewayAlive(record: Pick<GatewayRecord, 'pid' | 'procStart'>): boolean {
  return isOurs(record);
}

function isOurs(record: Pick<GatewayRecord, 'pid' | 'procStart'>): boolean {
  const info = processStart(record.pid);
  return info !== null && !info.zombie && (record.procStart === null || info.start === record.procStart);
}

/**
 * The gateway's listening socket, bound here before the gateway starts: the job's first call can
 * connect at once and waits in the backlog until the gateway accepts, so acquire never waits for a
 * Node start. Bound under a temporary name and renamed into place, because Node unlinks the path a
 * server listened on when that server closes, and this process closes its copy right after the spawn.
 */
async function bindSocket(socketPath: string): Promise<{ fd: number; close: () => void }> {
  const bindPath = `${socketPath}.bind`;
  await rm(bindPath, { force: true });
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path: bindPath, backlog: 511 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const close = (): void => {
    server.close();
  };
  try {
    // Who may connect is decided by the per-job directory (and the peer check): the socket itself is open.
    await chmod(bindPath, 0o666);
    await rename(bindPath, socketPath);
  } catch (error) {
    close();
    throw error;
  }
  // libuv keeps the listening descriptor in the handle; there is no public accessor for it.
  const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    close();
    throw failed('cannot hand the gateway its socket: no descriptor', 'This is a bug in slurm-qpu; please report it.');
  }
  return { fd, close };
}

/** The same socket as bindSocket's, from the addon: a bare descriptor, so connections wait in the backlog. */
async function bindBareSocket(socketPath: string, listen: UnixListener): Promise<{ fd: number; close: () => void }> {
  const bindPath = `${socketPath}.bind`;
  rmSync(bindPath, { force: true });
  const fd = listen(bindPath, 511);
  const close = (): void => {
    closeSync(fd);
  };
  try {
    chmodSync(bindPath, 0o666);
    renameSync(bindPath, socketPath);
  } catch (error) {
    close();
    throw error;
  }
  return { fd, close };
}

/**
 * A gateway made ready to run: its directory made, its socket bound and listening, its
 * configuration built. The endpoint is usable from here on (calls wait in the socket's backlog);
 * `launch` starts the process, `abandon` gives back the descriptors without starting one.
 */
export interface PreparedGateway {
  readonly endpoint: string;
  /** `onSpawn` replaces the options' one: told the record before the gateway has its configuration. */
  launch(onSpawn?: (record: GatewayRecord) => Promise<void>): Promise<GatewayRecord>;
  /** Closes what prepare opened; the directory stays for whoever owns the job's lease (release's forget). */
  abandon(): Promise<void>;
}

/**
 * Everything of a start but the spawn. With `listen` (the addon's bare socket) the prepared socket
 * may wait for its launch while the caller answers the job: nothing here accepts a connection. A
 * Node server would, so without it prepare and launch must follow each other at once (startGateway).
 */
export async function prepareGateway(options: StartGatewayOptions, listen?: UnixListener): Promise<PreparedGateway> {
  const service = await lookupUser(options.serviceUser);
  if (service.uid === 0 || service.uid === options.uid) {
    throw failed(
      `service_user ${options.serviceUser} has uid ${service.uid}: the gateway must run as neither root nor the job's user`,
      'Set service_user= in plugstack.conf to a dedicated unprivileged account (e.g. qpu-gateway).',
    );
  }
  const root = options.runtimeRoot ?? DEFAULT_RUNTIME_ROOT;
  const dir = gatewayDir(options);
  const socketPath = join(dir, SOCKET_NAME);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw failed(`the gateway socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} bytes`, 'Use a shorter runtime root.');
  }
  // Small synchronous calls: a dozen thread-pool round trips cost more than they block (the service).
  ensureRootDir(root);
  ensureRootDir(join(root, stateKey(options.stateDir)));
  // A restarted gateway counts on from what the dead one last wrote; otherwise a directory left by
  // a gateway that died with its node is stale: start clean.
  const previousUsage = options.resumeUsage === true ? await readUsage(join(dir, USAGE_NAME)) : null;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, service.uid, options.gid);
  chmodSync(dir, 0o710);
  const backoffDir = gatewayBackoffDir(options);
  ensureBackoffDir(backoffDir, service.uid, service.gid);

  const config: GatewayConfigWire = {
    version: GATEWAY_CONFIG_VERSION,
    jobId: options.jobId,
    uid: options.uid,
    token: options.token,
    deadline: options.deadline,
    socketPath,
    listenFd: LISTEN_FD,
    backends: options.backends.map((b) => ({
      name: b.name,
      type: b.type,
      ...(b.description === undefined ? {} : { description: b.description }),
      ...(b.metadata === undefined ? {} : { metadata: b.metadata }),
      secretRequired: b.secretRequired ?? b.secret !== undefined,
      ...(b.secret === undefined ? {} : { secret: b.secret.reveal() }),
      ...(b.settings === undefined || Object.keys(b.settings).length === 0 ? {} : { settings: b.settings }),
      ...(b.session === undefined || b.session === null ? {} : { session: b.session }),
    })),
    limits: { ...options.limits },
    usageFile: join(dir, USAGE_NAME),
    slurmConf: options.slurmConf ?? null,
    jobCheckSeconds: options.jobCheckSeconds ?? 30,
    logLevel: options.logLevel ?? 'info',
    backoffDir,
    ...(options.watch === undefined ? {} : { watch: options.watch }),
    ...(previousUsage === null ? {} : { usage: previousUsage }),
  };

  const { script, execArgv } = entryPoint();
  if (!existsSync(script)) {
    await rm(dir, { recursive: true, force: true });
    throw failed(`the gateway program ${script} is missing`, 'Build the project (npm run build).');
  }
  const log = await open(options.logFile, 'a', 0o600);
  let socket: { fd: number; close: () => void };
  try {
    socket = listen === undefined ? await bindSocket(socketPath) : await bindBareSocket(socketPath, listen);
  } catch (error) {
    await log.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let used = false;
  const release = async (): Promise<void> => {
    used = true;
    await log.close();
    socket.close();
  };
  return {
    endpoint: `unix:${socketPath}`,
    abandon: async () => {
      if (!used) await release();
    },
    launch: async (onSpawn = options.onSpawn) => {
      if (used) throw failed('the prepared gateway was launched twice', 'This is a bug in slurm-qpu.');
      used = true;
      const child = spawn(process.execPath, [...execArgv, script, `--job=${options.jobId}`], {
        detached: true,
        uid: service.uid,
        gid: service.gid,
        cwd: '/',
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', HOME: '/', ...(options.timeZone === undefined ? {} : { TZ: options.timeZone }) },
        // fd 4, where a gateway started by hand reports readiness, is the log: nobody waits on it here,
        // and an unused descriptor number could be taken by Node's own and then written to.
        stdio: ['ignore', log.fd, log.fd, 'pipe', log.fd, socket.fd],
      });
      const configPipe = child.stdio[3];
      const spawned = new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (error) => reject(failed(`cannot start the gateway: ${error.message}`, 'Check that the service user can read and run the installation.', error)));
      });
      await log.close();
      // The gateway holds its own copy now (or never will): this process's copy goes at once.
      socket.close();
      const kill = (): void => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      };
      try {
        await spawned;
        if (configPipe === null || configPipe === undefined || child.pid === undefined) {
          throw failed('the gateway was started without its pipes', 'This is a bug in slurm-qpu.');
        }
        const pid = child.pid;
        const record: GatewayRecord = {
          jobId: options.jobId,
          stateDir: options.stateDir,
          pid,
          procStart: processStart(pid)?.start ?? null,
          socketPath,
          endpoint: `unix:${socketPath}`,
          tcpEndpoint: null,
          dir,
          usageFile: config.usageFile,
          startedAt: new Date().toISOString(),
        };
        // Journalled before the gateway has its configuration: it cannot serve yet, and if this
        // process dies now the pipe closes and the gateway exits on the truncated configuration.
        await onSpawn?.(record);
        // The one place a credential leaves this process: into the pipe, then the pipe is closed.
        // The configuration fits the pipe's buffer, so this returns without waiting for the gateway to
        // read it. From here the job's calls queue on the socket until the gateway serves them; one that
        // fails to start (its log says why) closes the socket, and those calls get GATEWAY_GONE.
        await new Promise<void>((resolve, reject) => {
          configPipe.once('error', reject);
          (configPipe as Writable).end(JSON.stringify(config), () => resolve());
        });
        return record;
      } catch (error) {
        kill();
        await rm(dir, { recursive: true, force: true });
        throw error;
      } finally {
        configPipe?.destroy();
        child.unref();
      }
    },
  };
}

export async function startGateway(options: StartGatewayOptions): Promise<GatewayRecord> {
  return (await prepareGateway(options)).launch();
}

async function waitGone(record: Pick<GatewayRecord, 'pid' | 'procStart'>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isOurs(record)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return !isOurs(record);
}

async function readUsage(path: string): Promise<Usage | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Usage;
  } catch {
    return null;
  }
}

export interface StopGatewayOptions {
  /** How long SIGTERM gets before SIGKILL. Default 5 s. */
  readonly graceMs?: number;
}

export async function stopGateway(record: GatewayRecord, options: StopGatewayOptions = {}): Promise<StopGatewayResult> {
  let how: StopGatewayResult['how'] = 'already-gone';
  if (isOurs(record)) {
    how = 'stopped';
    try {
      process.kill(record.pid, 'SIGTERM');
    } catch {
      // exited meanwhile
    }
    if (!(await waitGone(record, options.graceMs ?? 5_000))) {
      how = 'killed';
      for (const target of [-record.pid, record.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await waitGone(record, 2_000);
    }
  }
  const usage = await readUsage(record.usageFile);
  // Read before the directory goes: release must not cancel what the job detached.
  const detached = await readDetachedJobs(record.dir);
  await rm(record.dir, { recursive: true, force: true });
  // The namespace directory goes too once its last job is gone.
  await rmdir(join(record.dir, '..')).catch(() => undefined);
  return { how, usage, detached };
}
