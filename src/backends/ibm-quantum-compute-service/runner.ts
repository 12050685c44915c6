/**
 * The gateway side of `ibm-quantum-compute-service`: one Runtime API client per granted backend
 * (kept for the job's life: its IAM token and connections are reused), the device's target read from
 * IBM and cached, and tasks run by the generic remote runner as `POST /v1/jobs` in the job's session.
 */
import { QrunError } from '../../errors.js';
import type { BackendMetadata } from '../metadata.js';
import { remoteRunner } from '../remote/index.js';
import type { GatewayBackend, RunnerContext, TaskRunner } from '../types.js';
import { createIbmApi, type IbmApi } from './api.js';
import type { IbmComputeSettings } from './schema.js';
import { cachedTarget, configurationToMetadata } from './target.js';

function settingsOf(backend: GatewayBackend): IbmComputeSettings {
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
  const session = s['session'];
  const proxy = s['https_proxy'];
  return {
    endpoint: text('endpoint'),
    auth_endpoint: text('auth_endpoint'),
    instance: text('instance'),
    device: typeof s['device'] === 'string' ? s['device'] : undefined,
    session: session === 'dedicated' || session === 'none' ? session : 'batch',
    https_proxy: typeof proxy === 'string' ? proxy : undefined,
  };
}

export function createIbmComputeRunner(context: RunnerContext = { deadline: null }): TaskRunner {
  const apis = new Map<string, IbmApi>();
  const targets = new Map<string, () => Promise<BackendMetadata>>();

  const apiFor = (backend: GatewayBackend): IbmApi => {
    const known = apis.get(backend.name);
    if (known !== undefined) return known;
    if (backend.secret === undefined || backend.secret.length === 0) {
      throw new QrunError('BACKEND_UNAVAILABLE', `backend ${backend.name} needs an IBM Cloud API key and the gateway was given none`, {
        hint: "Ask your admin to check the backend's secret reference (qrun admin check-config).",
        details: { backend: backend.name },
      });
    }
    const api = createIbmApi({
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

  return remoteRunner(
    {
      target(backend) {
        let target = targets.get(backend.name);
        if (target === undefined) {
          target = cachedTarget(async () => configurationToMetadata(await apiFor(backend).configuration(), backend.name));
          targets.set(backend.name, target);
        }
        return target();
      },
      tasks(backend) {
        const api = apiFor(backend);
        const session = backend.session ?? null;
        return {
          // IBM cancels a session's queued jobs when it closes (at the job's end): a job that must
          // outlive the Slurm job goes outside it.
          submit: (params, kind, signal, options) => api.submitJob(kind, params, options?.outlivesJob === true ? null : session, signal),
          status: (id, signal) => api.jobStatus(id, signal),
          result: (id, signal) => api.jobResults(id, signal),
          cancel: (id) => api.cancelJob(id),
        };
      },
      async close() {
        await Promise.all([...apis.values()].map((api) => api.close()));
      },
    },
    { logger: context.logger },
  );
}
