/** A submitted primitive run: `await job.result()`, like Qiskit's RuntimeJobV2. */
import { randomUUID } from 'node:crypto';

export type JobStatus = 'RUNNING' | 'DONE' | 'ERROR';

export class PrimitiveJob<R> {
  readonly jobId: string;
  private readonly promise: Promise<R>;
  private state: JobStatus = 'RUNNING';

  constructor(work: () => Promise<R>) {
    this.jobId = randomUUID();
    this.promise = work();
    // Record the outcome; a failure is reported to whoever awaits result(), never as an unhandled rejection.
    this.promise.then(
      () => (this.state = 'DONE'),
      () => (this.state = 'ERROR'),
    );
  }

  status(): JobStatus {
    return this.state;
  }

  done(): boolean {
    return this.state !== 'RUNNING';
  }

  /** Resolves with the result, or rejects with the run's QrunError. */
  result(): Promise<R> {
    return this.promise;
  }
}
