/**
 * The hook's view of the gateway: start one gateway process per
 * QPU job at acquire, with the granted backends' catalogue entries and their resolved credentials;
 * stop it at release and hand its usage to Slurm.
 */
import { join } from 'node:path';
import type { BackendEntry } from '../backends/registry.js';
import { hookBackendFor } from '../backends/for-hook.js';
import { QrunError } from '../errors.js';
import { backendSecret } from '../secrets/for-backend.js';
import type { SecretValue } from '../secrets/value.js';
import { rm } from 'node:fs/promises';
import { gatewayAlive, gatewayDir, prepareGateway, stopGateway, type GatewayRecord, type StopGatewayResult } from './launch.js';
import type { UnixListener } from '../native/listen.js';
import { writeUsageRecord, writeUsageToSlurm, type SlurmUsageResult } from './slurm-usage.js';

export interface ProcessGatewayStart {
  readonly jobId: number;
  readonly uid: number;
  readonly gid: number;
  readonly token: string;
  readonly deadline: number | null;
  readonly serviceUser: string;
  readonly stateDir: string;
  /** `secret`: the credential acquire already resolved; resolved here from the entry's reference otherwise. */
  readonly backends: readonly { readonly alias: string; readonly entry: BackendEntry; readonly secret?: SecretValue | undefined }[];
  /** The vendor session each backend's acquire opened, by alias. */
  readonly sessions?: Readonly<Record<string, string | null>>;
  /** Journals the gateway's record before it can serve (launch.ts `onSpawn`). */
  readonly onSpawn?: ((record: GatewayRecord) => Promise<void>) | undefined;
  /** The process whose end means the job's end. */
  readonly watch?: { readonly pid: number; readonly start: number | null; readonly jobEnds: boolean } | undefined;
  /** A restart after the job's gateway died: count on from its usage. */
  readonly resumeUsage?: boolean | undefined;
}

export interface ProcessGatewayHandle {
  readonly endpoint: string;
  readonly pid: number | null;
  readonly record?: GatewayRecord | null | undefined;
}

/** A gateway ready to launch: its endpoint answers (calls wait in the backlog) before the process runs. */
export interface ProcessGatewayPrepared {
  readonly endpoint: string;
  launch(onSpawn?: (record: GatewayRecord) => Promise<void>): Promise<ProcessGatewayHandle>;
  abandon(): Promise<void>;
}

export interface ProcessGatewayStopReport extends StopGatewayResult {
  readonly slurm: SlurmUsageResult | null;
  /** Where the usage record was written, or null. */
  readonly record: string | null;
}

export interface ProcessGatewayOptions {
  /** The handler's own environment (fixed by the shim): SLURM_CONF, PATH, and env: secrets. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly runtimeRoot?: string;
  /** A socket binder no event loop accepts on (src/native/listen.ts): prepared gateways may then wait. */
  readonly listen?: UnixListener | undefined;
}

const GATEWAY_LOG = 'gateway.log';

/** The entry's type-specific fields: everything but what every entry has (and the secret reference). */
function backendSettings(entry: BackendEntry): Record<string, unknown> {
  const { type: _type, capacity: _capacity, secret: _secret, description: _description, metadata: _metadata, $comment: _comment, ...settings } = entry;
  return settings;
}

async function runsInJob(entry: BackendEntry): Promise<boolean> {
  return (await hookBackendFor(entry.type))?.runsInJob(entry) ?? false;
}

/** Where a job runs without a gateway: in its own process, on the built-in simulator. */
const LOCAL_ENDPOINT = 'local:';

export function processGateway(options: ProcessGatewayOptions) {
  const gateway = {
    /**
     * The gateway made ready (src/gateway/launch.ts prepareGateway): a handle at once where none
     * runs (`local:`), else the endpoint and a `launch` the caller runs when it chooses. With the
     * options' `listen` the launch may wait while the job is answered.
     */
    async prepare(request: ProcessGatewayStart): Promise<ProcessGatewayHandle | ProcessGatewayPrepared> {
      if (request.serviceUser === '') {
        // No service_user= in plugstack.conf: nothing may hold a credential for the job. What a
        // backend says runs in the job's own process is harmless there; anything else fails closed.
        const inJob = await Promise.all(request.backends.map(({ entry }) => runsInJob(entry)));
        const needGateway = request.backends.filter((_, i) => inJob[i] !== true).map(({ alias }) => alias);
        if (needGateway.length === 0) return { endpoint: LOCAL_ENDPOINT, pid: null, record: null };
        throw new QrunError('GATEWAY_FAILED', `backend ${needGateway.join(', ')} needs the job gateway, and plugstack.conf sets no service_user= for it to run as`, {
          hint: 'Add service_user=qpu-gateway (an unprivileged account) to the spank_qpu.so line of plugstack.conf.',
        });
      }
      const backends = [];
      for (const { alias, entry, secret: given } of request.backends) {
        const secret = entry.secret === undefined ? undefined : (given ?? (await backendSecret(alias, entry.secret, options.env)));
        backends.push({
          name: alias,
          type: entry.type,
          description: entry.description,
          metadata: entry.metadata,
          secret,
          secretRequired: entry.secret !== undefined,
          settings: backendSettings(entry),
          session: request.sessions?.[alias] ?? null,
        });
      }
      const prepared = await prepareGateway(
        {
          jobId: request.jobId,
          uid: request.uid,
          gid: request.gid,
          token: request.token,
          deadline: request.deadline,
          backends,
          serviceUser: request.serviceUser,
          stateDir: request.stateDir,
          logFile: join(request.stateDir, GATEWAY_LOG),
          slurmConf: options.env['SLURM_CONF'] ?? null,
          timeZone: options.env['TZ'],
          ...(request.onSpawn === undefined ? {} : { onSpawn: request.onSpawn }),
          ...(request.watch === undefined ? {} : { watch: request.watch }),
          ...(request.resumeUsage === true ? { resumeUsage: true } : {}),
          ...(options.runtimeRoot === undefined ? {} : { runtimeRoot: options.runtimeRoot }),
        },
        options.listen,
      );
      return {
        endpoint: prepared.endpoint,
        launch: async (onSpawn) => {
          const record = await prepared.launch(onSpawn);
          return { endpoint: record.endpoint, pid: record.pid, record };
        },
        abandon: () => prepared.abandon(),
      };
    },

    async start(request: ProcessGatewayStart): Promise<ProcessGatewayHandle> {
      const prepared = await gateway.prepare(request);
      return 'launch' in prepared ? prepared.launch() : prepared;
    },

    alive(record: GatewayRecord): boolean {
      return gatewayAlive(record);
    },

    async forget(jobId: number, stateDir: string): Promise<void> {
      await rm(gatewayDir({ jobId, stateDir, ...(options.runtimeRoot === undefined ? {} : { runtimeRoot: options.runtimeRoot }) }), { recursive: true, force: true });
    },

    async stop(handle: ProcessGatewayHandle): Promise<ProcessGatewayStopReport | undefined> {
      const record = handle.record;
      if (record === null || record === undefined) return undefined;
      const stopped = await stopGateway(record);
      if (stopped.usage === null) return { ...stopped, slurm: null, record: null };
      const [written, slurm] = await Promise.all([writeUsageRecord(record.stateDir, stopped.usage), writeUsageToSlurm(record.jobId, stopped.usage, options.env)]);
      return { ...stopped, slurm, record: written };
    },
  };
  return gateway;
}
