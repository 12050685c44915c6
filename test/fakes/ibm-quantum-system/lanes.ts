/**
 * Execution lanes: each backend runs at most `lanes` jobs at once; up to `queue` more wait (status
 * Queued) in arrival order; past that, POST /v1/jobs answers the lane-limit error (1232).
 */
import type { FakeBackend } from './backends.js';

export type Admission = 'run' | 'queue' | 'full';

export interface LaneUsage {
  readonly lanes: number;
  readonly queue: number;
  readonly running: readonly string[];
  readonly queued: readonly string[];
}

export class Lanes {
  readonly #running = new Map<string, string[]>();
  readonly #queued = new Map<string, string[]>();

  admission(backend: FakeBackend): Admission {
    const running = this.#running.get(backend.name) ?? [];
    const queued = this.#queued.get(backend.name) ?? [];
    if (running.length < backend.lanes && queued.length === 0) return 'run';
    if (queued.length < backend.queue) return 'queue';
    return 'full';
  }

  /** Takes a lane (or a queue place, per admission()). */
  admit(backend: FakeBackend, jobId: string, how: 'run' | 'queue'): void {
    const map = how === 'run' ? this.#running : this.#queued;
    map.set(backend.name, [...(map.get(backend.name) ?? []), jobId]);
  }

  /** Frees whatever the job held; returns the queued jobs that now get a lane, in order. */
  release(backend: FakeBackend, jobId: string): string[] {
    this.#running.set(backend.name, (this.#running.get(backend.name) ?? []).filter((id) => id !== jobId));
    this.#queued.set(backend.name, (this.#queued.get(backend.name) ?? []).filter((id) => id !== jobId));
    return this.promote(backend);
  }

  /** Moves queued jobs onto free lanes (also after a test raised the lane count). */
  promote(backend: FakeBackend): string[] {
    const running = this.#running.get(backend.name) ?? [];
    const queued = this.#queued.get(backend.name) ?? [];
    const started: string[] = [];
    while (running.length < backend.lanes && queued.length > 0) {
      const next = queued.shift();
      if (next === undefined) break;
      running.push(next);
      started.push(next);
    }
    this.#running.set(backend.name, running);
    this.#queued.set(backend.name, queued);
    return started;
  }

  usage(backend: FakeBackend): LaneUsage {
    return { lanes: backend.lanes, queue: backend.queue, running: [...(this.#running.get(backend.name) ?? [])], queued: [...(this.#queued.get(backend.name) ?? [])] };
  }
}
