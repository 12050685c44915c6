/**
 * The backend seam: what one catalogue type (`sim`, and each vendor) gives the rest of the project.
 * Every backend is one folder under src/backends/ exporting a `Backend`, listed once in registry.ts.
 *
 * - The catalogue composes each backend's `entrySchema` (src/config/catalogue.ts).
 * - The hook (root, at job start and end) calls `accessible`, `acquire` and `release`.
 * - The job's gateway (the service user, while the job runs) asks for a `runner`: the device's target
 *   and the tasks it runs (submit, status, result and cancel live inside a prepared task's `run`).
 *
 * This file imports nothing of the project's but types that depend on nothing else, so any module may
 * import it without forming an import circle.
 */
import type { z } from 'zod';
import type { Logger } from '../log/logger.js';
import type { BackendMetadata } from './metadata.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import type { SecretValue } from '../secrets/value.js';

/** Fields every catalogue entry has, whatever its type (src/backends/entry.ts checks them). */
interface EntryBase {
  readonly type: string;
  readonly capacity: { readonly gres?: string | undefined; readonly license?: string | undefined; readonly lanes: number };
  readonly secret?: string | undefined;
  readonly description?: string | undefined;
  readonly metadata?: BackendMetadata | undefined;
}

/** What the hook gives a backend when a job acquires it. */
export interface AcquireContext<Entry extends EntryBase = EntryBase> {
  readonly jobId: number;
  readonly alias: string;
  readonly entry: Entry;
  /** Epoch seconds when the allocation ends, or null. */
  readonly deadline: number | null;
  /** The resolved credential, when the entry names one. */
  readonly secret: SecretValue | undefined;
  /** The hook's state directory (root-owned): vendor HTTP clients share their backoff under it. */
  readonly stateDir?: string | undefined;
  readonly logger?: Logger | undefined;
  /** The job's uid (a vqpu is found by its user's registration). */
  readonly uid?: number | undefined;
  /** Asks slurmctld about another job (a vqpu's serving job). */
  readonly slurmJob?: ((jobId: number) => Promise<{ readonly uid: number; readonly state: string; readonly batchHost?: string | null }>) | undefined;
}

/** What `acquire` opened for the job (recorded in the lease, so release finds it after a crash). */
interface SessionHandle {
  /** The vendor's session id, or null when the backend has none. */
  readonly session: string | null;
}

export interface ReleaseContext<Entry extends EntryBase = EntryBase> {
  readonly jobId: number;
  readonly alias: string;
  /** The catalogue entry as it is now, or undefined when the alias left the catalogue. */
  readonly entry: Entry | undefined;
  readonly session: string | null;
  readonly secret: SecretValue | undefined;
  /** Vendor job ids the job detached (its gateway's detached.json): release must leave them running. */
  readonly keep?: readonly string[] | undefined;
  readonly stateDir?: string | undefined;
  readonly logger?: Logger | undefined;
}

/** One granted backend as the gateway process knows it (src/gateway/config.ts builds it from the pipe). */
export interface GatewayBackend {
  readonly name: string;
  readonly type: string;
  readonly description?: string | undefined;
  /**
   * The catalogue's metadata. Required for `sim`; optional for a vendor, whose runner then reads the
   * device's target from the vendor (`TaskRunner.target`).
   */
  readonly metadata?: BackendMetadata | undefined;
  /** True when the catalogue names a credential for it: the backend then refuses to run without one. */
  readonly secretRequired: boolean;
  readonly secret: SecretValue | undefined;
  /** The catalogue entry's type-specific fields (endpoint, device, ...), as its schema parsed them. */
  readonly settings?: Readonly<Record<string, unknown>> | undefined;
  /** The vendor session acquire opened, or null. */
  readonly session?: string | null | undefined;
}

/** One vendor job a task sent: its program and the vendor's id. */
export interface VendorJobRef {
  readonly program: 'sampler' | 'estimator';
  readonly id: string;
}

/**
 * How long a task's vendor jobs may live (docs/user-guide.md, "Work that outlives a job"):
 * `job` — cancelled when the job ends; `resumable` — kept when the job ends at its time limit;
 * `detached` — kept whenever the job ends, and sent outside the job's vendor session.
 */
export type TaskDurability = 'job' | 'resumable' | 'detached';

