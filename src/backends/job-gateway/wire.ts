/**
 * The result model (src/primitives/result-model.ts) as JSON on the gateway's wire: identical except
 * that each register's sample bytes travel as base64. The client turns it back into the model, so
 * `qrun` and the library render gateway results exactly as local ones.
 */
import type { EstimatorOutcome, PrimitiveOutcome, RegisterSamples, SamplerOutcome } from '../../primitives/result-model.js';
import { QrunError } from '../../errors.js';

/** Qiskit Runtime's job states. */
export type TaskStatus = 'Queued' | 'Running' | 'Completed' | 'Failed' | 'Cancelled';

export interface TaskView {
  readonly id: string;
  readonly program_id: 'sampler' | 'estimator' | 'native';
  readonly backend: string;
  readonly status: TaskStatus;
  readonly created: string;
  readonly started: string | null;
  readonly finished: string | null;
  readonly error: ReturnType<QrunError['toJSON']> | null;
  /** How long the task's vendor jobs may live (`job` unless asked). */
  readonly durability?: 'job' | 'resumable' | 'detached';
  /** The vendor's jobs for the task, once sent. */
  readonly vendor_jobs?: readonly { readonly program: 'sampler' | 'estimator'; readonly id: string }[];
  /** The vendor's word for where the job is (queued, running), when it says. */
  readonly vendor_state?: string | null;
  /** The gateway's binding of the vendor jobs to the owner (src/gateway/binding.ts); null until sent. */
  readonly binding?: string | null;
  readonly owner_uid?: number | null;
  readonly payload_digest?: string;
}

interface WireRegister extends Omit<RegisterSamples, 'bytes'> {
  readonly bytes: string;
}

export type WireOutcome =
  | (Omit<SamplerOutcome, 'pubs'> & { readonly pubs: readonly (Omit<SamplerOutcome['pubs'][number], 'registers'> & { readonly registers: readonly WireRegister[] })[] })
  | EstimatorOutcome;

export function outcomeToWire(outcome: PrimitiveOutcome): WireOutcome {
  if (outcome.kind === 'estimator') return outcome;
  return {
    ...outcome,
    pubs: outcome.pubs.map((pub) => ({
      ...pub,
      registers: pub.registers.map((r) => ({ ...r, bytes: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString('base64') })),
    })),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Trusts the gateway for the shape (it is this project's own code), checking only what decoding needs. */
export function outcomeFromWire(value: unknown): PrimitiveOutcome {
  if (!isRecord(value) || (value['kind'] !== 'sampler' && value['kind'] !== 'estimator') || !Array.isArray(value['pubs'])) {
    throw new QrunError('BACKEND_FAILED', 'the job gateway returned a result this qrun cannot read', {
      hint: 'qrun and the gateway come from different versions of slurm-qpu; ask your admin.',
    });
  }
  const wire = value as unknown as WireOutcome;
  if (wire.kind === 'estimator') return wire;
  return {
    ...wire,
    pubs: wire.pubs.map((pub) => ({
      ...pub,
      registers: pub.registers.map((r) => ({ ...r, bytes: new Uint8Array(Buffer.from(r.bytes, 'base64')) })),
    })),
  };
}
