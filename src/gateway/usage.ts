/**
 * Metering: per backend, tasks by fate, shots run, wall time (submit → end) and device time (time the
 * backend spent executing). Shots and device time count only what ran to the end.
 */

export interface BackendUsage {
  tasks: number;
  completed: number;
  failed: number;
  cancelled: number;
  shots: number;
  wall_ms: number;
  device_ms: number;
}

export interface Usage {
  readonly job_id: number;
  readonly since: string;
  readonly backends: Record<string, BackendUsage>;
}

export type TaskFate = 'completed' | 'failed' | 'cancelled';

export class Meter {
  readonly #jobId: number;
  #since = new Date().toISOString();
  readonly #backends = new Map<string, BackendUsage>();

  constructor(jobId: number, backends: readonly string[]) {
    this.#jobId = jobId;
    for (const name of backends) this.#backends.set(name, { tasks: 0, completed: 0, failed: 0, cancelled: 0, shots: 0, wall_ms: 0, device_ms: 0 });
  }

  #of(backend: string): BackendUsage {
    let usage = this.#backends.get(backend);
    if (usage === undefined) {
      usage = { tasks: 0, completed: 0, failed: 0, cancelled: 0, shots: 0, wall_ms: 0, device_ms: 0 };
      this.#backends.set(backend, usage);
    }
    return usage;
  }

  /** Counts on from what a previous gateway of the job recorded before it died. */
  resume(previous: Usage): void {
    this.#since = previous.since;
    for (const [name, usage] of Object.entries(previous.backends)) {
      const mine = this.#of(name);
      for (const key of Object.keys(mine) as (keyof BackendUsage)[]) {
        const value = usage[key];
        if (typeof value === 'number' && Number.isFinite(value)) mine[key] += value;
      }
    }
  }

  submitted(backend: string): void {
    this.#of(backend).tasks += 1;
  }

  finished(backend: string, fate: TaskFate, measures: { wallMs: number; deviceMs: number; shots: number }): void {
    const usage = this.#of(backend);
    usage[fate] += 1;
    usage.wall_ms += Math.round(measures.wallMs);
    usage.device_ms += Math.round(measures.deviceMs);
    if (fate === 'completed') usage.shots += measures.shots;
  }

  snapshot(): Usage {
    const backends: Record<string, BackendUsage> = {};
    for (const [name, usage] of this.#backends) backends[name] = { ...usage };
    return { job_id: this.#jobId, since: this.#since, backends };
  }
}

/** One line for Slurm's AdminComment and the log: `qpu_usage={"sim":{"tasks":3,...}}`. */
export function usageComment(usage: Usage): string {
  return `qpu_usage=${JSON.stringify(usage.backends)}`;
}
