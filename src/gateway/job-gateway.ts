/**
 * The hook's view of the gateway (the seam in src/hook/gateway.ts): start one gateway process per
 * QPU job at acquire, with the granted backends' catalogue entries and their resolved credentials;
 * stop it at release and hand its usage to Slurm.
 */
import { join } from 'node:path';
import type { BackendEntry } from '../config/catalogue.js';
import { QrunError } from '../errors.js';
import { resolveSecret } from '../secrets/resolve.js';
import type { SecretValue } from '../secrets/value.js';
import { startGateway, stopGateway, type GatewayRecord, type StopGatewayResult } from './launch.js';
import { writeUsageRecord, writeUsageToSlurm, type SlurmUsageResult } from './slurm-usage.js';

export interface ProcessGatewayStart {
  readonly jobId: number;
  readonly uid: number;
  readonly gid: number;
  readonly token: string;
  readonly deadline: number | null;
  readonly serviceUser: string;
  readonly stateDir: string;
  readonly backends: readonly { readonly alias: string; readonly entry: BackendEntry }[];
}

export interface ProcessGatewayHandle {
  readonly endpoint: string;
  readonly pid: number | null;
  readonly record?: GatewayRecord | null | undefined;
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
}

export const GATEWAY_LOG = 'gateway.log';

/**
 * The hook shows an acquire failure's message (not its hint) to the user, so the fix goes into the
 * message: "backend sim: secret file ... has mode 0644 ...; fix: chmod 600 ...".
 */
async function secretFor(alias: string, reference: string, env: Readonly<Record<string, string | undefined>>): Promise<SecretValue> {
  try {
    return await resolveSecret(reference, { env });
  } catch (error) {
    if (!(error instanceof QrunError)) throw error;
    const fix = error.hint === undefined ? '' : `; fix: ${error.hint}`;
    throw new QrunError(error.code, `backend ${alias}: ${error.message}${fix}`, { cause: error, ...(error.hint === undefined ? {} : { hint: error.hint }) });
  }
}

/** Where a job runs without a gateway: in its own process, on the built-in simulator. */
export const LOCAL_ENDPOINT = 'local:';

export function processGateway(options: ProcessGatewayOptions) {
  return {
    async start(request: ProcessGatewayStart): Promise<ProcessGatewayHandle> {
      if (request.serviceUser === '') {
        // No service_user= in plugstack.conf: nothing may hold a credential for the job. Simulators
        // without one are harmless in the job's own process; anything else fails closed.
        const needGateway = request.backends.filter(({ entry }) => entry.type !== 'sim' || entry.secret !== undefined).map(({ alias }) => alias);
        if (needGateway.length === 0) return { endpoint: LOCAL_ENDPOINT, pid: null, record: null };
        throw new QrunError('GATEWAY_FAILED', `backend ${needGateway.join(', ')} needs the job gateway, and plugstack.conf sets no service_user= for it to run as`, {
          hint: 'Add service_user=qpu-gateway (an unprivileged account) to the spank_qpu.so line of plugstack.conf.',
        });
      }
      const backends = [];
      for (const { alias, entry } of request.backends) {
        const secret = entry.secret === undefined ? undefined : await secretFor(alias, entry.secret, options.env);
        backends.push({ name: alias, type: entry.type, description: entry.description, metadata: entry.metadata, secret, secretRequired: entry.secret !== undefined });
      }
      const record = await startGateway({
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
        ...(options.runtimeRoot === undefined ? {} : { runtimeRoot: options.runtimeRoot }),
      });
      return { endpoint: record.endpoint, pid: record.pid, record };
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
}
