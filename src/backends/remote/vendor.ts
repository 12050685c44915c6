/**
 * What a vendor module gives the generic remote executor: four calls on the vendor's task API. The
 * vendor module owns the protocol (paths, auth, error bodies); the executor owns the life of a task
 * (submit, poll with backoff, decode, cancel on abort), so every vendor behaves the same to the job.
 */
import type { BackendMetadata } from '../metadata.js';
import type { PrimitiveKind } from '../../pipeline/types.js';
import type { PrimitiveOutcome } from '../../primitives/result-model.js';
import type { V2Params } from './params.js';

/** A vendor task's state, in the executor's words (each vendor maps its own spelling). */
export type VendorStatus =
  | { readonly state: 'queued' | 'running' | 'done' | 'cancelled' }
  | { readonly state: 'failed'; readonly reason: string; readonly code?: string | number | undefined };

export interface VendorTasks {
  /**
   * Submits one job of `kind` with these params; returns the vendor's job id. `outlivesJob`: the job
   * must survive the end of the Slurm job (send it outside the job's vendor session, if any).
   */
  submit(params: V2Params, kind: PrimitiveKind, signal: AbortSignal, options?: { readonly outlivesJob?: boolean }): Promise<string>;
  status(id: string, signal: AbortSignal): Promise<VendorStatus>;
  /** The finished job's result: RuntimeEncoder JSON (as text or parsed) of a PrimitiveResult, or an outcome. */
  result(id: string, signal: AbortSignal): Promise<unknown>;
  /** Cancels the job; must succeed (or do nothing) for a job that already ended. */
  cancel(id: string): Promise<void>;
}

export interface RemoteTarget extends VendorTasks {
  /** The backend's name as the job knows it (the catalogue alias). */
  readonly name: string;
  /** The device's target: the fit check runs against it before anything is sent. */
  readonly metadata: BackendMetadata;
}

export type { PrimitiveOutcome };
