/**
 * The job's bearer token (QRUN_TOKEN): `qpu1.<job id>.<uid>.<256 random bits, base64url>`. The job id
 * and uid in clear let a gateway say "this token belongs to job 12" instead of a bare refusal; they
 * grant nothing, because the gateway compares the whole token with the one it was started with, in
 * constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'qpu1';
const RANDOM_BYTES = 32;
const FORMAT = /^qpu1\.(\d{1,10})\.(\d{1,10})\.([A-Za-z0-9_-]{43})$/;

export function mintToken(jobId: number, uid: number): string {
  return `${PREFIX}.${jobId}.${uid}.${randomBytes(RANDOM_BYTES).toString('base64url')}`;
}

/** Job id and uid a well-formed token names, or null. Tells nothing about whether it is valid. */
export function tokenClaims(token: string): { jobId: number; uid: number } | null {
  const match = FORMAT.exec(token);
  if (match === null) return null;
  return { jobId: Number(match[1]), uid: Number(match[2]) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time in the token's content: both sides are hashed to 32 bytes first, so lengths leak nothing. */
export function tokensEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
