/**
 * The gateway side of `qristal`: one client per granted backend, carrying the job's reservation
 * token (signed again here from the lease's claims and the shared secret), the device's target read
 * from its native-gates list and cached, and sampler tasks run by the generic remote runner as QB
 * circuits (jobs.ts). The device only samples: an Estimator task is refused before anything is sent.
 */
import { QrunError } from '../../errors.js';
import type { BackendMetadata } from '../metadata.js';
import { primitiveUnsupported } from '../../primitives/errors.js';
import { remoteRunner } from '../remote/index.js';
import { parseTask, preparedBatch } from '../task.js';
import type { GatewayBackend, RunnerContext, TaskRunner } from '../types.js';
import { createQristalApi, type QristalApi } from './api.js';
import { createQristalJobs } from './jobs.js';
import { checkNative } from './native.js';
import { parseSessionHandle, reservationToken } from './reservation.js';
import { QRISTAL_MODELS, QRISTAL_TYPE, type QristalModel, type QristalSettings } from './schema.js';
import { cachedTarget, nativeGatesToMetadata } from './target.js';

function settingsOf(backend: GatewayBackend): QristalSettings {
  const s = backend.settings ?? {};
  const endpoint = s['endpoint'];
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new QrunError('GATEWAY_CONFIG_INVALID', `backend ${backend.name}: the gateway was given no endpoint`, {
      hint: 'The hook and the gateway come from different installs of slurm-qpu; reinstall one version on the node.',
    });
  }
  const model = QRISTAL_MODELS.includes(s['model'] as QristalModel) ? (s['model'] as QristalModel) : 'QB-QDK2-CZ';
  const topups = s['shot_topups'];
  const proxy = s['https_proxy'];
  return {
    endpoint,
    device: typeof s['device'] === 'string' ? s['device'] : undefined,
    model,
    shot_topups: typeof topups === 'number' ? topups : 3,
    https_proxy: typeof proxy === 'string' ? proxy : undefined,
  };
}

/** The bearer token of the job's reservation, or undefined for a device used unreserved. */
function tokenOf(backend: GatewayBackend): string | undefined {
  if (backend.secret === undefined || backend.secret.length === 0) return undefined;
  if (backend.session === undefined || backend.session === null) {
    throw new QrunError('BACKEND_UNAVAILABLE', `backend ${backend.name} holds no reservation of the device for this job`, {
      hint: 'The QPU hook did not reserve the device at job start; submit the job again, and ask your admin to check the hook log if it persists.',
      details: { backend: backend.name },
    });
  }
  return reservationToken(parseSessionHandle(backend.session, backend.name), backend.secret);
}

function refuseEstimator(backend: string): QrunError {
  return primitiveUnsupported({
    backend: { name: backend, type: QRISTAL_TYPE },
    primitive: 'estimator',
    runs: 'only the Sampler',
    why: 'a Quantum Brilliance device returns measured shots, not expectation values',
    instead: 'Run a Sampler on the circuit measured in the basis of each Pauli term and compute the expectation values from the counts, or run the Estimator on another backend.',
    details: { program: 'estimator' },
  });
}

export function createQristalRunner(context: RunnerContext = { deadline: null }): TaskRunner {
  const apis = new Map<string, QristalApi>();
  const targets = new Map<string, () => Promise<BackendMetadata>>();
  const jobsOf = new Map<string, ReturnType<typeof createQristalJobs>>();

  const apiFor = (backend: GatewayBackend): QristalApi => {
    let api = apis.get(backend.name);
    if (api === undefined) {
      api = createQristalApi({
        alias: backend.name,
        settings: settingsOf(backend),
        token: tokenOf(backend),
        deadline: context.deadline === null ? undefined : context.deadline * 1000,
        backoffDir: context.backoffDir,
        logger: context.logger,
      });
      apis.set(backend.name, api);
    }
    return api;
  };

  const jobsFor = (backend: GatewayBackend): ReturnType<typeof createQristalJobs> => {
    let jobs = jobsOf.get(backend.name);
    if (jobs === undefined) {
      const settings = settingsOf(backend);
      jobs = createQristalJobs({ api: apiFor(backend), backend: backend.name, model: settings.model, shotTopups: settings.shot_topups, logger: context.logger });
      jobsOf.set(backend.name, jobs);
    }
    return jobs;
  };

  const remote = remoteRunner(
    {
      target(backend) {
        let target = targets.get(backend.name);
        if (target === undefined) {
          const { model } = settingsOf(backend);
          target = cachedTarget(async () => nativeGatesToMetadata(await apiFor(backend).nativeGates(), model, backend.name));
          targets.set(backend.name, target);
        }
        return target();
      },
      tasks(backend) {
        const jobs = jobsFor(backend);
        return {
          submit: (params, kind, signal) => (kind === 'sampler' ? jobs.submit(params, signal) : Promise.reject(refuseEstimator(backend.name))),
          status: (id, signal) => jobs.status(id, signal),
          result: (id) => jobs.result(id),
          cancel: (id) => jobs.cancel(id),
        };
      },
      async close() {
        await Promise.all([...apis.values()].map((api) => api.close()));
      },
    },
    { logger: context.logger, credentialOptional: true },
  );

  return {
    ...remote,
    prepare(request, backend) {
      if (request.programId === 'estimator') throw refuseEstimator(backend.name);
      // What the device cannot express at all is refused here, before the pipeline and the device see it.
      const batch = preparedBatch(parseTask(request, backend), request);
      for (const pub of batch.sampler) checkNative(pub.circuit, backend.name, pub.index);
      return remote.prepare(request, backend);
    },
  };
}
