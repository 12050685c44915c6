/**
 * A task's binding: the gateway's HMAC over (backend, owner uid, request digest, vendor jobs), keyed
 * by a key derived from the backend's vendor credential. Every gateway that holds that credential —
 * this job's, a later job's, on any node — can check it, and nobody without the credential (the
 * job's user included) can make one: so a later job re-attaches to a vendor job only with a record
 * its own user was given, and a record copied to another user names a uid their gateway refuses.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretValue } from '../secrets/value.js';
import type { VendorJobRef } from '../tasks/record.js';

const CONTEXT = 'slurm-qpu task binding v1';

export interface BindingClaims {
  readonly backend: string;
  readonly ownerUid: number;
  readonly digest: string;
  readonly vendorJobs: readonly VendorJobRef[];
}

function keyOf(secret: SecretValue): Buffer {
  return createHash('sha256').update(`${CONTEXT}\0`, 'utf8').update(secret.reveal(), 'utf8').digest();
}

function message(claims: BindingClaims): string {
  const jobs = claims.vendorJobs.map((j) => `${j.program}:${j.id}`).sort();
  return JSON.stringify([claims.backend, claims.ownerUid, claims.digest, jobs]);
}

export function signBinding(secret: SecretValue, claims: BindingClaims): string {
  return createHmac('sha256', keyOf(secret)).update(message(claims), 'utf8').digest('base64url');
}

export function bindingValid(secret: SecretValue, claims: BindingClaims, binding: string): boolean {
  const expected = Buffer.from(signBinding(secret, claims), 'utf8');
  const presented = Buffer.from(binding, 'utf8');
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
