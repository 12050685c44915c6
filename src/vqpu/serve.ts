/**
 * `qrun vqpu serve`: the built-in simulator served from inside a Slurm job as a backend for the
 * same user's other jobs. It is a job gateway run by the user (src/gateway/server.ts, the same API
 * and task manager) with one `sim` backend of N qubits and K lanes (tasks that run at once; more
 * wait their turn), listening on TCP with a fresh bearer token, and a registration in the
 * catalogue's registry that the hook reads when a job asks for the vqpu.
 *
 * Lifecycle: `start(options) → { stop }`. It ends when told (`qrun vqpu stop` signals the serving
 * job), at the job's time limit (Slurm's SIGTERM) or at its deadline, and removes its registration
 * when it ends, so no job is granted a vqpu that is gone.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registrationPath, writeRegistration, REGISTRATION_FORMAT, type Registration } from '../backends/vqpu/registration.js';
import { QrunError } from '../errors.js';
import type { GatewayConfig } from '../gateway/config.js';
import { startGatewayServer } from '../gateway/server.js';
import { mintToken } from '../gateway/token.js';
import type { Usage } from '../gateway/usage.js';
import type { Logger } from '../log/logger.js';

export interface ServeOptions {
  readonly alias: string;
  readonly registry: string;
  readonly qubits: number;
  readonly lanes: number;
  /** The serving Slurm job. */
  readonly jobId: number;
  readonly uid: number;
  /** Epoch seconds when the serving job ends, or null. */
  readonly deadline: number | null;
  /** Address to listen on and the host name clients connect to. */
  readonly host: string;
  readonly logger: Logger;
}

export interface ServedVqpu {
  readonly endpoint: string;
  readonly registration: string;
  /** Stops serving (cancelling what runs), removes the registration; runs once. */
  stop(reason: string): Promise<Usage>;
}

/** Removes the registration only while it is still this server's: a newer serve may have replaced it. */
async function unregister(path: string, jobId: number, token: string): Promise<void> {
  try {
    const current = JSON.parse(await readFile(path, 'utf8')) as Partial<Registration>;
    if (current.job_id === jobId && current.token === token) await rm(path, { force: true });
  } catch {
    // Gone already, or not ours to remove.
  }
}

export async function serveVqpu(options: ServeOptions): Promise<ServedVqpu> {
  const dir = await mkdtemp(join(tmpdir(), 'qrun-vqpu-'));
  const token = mintToken(options.jobId, options.uid);
  const config: GatewayConfig = {
    version: 1,
    jobId: options.jobId,
    uid: options.uid,
    token,
    deadline: options.deadline,
    socketPath: join(dir, 'vqpu.sock'),
    tcp: true,
    tcpHost: options.host,
    backends: [{ name: options.alias, type: 'sim', metadata: { num_qubits: options.qubits, max_shots: 1_000_000 }, secretRequired: false, secret: undefined }],
    limits: { maxRequestBytes: 16 * 1024 * 1024, maxTasks: 64 * options.lanes, concurrency: options.lanes, keepFinished: 256 },
    usageFile: join(dir, 'usage.json'),
    slurmConf: null,
    jobCheckSeconds: 0,
    logLevel: 'info',
    backoffDir: null,
    watch: null,
    usage: null,
    // Binds its own TCP and Unix sockets: nothing hands it a pre-bound one.
    listenFd: null,
  };
  // Clients are other jobs' gateways (the service user): the token, not the peer's uid, admits them.
  const server = await startGatewayServer(config, { logger: options.logger, peerUid: () => null });
  if (server.tcpPort === null) throw new QrunError('INTERNAL', 'the vqpu server has no TCP port');
  await server.warm();
  const endpoint = `http://${options.host}:${server.tcpPort}`;
  const registration = registrationPath(options.registry, options.uid, options.alias);
  try {
    await writeRegistration(options.registry, {
      format: REGISTRATION_FORMAT,
      alias: options.alias,
      uid: options.uid,
      job_id: options.jobId,
      endpoint,
      token,
      qubits: options.qubits,
      lanes: options.lanes,
      started: new Date().toISOString(),
    });
  } catch (error) {
    await server.close(new QrunError('TASK_CANCELLED', 'the vqpu could not register'));
    throw new QrunError('OUTPUT_NOT_WRITABLE', `cannot register vqpu ${options.alias} in ${options.registry}: ${String(error)}`, {
      hint: 'The catalogue names the registry; ask your admin to create it (root-owned, mode 1777).',
      cause: error,
    });
  }
  let stopping: Promise<Usage> | null = null;
  return {
    endpoint,
    registration,
    stop: (reason) =>
      (stopping ??= (async () => {
        await unregister(registration, options.jobId, token);
        const usage = await server.close(new QrunError('TASK_CANCELLED', `the vqpu stopped: ${reason}`));
        await rm(dir, { recursive: true, force: true });
        return usage;
      })()),
  };
}