/** The body of `POST /v1/tasks` once checked (src/gateway/request.ts parses it). */
export interface TaskRequest {
  /**
   * `sampler`/`estimator`: V2 params of gate circuits. `native`: a vendor-native payload
   * (src/programs/envelope.ts) that only backends of the types its program names run.
   */
  readonly programId: 'sampler' | 'estimator' | 'native';
  /** A granted backend; default: the job's first. */
  readonly backend: string | undefined;
  /** Sampler/Estimator V2 params (the `params` of a Qiskit Runtime job), or the native payload. */
  readonly params: Record<string, unknown>;
  /** What `qrun --shots/--precision/--seed/--mitigation` override. */
  readonly options: {
    readonly shots?: number | undefined;
    readonly precision?: number | undefined;
    readonly seed?: number | undefined;
    readonly mitigation?: readonly string[] | undefined;
  };
  /** Default `job`. */
  readonly durability?: TaskDurability | undefined;
  /**
   * Vendor jobs an earlier job's gateway sent for this same request: polled and collected instead of
   * submitted again (the gateway checks `binding` first).
   */
  readonly attach?: { readonly vendorJobs: readonly VendorJobRef[]; readonly binding: string; readonly ownerUid: number } | undefined;
}

/** What a running task tells the gateway about its vendor jobs (for records and the lease). */
export interface TaskHooks {
  readonly onVendorJob?: ((job: VendorJobRef) => void) | undefined;
  readonly onVendorState?: ((state: string) => void) | undefined;
}

/**
 * A task whose payload and preconditions were checked. `run` executes it to the end: for a vendor,
 * submit, poll the status, fetch and decode the result; aborting the signal cancels the vendor task.
 */
export interface PreparedTask {
  run(signal: AbortSignal, hooks?: TaskHooks): Promise<PrimitiveOutcome>;
}

/** The gateway side of a backend type. */
export interface TaskRunner {
  /** Checks the payload and the backend's preconditions; throws a coded error (HTTP 4xx/5xx) now, not later. */
  prepare(request: TaskRequest, backend: GatewayBackend): PreparedTask | Promise<PreparedTask>;
  /** The device's target (qubits, basis gates, coupling map, limits); default: the catalogue's metadata. */
  target?(backend: GatewayBackend): Promise<BackendMetadata>;
  /**
   * True when the task's work lives at a vendor that keeps it after the gateway stops (its jobs can be
   * detached, and re-attached by id); false or absent: the work runs in the gateway and ends with it.
   */
  readonly detachable?: boolean;
  /** Loads what the first task needs ahead of it, after the gateway is listening. */
  warm?(): Promise<unknown>;
  /** Closes the runner's vendor connections; the gateway calls it once, when it stops. */
  close?(): Promise<void>;
}

/** What the gateway process tells a backend's runner about itself. */
export interface RunnerContext {
  /** Epoch seconds when the job's allocation ends, or null: no vendor call is sent past it. */
  readonly deadline: number | null;
  /**
   * A directory the gateway's service user may write, shared by the gateways on this node, for the
   * HTTP layer's shared backoff; undefined: keep the backoff in memory.
   */
  readonly backoffDir?: string | undefined;
  readonly logger?: Logger | undefined;
  /** The Slurm job the gateway serves (for a launcher that places work on the job's nodes), when known. */
  readonly jobId?: number | undefined;
}

export interface Accessibility {
  readonly ok: boolean;
  /** Why not, and what to do, when `ok` is false. */
  readonly reason?: string;
}

export interface Backend<Entry extends EntryBase = EntryBase> {
  /** The catalogue's `type`. */
  readonly type: string;
  /** This type's catalogue entry, strict: the catalogue composes these. */
  readonly entrySchema: z.ZodType<Entry>;
  /**
   * True when a job may run this backend in its own process, with no gateway (only the built-in
   * simulator without a credential): nothing is then held on the job's behalf.
   */
  runsInJob(entry: Entry): boolean;
  /** Whether the backend can be used now (reachable, credential accepted); for doctor and `qrun backends`. */
  accessible(ctx: AcquireContext<Entry>): Promise<Accessibility>;
  /** Opens what the job holds at the vendor (a session); the node's lane is claimed by the hook. */
  acquire(ctx: AcquireContext<Entry>): Promise<SessionHandle>;
  /** Cancels what is still running for the job and closes its session. Idempotent. */
  release(ctx: ReleaseContext<Entry>): Promise<void>;
  /** The gateway side; loaded lazily so the hook never loads an engine or a vendor client it does not use. */
  runner(context?: RunnerContext): TaskRunner;
}
