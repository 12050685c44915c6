/**
 * The gateway side of `qiskit-aer`: tasks are parsed and checked here, run through the project's one
 * primitive path (src/primitives/execute.ts, so the mitigation pipeline runs in the gateway), and
 * executed by the backend's long-lived Aer worker. The target is the catalogue's metadata, or what the
 * worker reads from Aer (cached for the job).
 */
import { QrunError } from '../../errors.js';
import { backendMetadataSchema, type BackendMetadata } from '../metadata.js';
import { parseTask, preparedBatch, runTask, type TaskParams } from '../task.js';
import type { GatewayBackend, RunnerContext, TaskRequest, TaskRunner } from '../types.js';
import { aerExecutor, checkAerBatch } from './executor.js';
import type { AerSettings } from './schema.js';
import { aerSettingsOf, workerConfig } from './settings.js';
import { AerWorkerPool } from './worker-pool.js';

export interface AerRunnerOptions {
  /** The workers; default a pool of its own, closed with the runner. */
  readonly pool?: AerWorkerPool | undefined;
}

/** The user's PUBs as they arrive, checked before the pipeline: most refusals need no pipeline at all. */
function preflight(params: TaskParams, request: TaskRequest, target: { name: string; metadata: BackendMetadata; settings: AerSettings }): void {
  checkAerBatch(preparedBatch(params, request), target);
}

export function createAerRunner(context: RunnerContext = { deadline: null }, options: AerRunnerOptions = {}): TaskRunner {
  const pool = options.pool ?? new AerWorkerPool({ logger: context.logger, jobId: context.jobId });
  const targets = new Map<string, Promise<BackendMetadata>>();

  const readTarget = async (backend: GatewayBackend, settings: AerSettings): Promise<BackendMetadata> => {
    const answer = await pool.worker(backend.name, settings).request({ kind: 'target', config: workerConfig(settings) });
    const parsed = backendMetadataSchema.safeParse(answer['target']);
    if (!parsed.success) {
      throw new QrunError('BACKEND_FAILED', `${backend.name}: the Aer worker described a target this version cannot read`, {
        hint: "Give the backend's metadata in the catalogue entry, and report it.",
        details: { backend: backend.name },
      });
    }
    return parsed.data;
  };

  const targetOf = (backend: GatewayBackend): Promise<BackendMetadata> => {
    // The catalogue's metadata, when the admin wrote one, overrides what Aer says.
    if (backend.metadata !== undefined) return Promise.resolve(backend.metadata);
    let target = targets.get(backend.name);
    if (target === undefined) {
      target = readTarget(backend, aerSettingsOf(backend));
      targets.set(backend.name, target);
      // A failure is not kept: the next task asks again (a worker that could not start may start later).
      target.catch(() => targets.delete(backend.name));
    }
    return target;
  };

  return {
    target: targetOf,
    async prepare(request, backend) {
      const settings = aerSettingsOf(backend);
      const params = parseTask(request, backend);
      const metadata = await targetOf(backend);
      preflight(params, request, { name: backend.name, metadata, settings });
      return {
        async run(signal) {
          if (signal.aborted) {
            const reason: unknown = signal.reason;
            throw reason instanceof QrunError ? reason : new QrunError('TASK_CANCELLED', `the task on ${backend.name} was cancelled before it ran`);
          }
          const executor = aerExecutor({ name: backend.name, metadata, settings, worker: pool.worker(backend.name, settings) }, signal);
          return runTask(params, executor, request);
        },
      };
    },
    close: () => pool.close(),
  };
}
