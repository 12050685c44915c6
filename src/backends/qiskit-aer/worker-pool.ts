/**
 * The gateway's Aer workers: one per granted `qiskit-aer` backend (each may name its own Python and
 * launcher), started by the first request that needs it and kept for the job's life, so a job's
 * tasks pay for importing Qiskit once. All stop when the gateway closes.
 */
import type { Logger } from '../../log/logger.js';
import { AerWorkerProcess, type WorkerEvent } from './worker-process.js';
import type { AerSettings } from './schema.js';

export interface AerWorkerPoolOptions {
  readonly logger?: Logger | undefined;
  /** worker.py's path; default the one shipped beside the module. */
  readonly script?: string | undefined;
  readonly startTimeoutMs?: number | undefined;
  readonly onEvent?: ((backend: string, event: WorkerEvent) => void) | undefined;
  /** The job the gateway serves: `{job_id}` in an MPI launcher's words becomes it. */
  readonly jobId?: number | undefined;
}

/** An MPI launcher's argv with `{job_id}` filled in (a launcher may place ranks on the job's nodes). */
export function launcherArgv(launcher: readonly string[], jobId: number | undefined): string[] {
  return launcher.map((word) => (jobId === undefined ? word : word.replaceAll('{job_id}', String(jobId))));
}

export class AerWorkerPool {
  private readonly workers = new Map<string, AerWorkerProcess>();

  constructor(private readonly options: AerWorkerPoolOptions = {}) {}

  /** The worker of backend `name`; created (not yet started) on first use. */
  worker(name: string, settings: Pick<AerSettings, 'python' | 'mpi'>): AerWorkerProcess {
    let worker = this.workers.get(name);
    if (worker === undefined) {
      worker = new AerWorkerProcess({
        name,
        python: settings.python,
        launcher: settings.mpi === undefined ? undefined : launcherArgv(settings.mpi.launcher, this.options.jobId),
        script: this.options.script,
        startTimeoutMs: this.options.startTimeoutMs,
        logger: this.options.logger,
        onEvent: this.options.onEvent === undefined ? undefined : (event) => this.options.onEvent?.(name, event),
      });
      this.workers.set(name, worker);
    }
    return worker;
  }

  /** The running worker's pid for backend `name`, or null. */
  pid(name: string): number | null {
    return this.workers.get(name)?.pid ?? null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.close()));
  }
}
