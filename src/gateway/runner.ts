/**
 * How the gateway runs a task on a backend, by backend type. `sim` runs in the gateway process on
 * the built-in engine, through the same entry points as a local run (src/primitives/run.ts), so the
 * circuit-fit check against the catalogue's metadata happens before any engine time is spent.
 * Vendor types add a runner here that forwards to their adapter.
 */
import { QrunError } from '../errors.js';
import { getEngine } from '../primitives/engine.js';
import { parseEstimatorParams, parseSamplerParams } from '../primitives/payload.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import { runEstimator, runSampler, type RunOptions } from '../primitives/run.js';
import type { Engine } from '../sim/api.js';
import type { GatewayBackend } from './config.js';
import type { TaskRequest } from './request.js';

export interface PreparedTask {
  run(signal: AbortSignal): Promise<PrimitiveOutcome>;
}

export interface TaskRunner {
  /** Checks the payload and the backend's preconditions; throws a coded error (HTTP 4xx/5xx) now, not later. */
  prepare(request: TaskRequest, backend: GatewayBackend): PreparedTask | Promise<PreparedTask>;
}

function cancelled(): QrunError {
  return new QrunError('TASK_CANCELLED', 'the task was cancelled');
}

export function createSimRunner(engine: Engine = getEngine({})): TaskRunner {
  return {
    prepare(request, backend) {
      if (backend.secretRequired && (backend.secret === undefined || backend.secret.length === 0)) {
        throw new QrunError('BACKEND_UNAVAILABLE', `backend ${backend.name} needs a credential and the gateway was given none`, {
          hint: "The catalogue names a secret for this backend that could not be resolved at job start; ask your admin to check it (qrun admin check-config).",
        });
      }
      const payload = { program_id: request.programId, parameters: request.params };
      const params = request.programId === 'sampler' ? parseSamplerParams(payload) : parseEstimatorParams(payload);
      return {
        async run(signal) {
          if (signal.aborted) throw cancelled();
          const options: RunOptions = {
            selected: { kind: 'local', name: backend.name, metadata: backend.metadata, engine },
            seed: request.options.seed,
            shots: request.options.shots,
            precision: request.options.precision,
            mitigation: request.options.mitigation,
            onProgress: () => {
              if (signal.aborted) throw cancelled();
            },
          };
          return params.kind === 'sampler' ? runSampler(params, options) : runEstimator(params, options);
        },
      };
    },
  };
}
