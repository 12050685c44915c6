/**
 * The gateway side of `pasqal-cloud`: one API client per granted backend (kept for the job's life:
 * its token and connections are reused), the device's specs read and cached as the target, and each
 * `native` task run as one closed Pasqal batch of one job: created, polled (0.5 s growing to 10 s),
 * its counter fetched, or cancelled at Pasqal when the task is aborted (scancel, the job's end, a
 * client's cancel). Sampler and Estimator tasks are refused: the device is analog.
 */
import { QrunError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { countsToOutcome } from '../../programs/counts.js';
import { parseNativePayload, withShots } from '../../programs/envelope.js';
import { analogRefusal } from '../../programs/kinds.js';
import { atomIds } from '../../programs/pulser.js';
import type { SamplerOutcome } from '../../primitives/result-model.js';
import { cancelledError, DEFAULT_POLL, pollDelay, type PollPolicy } from '../remote/index.js';
import { waitOrAbort } from '../remote/poll.js';
import type { GatewayBackend, RunnerContext, TaskRunner } from '../types.js';
import { createPasqalApi, isFinalBatch, jobTag, type PasqalApi } from './api.js';
import { checkSequenceFits } from './fit.js';
import type { PasqalCloudSettings } from './schema.js';
import { cachedDevice, deviceMetadata, withCatalogueLimits, type PasqalDevice } from './target.js';

export interface PasqalRunnerOptions {
  readonly poll?: PollPolicy | undefined;
}

function settingsOf(backend: GatewayBackend): PasqalCloudSettings {
  const s = backend.settings ?? {};
  const text = (key: string): string => {
    const value = s[key];
    if (typeof value !== 'string' || value === '') {
      throw new QrunError('GATEWAY_CONFIG_INVALID', `backend ${backend.name}: the gateway was given no ${key}`, {
        hint: 'The hook and the gateway come from different installs of slurm-qpu; reinstall one version on the node.',
      });
    }
    return value;
  };
  const proxy = s['https_proxy'];
  return {
    endpoint: text('endpoint'),
    auth_endpoint: text('auth_endpoint'),
    audience: text('audience'),
    client_id: text('client_id'),
    project_id: text('project_id'),
    device: text('device'),
    https_proxy: typeof proxy === 'string' ? proxy : undefined,
  };
}

function failed(backend: string, batch: string, status: string, reasons: readonly string[]): QrunError {
  const reason = reasons.length > 0 ? reasons.join('; ') : status === 'TIMED_OUT' ? 'the batch was not run before Pasqal timed it out' : 'Pasqal gives no reason';
  return new QrunError('BACKEND_FAILED', `${backend} failed Pasqal batch ${batch} (${status}): ${reason}`, {
    hint:
      status === 'TIMED_OUT'
        ? 'The device did not take the batch in time (maintenance, a long queue); submit again later.'
        : 'Pasqal ran the batch and reported this failure; fix what it names (often a pulse the device cannot play) and submit again.',
    details: { backend, batch_id: batch, status, reasons: [...reasons] },
  });
}

async function runBatch(
  api: PasqalApi,
  backend: GatewayBackend,
  payload: ReturnType<typeof parseNativePayload>,
  device: PasqalDevice,
  signal: AbortSignal,
  policy: PollPolicy,
  jobId: number | undefined,
  log: Logger | undefined,
): Promise<SamplerOutcome> {
  if (signal.aborted) throw cancelledError(signal, backend.name);
  const batch = await api.createBatch(
    { sequence: JSON.stringify(payload.sequence), runs: payload.shots, variables: payload.variables, tags: jobId === undefined ? [] : [jobTag(jobId)] },
    signal,
  );
  log?.info({ batchId: batch.id, runs: payload.shots }, 'vendor batch created');
  let final = false;
  try {
    let last = '';
    for (let attempt = 0; ; attempt++) {
      await waitOrAbort(pollDelay(policy, attempt), signal);
      const status = await api.batchStatus(batch.id, signal);
      if (status !== last) {
        last = status;
        log?.info({ batchId: batch.id, status }, 'vendor batch state');
      }
      if (!isFinalBatch(status)) continue;
      final = true;
      const jobId = batch.jobIds[0] ?? '';
      if (status === 'CANCELED') {
        throw new QrunError('TASK_CANCELLED', `${backend.name}: Pasqal batch ${batch.id} was cancelled at Pasqal`, {
          hint: 'The batch was cancelled outside this task (at the Pasqal portal, or the QPU job ended); submit again.',
          details: { backend: backend.name, batch_id: batch.id },
        });
      }
      if (status !== 'DONE') throw failed(backend.name, batch.id, status, status === 'ERROR' ? (await api.job(jobId, signal)).errors : []);
      const counts = await api.jobCounter(jobId, signal);
      return countsToOutcome(
        {
          counts,
          atoms: atomIds(payload.sequence),
          register: 'atoms',
          metadata: { backend: backend.name, device: device.type, batch_id: batch.id, job_id: jobId, job_ids: [jobId] },
        },
        backend.name,
      );
    }
  } catch (error) {
    if (!final) {
      try {
        await api.cancelBatch(batch.id);
        log?.info({ batchId: batch.id }, 'vendor batch cancelled');
      } catch (cancelError) {
        log?.warn({ err: cancelError, batchId: batch.id }, 'cannot cancel vendor batch');
      }
    }
    if (signal.aborted) throw cancelledError(signal, backend.name);
    throw error;
  }
}

export function createPasqalRunner(context: RunnerContext = { deadline: null }, options: PasqalRunnerOptions = {}): TaskRunner {
  const apis = new Map<string, PasqalApi>();
  const devices = new Map<string, () => Promise<PasqalDevice>>();
  const policy = options.poll ?? DEFAULT_POLL;

  const apiFor = (backend: GatewayBackend): PasqalApi => {
    const known = apis.get(backend.name);
    if (known !== undefined) return known;
    if (backend.secret === undefined || backend.secret.length === 0) {
      throw new QrunError('BACKEND_UNAVAILABLE', `backend ${backend.name} needs its Pasqal client secret and the gateway was given none`, {
        hint: "Ask your admin to check the backend's secret reference (qrun admin check-config).",
        details: { backend: backend.name },
      });
    }
    const api = createPasqalApi({
      alias: backend.name,
      settings: settingsOf(backend),
      secret: backend.secret,
      deadline: context.deadline === null ? undefined : context.deadline * 1000,
      backoffDir: context.backoffDir,
      logger: context.logger,
    });
    apis.set(backend.name, api);
    return api;
  };

  const deviceOf = async (backend: GatewayBackend): Promise<PasqalDevice> => {
    let read = devices.get(backend.name);
    if (read === undefined) {
      read = cachedDevice(() => apiFor(backend).deviceSpecs());
      devices.set(backend.name, read);
    }
    return withCatalogueLimits(await read(), backend.metadata);
  };

  return {
    async target(backend) {
      return deviceMetadata(await deviceOf(backend));
    },
    async prepare(request, backend) {
      if (request.programId !== 'native') throw analogRefusal(backend, request.programId, ['pulser']);
      const payload = withShots(parseNativePayload(request.params), request.options.shots);
      const api = apiFor(backend);
      const device = await deviceOf(backend);
      checkSequenceFits(payload, device, backend.name);
      const log = context.logger?.child({ backend: backend.name });
      return { run: (signal) => runBatch(api, backend, payload, device, signal, policy, context.jobId, log) };
    },
    async close() {
      await Promise.all([...apis.values()].map((api) => api.close()));
    },
  };
}
