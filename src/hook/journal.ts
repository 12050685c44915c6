import { readFileSync } from 'node:fs';
import type { GatewayRecord } from '../gateway/launch.js';
import { QrunError } from '../errors.js';
import { ensurePrivateDir, inPrivateDir, isErrno, numberedNamesIn, replaceFileSync, unlinkFileSync, writeFileAtomic } from './fsutil.js';
import { leaseFile, type StatePaths } from './paths.js';

/**
 * The lease journal: one file per job on this node saying what the job holds, so release knows what
 * to give back, whoever runs it (the job's epilog, a later acquire, the reaper) and however the last
 * handler died. Every step is written down BEFORE it is taken, always atomically:
 *
 *   acquiring ─ lane claimed + session opening → open + gateway starting → running + held
 *       │                                                                             │
 *       └──────────────(a failure or a crash at any point: undo)──────→ releasing ←───┘ (release)
 *
 * (a `+` is one write: nothing outside the file happens between the two, so they share its fsyncs)
 *                                                                          │
 *        gateway stopped (usage recorded) ─ lanes freed ─ sessions closed ─ file removed
 *
 * A crash leaves the file in the state of its last step, and the next handler continues from
 * there: it knows which lane, which session and which gateway (pid and start time) to give back,
 * and which it already gave back, so nothing is released twice. See docs/reliability.md.
 *
 * A process crash keeps every write (the page cache outlives the process). A power cut ends every
 * job on the node with it, their lanes and gateways included; what outlives it is a vendor
 * session. So a lease that names one (`opening`, an id) is fsynced at each write, before the
 * vendor is asked, and every other lease is written without fsync (durableLease).
 */

const LEASE_VERSION = 1;

export interface LeaseBackend {
  readonly alias: string;
  readonly type: string;
  /** The Slurm capacity the job holds for it. */
  readonly capacity: { readonly kind: 'gres' | 'license'; readonly name: string };
  /** Local lane index (sim), or null. */
  readonly lane: number | null;
  /** The vendor session id, or null when the backend has none. */
  readonly session: string | null;
  /**
   * Where the vendor session is: `opening` was written before asking the vendor (a crash then
   * leaves one whose id is unknown, which the vendor ends at its max_ttl), `closed` after release
   * closed it. Absent in leases written before the journal had states: read as open when `session`
   * is set.
   */
  readonly sessionState?: SessionState;
  /** Failed attempts to close the session at release (a vendor that hangs or answers 5xx). */
  readonly closeAttempts?: number;
  /** Vendor jobs the job detached: release closes the session without cancelling them. */
  readonly keep?: readonly string[];
}

export type SessionState = 'none' | 'opening' | 'open' | 'closed';
export type GatewayState = 'none' | 'starting' | 'running' | 'stopped';
export type LeaseState = 'acquiring' | 'held' | 'releasing';

export interface Lease {
  readonly version: number;
  readonly jobId: number;
  readonly uid: number;
  readonly gid: number;
  readonly hostname: string;
  readonly state: LeaseState;
  readonly backends: readonly LeaseBackend[];
  /** Job-scoped bearer token (256 random bits, hex). The file is root-only. */
  readonly token: string;
  readonly endpoint: string;
  /** Epoch seconds when the allocation ends, or null when Slurm sets no end. */
  readonly deadline: number | null;
  /** The job gateway's pid, or null when none runs (sim backends run in-process: `local:`). */
  readonly gatewayPid: number | null;
  /** The running gateway: pid, process start time, socket, directory, start time (src/gateway/launch.ts). */
  readonly gateway?: GatewayRecord | null;
  /** `starting` is written before the gateway is spawned, the record as soon as it has a pid (before it can serve). */
  readonly gatewayState?: GatewayState;
  /** How often the gateway was restarted after it died (at most once per job). */
  readonly gatewayRestarts?: number;
  /** The catalogue the lease was acquired with: release and the reaper close sessions with its entries. */
  readonly catalogue?: string;
  /** Why it is being released: `epilog`, `reaper`, `acquire-failed`, `acquire-recovery`. */
  readonly releaseReason?: string;
  readonly acquiredAt: string;
  /** Step that acquired, e.g. `batch` or `0`. */
  readonly acquiredBy: string;
}

function isLease(value: unknown): value is Lease {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === LEASE_VERSION &&
    typeof v.jobId === 'number' &&
    (v.state === 'acquiring' || v.state === 'held' || v.state === 'releasing') &&
    Array.isArray(v.backends) &&
    typeof v.token === 'string'
  );
}

export class CorruptLeaseError extends QrunError {
  constructor(message: string) {
    super('LEASE_CORRUPT', message, { hint: "Release (the job's epilog) frees the job's lanes and removes the file." });
  }
}

export async function readLease(paths: StatePaths, jobId: number): Promise<Lease | undefined> {
  let text: string;
  try {
    text = readFileSync(leaseFile(paths, jobId), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CorruptLeaseError(`${leaseFile(paths, jobId)} is not JSON`);
  }
  if (!isLease(data) || data.jobId !== jobId) throw new CorruptLeaseError(`${leaseFile(paths, jobId)} is not a lease of job ${jobId}`);
  return data;
}

/**
 * Whether the lease must survive a power cut: it names a vendor session (being opened, open or
 * closed), which outlives the node and is closed after the reboot from this record. Once a
 * session is named every later write is durable too, so a non-durable rewrite can never replace
 * the record of an open session by an empty file.
 */
export function durableLease(lease: Lease): boolean {
  return lease.backends.some((b) => b.session !== null || b.sessionState === 'opening' || b.sessionState === 'open');
}

export async function writeLease(paths: StatePaths, lease: Lease): Promise<void> {
  const path = leaseFile(paths, lease.jobId);
  const text = `${JSON.stringify(lease, null, 2)}\n`;
  if (durableLease(lease)) {
    await ensurePrivateDir(paths.leases);
    await writeFileAtomic(path, text);
    return;
  }
  inPrivateDir(paths.leases, () => replaceFileSync(path, text));
}

/** Whether the backend's vendor session is (or may be) open: what release must still close. */
export function sessionOpen(backend: LeaseBackend): boolean {
  const state = backend.sessionState ?? (backend.session === null ? 'none' : 'open');
  return state === 'open' && backend.session !== null;
}

/**
 * Removes the job's lease; true when there was one. Not fsynced: a lease a power cut brings back
 * is one whose release had finished (its sessions closed, as its last durable write says), and
 * the reaper at slurmd's start removes it again without asking any vendor.
 */
export async function removeLease(paths: StatePaths, jobId: number): Promise<boolean> {
  try {
    unlinkFileSync(leaseFile(paths, jobId));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
  return true;
}

/** Job ids with a lease on this node. */
export async function listLeases(paths: StatePaths): Promise<number[]> {
  return Promise.resolve(numberedNamesIn(paths.leases, '.json'));
}
