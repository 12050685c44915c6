/**
 * The job's reservation of a QB device: a JSON web token (HS256, signed with the device's reservation
 * shared secret) whose claims name the reservation (`session_id`) and when it ends (`end_time`, epoch
 * seconds), the form Qristal's exclusive-access tokens take. The hook signs one per job at acquire;
 * the lease keeps only the claims (`sessionHandle`), and the gateway, which holds the same secret,
 * signs the same claims again, so the token itself is written nowhere.
 */
import { createHmac } from 'node:crypto';
import { QrunError } from '../../errors.js';
import type { SecretValue } from '../../secrets/value.js';

/** `iss` of every token this project signs. */
const TOKEN_ISSUER = 'slurm-qpu';
/** A job without a deadline (no time limit) holds the device this long, then the device frees itself. */
const DEFAULT_RESERVATION_SECONDS = 24 * 3600;

export interface Reservation {
  /** `slurm-job-<id>`: which job holds the device, as the device's operators see it. */
  readonly sessionId: string;
  /** Epoch seconds the reservation was asked for. */
  readonly requestedAt: number;
  /** Epoch seconds the reservation (and its token) ends: the job's deadline. */
  readonly endTime: number;
}

export function reservationFor(jobId: number, deadline: number | null, nowMs: number = Date.now()): Reservation {
  const requestedAt = Math.floor(nowMs / 1000);
  return { sessionId: `slurm-job-${jobId}`, requestedAt, endTime: deadline ?? requestedAt + DEFAULT_RESERVATION_SECONDS };
}

/** The lease's session string: the claims, no signature (`slurm-job-42/1700000000/1700003600`). */
export function sessionHandle(reservation: Reservation): string {
  return `${reservation.sessionId}/${reservation.requestedAt}/${reservation.endTime}`;
}

export function parseSessionHandle(handle: string, backend: string): Reservation {
  const match = /^(slurm-job-\d+)\/(\d+)\/(\d+)$/.exec(handle);
  if (match === null) {
    throw new QrunError('GATEWAY_CONFIG_INVALID', `backend ${backend}: the job's reservation ${JSON.stringify(handle)} is not one this version writes`, {
      hint: 'The hook and the gateway come from different installs of slurm-qpu; reinstall one version on the node.',
      details: { backend },
    });
  }
  return { sessionId: match[1] ?? '', requestedAt: Number(match[2]), endTime: Number(match[3]) };
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** The bearer token of the reservation: header.claims.signature, HS256 over the shared secret. */
export function reservationToken(reservation: Reservation, secret: SecretValue): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({ end_time: reservation.endTime, iss: TOKEN_ISSUER, requested_at: reservation.requestedAt, session_id: reservation.sessionId }),
  );
  const signature = createHmac('sha256', secret.reveal()).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${signature}`;
}
