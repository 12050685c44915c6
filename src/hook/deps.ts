import type { Logger } from '../log/logger.js';
import type { BackendEntry, Catalogue } from '../config/catalogue.js';
import type { GatewayRecord } from '../gateway/launch.js';
import type { SecretValue } from '../secrets/value.js';
import type { StatePaths } from './paths.js';
import type { HookTrace } from './trace.js';
import type { SlurmJobSource } from '../slurm/job.js';
import type { JobPresence } from '../slurm/presence.js';
import type { AdminCommentUpdate } from '../slurm/admin-comment.js';

/**
 * The job's gateway as the hook sees it: started at acquire with the granted backends, stopped at
 * release. Where every backend runs in the job's own process it starts nothing (QRUN_ENDPOINT `local:`).
 */
interface GatewayStart {
  readonly jobId: number;
  readonly uid: number;
  readonly aliases: readonly string[];
  readonly token: string;
  readonly deadline: number | null;
  readonly serviceUser: string;
  /** The job's primary gid: group of the gateway's socket directory. */
  readonly gid: number;
  readonly stateDir: string;
  /** The granted backends' catalogue entries, with the credential acquire resolved. */
  readonly backends: readonly { readonly alias: string; readonly entry: BackendEntry; readonly secret?: SecretValue | undefined }[];
  /** The vendor session each backend's acquire opened, by alias. */
  readonly sessions?: Readonly<Record<string, string | null>>;
  /** Journals the gateway's record as soon as it has a pid, before it can serve. */
  readonly onSpawn?: ((record: GatewayRecord) => Promise<void>) | undefined;
  /** The process whose end means the job's end (the acquiring step's slurmstepd). */
  readonly watch?: { readonly pid: number; readonly start: number | null; readonly jobEnds: boolean } | undefined;
  /** A restart after the job's gateway died: count on from its usage. */
  readonly resumeUsage?: boolean | undefined;
}

interface GatewayHandle {
  /** What the job puts in QRUN_ENDPOINT: `local:`, `unix:/path` or `http://127.0.0.1:port`. */
  readonly endpoint: string;
  /** The gateway process, or null when none runs. */
  readonly pid: number | null;
  /** What src/gateway/launch.ts needs to stop it (socket, directory, process start time). */
  readonly record?: GatewayRecord | null | undefined;
}

/** What stopping a gateway found: how it ended and the job's usage (src/gateway/job-gateway.ts). */
interface GatewayStopReport {
  readonly how: string;
  readonly usage: { readonly backends: Readonly<Record<string, unknown>> } | null;
  readonly slurm: { readonly ok: boolean; readonly comment: string; readonly error?: string; readonly finished?: boolean } | null;
  /** The usage record under state_dir, or null. */
  readonly record?: string | null;
  /** Vendor jobs the job detached (they outlive it), by backend alias. */
  readonly detached?: ReadonlyMap<string, readonly string[]>;
}

/** A gateway whose endpoint already takes calls (they wait in its socket's backlog); `launch` runs it. */
export interface PreparedGateway {
  readonly endpoint: string;
  launch(onSpawn?: (record: GatewayRecord) => Promise<void>): Promise<GatewayHandle>;
  /** Closes the prepared socket without starting anything. */
  abandon(): Promise<void>;
}

interface JobGateway {
  start(request: GatewayStart): Promise<GatewayHandle>;
  /**
   * Everything of start but the process: a handle at once where none runs, else a prepared gateway.
   * Absent, or without `afterReply` in the deps: acquire starts the gateway before it answers.
   */
  prepare?(request: GatewayStart): Promise<GatewayHandle | PreparedGateway>;
  stop(handle: GatewayHandle): Promise<GatewayStopReport | undefined | void>;
  /** Whether the recorded gateway process still runs; absent: assumed so. */
  alive?(record: GatewayRecord): boolean;
  /** Removes what a gateway that never got a record may have left (its per-job directory). */
  forget?(jobId: number, stateDir: string): Promise<void>;
}

/** Everything acquire and release touch outside the state directory, injectable for tests. */
export interface HookDeps {
  readonly paths: StatePaths;
  readonly slurm: SlurmJobSource;
  /** Whether Slurm still runs a job (the reaper's one question; `unknown` touches nothing). */
  readonly presence: (jobId: number) => Promise<JobPresence>;
  readonly log: Logger;
  readonly loadCatalogue: (path: string) => Promise<Catalogue>;
  /** The job's gateway process (src/gateway/job-gateway.ts), whatever the backend types. */
  readonly gateway: JobGateway;
  /** Resolves a backend's credential reference (src/secrets/); the message names the backend. */
  readonly secretFor: (alias: string, reference: string) => Promise<SecretValue>;
  /** The job's bearer token: 256 random bits, bound to the job id and uid (src/gateway/token.ts). */
  readonly newToken: (jobId: number, uid: number) => string;
  readonly now: () => Date;
  /** How long to wait for another step of the same job holding its lock. */
  readonly lockWaitMs: number;
  /** The handler's parent (the step's slurmstepd) the gateway watches; absent in tests. */
  readonly stepProcess?: { readonly pid: number; readonly start: number | null } | undefined;
  /** Longest a vendor's release (cancel + close) may take before it is left for a later attempt. */
  readonly vendorReleaseMs?: number;
  /**
   * Rewrites our `key=` word in the job's AdminComment, keeping the rest (src/slurm/admin-comment.ts);
   * `render` gets the bytes left and returns the value, or null when nothing fits. Absent: not written.
   */
  readonly adminComment?: (jobId: number, key: string, render: (room: number) => string | null) => Promise<AdminCommentUpdate>;
  /**
   * Runs `work` once the reply has reached the shim (the node's resident hook service, which keeps
   * it in flight and makes the job's next hook wait for it). Absent in a handler process, which
   * exits after its reply: everything then happens before it.
   */
  readonly afterReply?: ((jobId: number, work: () => Promise<void>) => void) | undefined;
  /** Start-up trace marks (plugstack trace=yes, trace.ts); absent or a no-op otherwise. */
  readonly trace?: HookTrace | undefined;
}
