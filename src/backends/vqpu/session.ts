/**
 * What the hook hands the job's gateway for a vqpu, in the backend's `session` (the lease journal is
 * root's, the gateway's pipe is private): where the served simulator listens and its token.
 */
import { QrunError } from '../../errors.js';

export interface VqpuSession {
  readonly endpoint: string;
  readonly token: string;
  readonly servingJob: number;
  readonly qubits: number;
}

export function encodeSession(session: VqpuSession): string {
  return JSON.stringify(session);
}

export function decodeSession(alias: string, raw: string | null | undefined): VqpuSession {
  try {
    const value = JSON.parse(raw ?? '') as Partial<VqpuSession>;
    if (typeof value.endpoint === 'string' && typeof value.token === 'string' && typeof value.servingJob === 'number' && typeof value.qubits === 'number') {
      return value as VqpuSession;
    }
  } catch {
    // fall through
  }
  throw new QrunError('VQPU_NOT_SERVED', `the gateway was started without the endpoint of vqpu ${alias}`, {
    hint: 'The job acquired it without a registration; resubmit the job once the serving job runs.',
  });
}
