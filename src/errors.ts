/**
 * The one error catalog. Every error the project raises on purpose is a QrunError whose `code` is a
 * key of ERROR_CATALOG. Codes are stable: scripts, the gateway's JSON errors and the docs refer to
 * them, so a code is never renamed or reused — add a new one instead. The mapping from a code's
 * family to a process exit code lives in one place: src/cli/exit-codes.ts.
 */

export type ErrorFamily =
  | 'usage' // the command line itself is wrong
  | 'input' // a payload, circuit or option value the user gave is wrong
  | 'config' // an admin file (catalogue, plugstack arguments) is wrong or unreadable
  | 'io' // a file the user named cannot be read or written
  | 'capacity' // the job does not hold the Slurm capacity it needs, or too little is left
  | 'backend' // a backend refused, failed or cannot be reached
  | 'resource' // this machine cannot do it (memory, size limits)
  | 'security' // a secret, token or permission check failed
  | 'environment' // the host lacks something (root, packages, ports) a command needs
  | 'unavailable' // the feature is not built yet or not compiled in
  | 'interrupted' // the run was stopped (the job's time limit, a signal) and left a record to resume from
  | 'internal'; // a bug: please report it

interface CatalogEntry {
  readonly family: ErrorFamily;
  /** One line saying what the code means; shown by `qrun help errors` and in docs/errors.md. */
  readonly summary: string;
}

export const ERROR_CATALOG = {
  USAGE: { family: 'usage', summary: 'The command line is invalid (unknown option, missing argument).' },
  ROUTE_NOT_FOUND: { family: 'usage', summary: 'The job gateway has no such API path or method.' },

  PAYLOAD_INVALID: { family: 'input', summary: 'A primitive payload does not match the Sampler/Estimator V2 format.' },
  PAYLOAD_PROGRAM_MISMATCH: { family: 'input', summary: "The payload's program_id does not match the subcommand." },
  QASM_SYNTAX: { family: 'input', summary: 'An OpenQASM program has a syntax error.' },
  QASM_SEMANTIC: { family: 'input', summary: 'An OpenQASM program is well formed but meaningless (undefined name, wrong arity).' },
  QASM_UNSUPPORTED: { family: 'input', summary: 'An OpenQASM feature this project does not support.' },
  QASM_LOOP_LIMIT: { family: 'input', summary: 'An OpenQASM while loop ran more iterations than the limit allows (while lowering, or in a shot).' },
  OBSERVABLE_INVALID: { family: 'input', summary: 'An observable is malformed or does not match the circuit width.' },
  BROADCAST_MISMATCH: { family: 'input', summary: 'Observables and parameter values have shapes that do not broadcast.' },
  OPTION_INVALID: { family: 'input', summary: 'An option value is out of range or of the wrong type.' },
  CIRCUIT_DOES_NOT_FIT: { family: 'input', summary: "A circuit needs more than the backend offers (qubits, gates, connectivity, shots)." },
  TASK_NOT_FOUND: { family: 'input', summary: 'The job gateway knows no task with this id.' },
  TASK_NOT_DONE: { family: 'input', summary: 'The task has not finished yet, so it has no result.' },
  CIRCUIT_UNSUPPORTED: { family: 'input', summary: 'A circuit uses an operation the chosen primitive or engine cannot run (e.g. a mid-circuit measurement in an Estimator).' },
  PIPELINE_UNKNOWN_STEP: { family: 'input', summary: 'A mitigation pipeline names a step that is not registered (see `qrun plugins`).' },
  PIPELINE_OPTIONS_INVALID: { family: 'input', summary: 'A mitigation step was given options its schema rejects, or does not apply to this primitive.' },
  RECORD_INVALID: { family: 'input', summary: 'A task record is not a slurm-qpu task record, or is damaged (see docs/user-guide.md, "Task records").' },
  TASK_NOT_DETACHABLE: { family: 'input', summary: "The backend runs its tasks inside the job's gateway, so a task cannot outlive the job there (no --detach)." },
  EXACT_UNSUPPORTED: { family: 'input', summary: 'Precision 0 (exact expectation values) was asked of a run that samples: a noise model or a sampling mitigation step.' },
  NATIVE_PAYLOAD_INVALID: { family: 'input', summary: 'A vendor-native payload (`qrun run`) is malformed: unknown program, a bad sequence, shots or variables; every bad field is named.' },
  NATIVE_PROGRAM_UNSUPPORTED: { family: 'input', summary: 'The backend does not run this vendor-native program (the simulator and gate-based vendors run none); the message names the backend types that do.' },
  PRIMITIVE_UNSUPPORTED: { family: 'input', summary: 'The backend does not run this primitive: a device that only samples has no Estimator, an analog device runs no gate circuits (it takes vendor-native programs through `qrun run`); the message says what it runs.' },
  SEQUENCE_DOES_NOT_FIT: { family: 'input', summary: "A vendor-native sequence needs more than the device offers (atoms, runs, channels, duration) or was written for another device." },

  CONFIG_NOT_FOUND: { family: 'config', summary: 'A configuration file does not exist.' },
  CONFIG_UNREADABLE: { family: 'config', summary: 'A configuration file exists but cannot be read or is not JSON.' },
  CONFIG_INVALID: { family: 'config', summary: 'A configuration file breaks its schema; every bad field is listed.' },
  PLUGSTACK_ARG_INVALID: { family: 'config', summary: 'A plugstack.conf argument is unknown or malformed.' },
  PLUGIN_LOAD_FAILED: { family: 'config', summary: 'A site plugin module listed in the catalogue cannot be found or imported.' },
  HOOK_PROTOCOL_INVALID: { family: 'config', summary: 'The SPANK plugin and the hook handler disagree on their message format (a partial upgrade).' },
  GATEWAY_CONFIG_INVALID: { family: 'config', summary: 'The job gateway was started with a configuration it cannot read (launcher and gateway of different versions).' },
  PLUGIN_INVALID: { family: 'config', summary: 'A site plugin module does not export a valid step (name, version, options schema, hooks).' },
  DOCTOR_FOUND_PROBLEMS: { family: 'config', summary: 'The admin doctor found something on this node that stops or endangers QPU jobs; each finding says how to fix it.' },
  ENDPOINT_INSECURE: { family: 'config', summary: 'A backend endpoint or proxy uses plain http: to a host that is not loopback, or sends proxy credentials in clear.' },

  FILE_NOT_FOUND: { family: 'io', summary: 'An input file does not exist.' },
  FILE_UNREADABLE: { family: 'io', summary: 'An input file cannot be read.' },
  RECORD_NOT_FOUND: { family: 'io', summary: 'No task record with this id or path exists (records live in the state directory, docs/user-guide.md).' },
  OUTPUT_NOT_WRITABLE: { family: 'io', summary: 'The output path cannot be written; nothing was run.' },

  BACKEND_UNKNOWN: { family: 'capacity', summary: 'The backend name is not in the catalogue.' },
  BACKEND_NOT_GRANTED: { family: 'capacity', summary: 'The job was not granted this backend.' },
  CAPACITY_MISSING: { family: 'capacity', summary: 'The job does not hold the GRES or license the backend requires.' },
  TOO_MANY_TASKS: { family: 'capacity', summary: "The job already has as many gateway tasks in flight as its limit allows." },
  ACQUIRE_REFUSED: { family: 'capacity', summary: 'The QPU hook refused to grant the job a backend; the message says why and what to do.' },
  LANES_EXHAUSTED: { family: 'capacity', summary: "Every lane of a backend on this node is held, although Slurm granted the capacity (the node's lanes and Slurm's count disagree)." },
  ALLOCATION_EXPIRED: { family: 'capacity', summary: "The job's allocation has ended (QRUN_DEADLINE passed)." },
  DEVICE_LANES_BUSY: { family: 'capacity', summary: "Every execution lane of a device is busy and its queue is full (IBM Quantum System API error 1232), still after the retries." },
  VENDOR_CREDITS_EXHAUSTED: { family: 'capacity', summary: "The vendor account has too few credits left for the job (IQM Server NotEnoughCredits); the admin tops the account up." },
  TIMESLOT_NOT_BOOKED: { family: 'capacity', summary: "The backend runs jobs only in a booked timeslot and none is booked or running now (IQM Server NoBookedTimeslots)." },
  TIMESLOT_UNAVAILABLE: { family: 'capacity', summary: "No timeslot of the requested length could be booked on the device for the job (IQM Server timeslot booking refused)." },
  QPU_RESERVED: { family: 'capacity', summary: 'The QPU is reserved for exclusive use under another token (a Quantum Brilliance device answered 503): another job or user holds it now.' },

  BACKEND_UNAVAILABLE: { family: 'backend', summary: 'The backend cannot be reached or refuses work right now.' },
  BACKEND_FAILED: { family: 'backend', summary: 'The backend accepted a task and then failed it.' },
  DEVICE_NOT_ACCEPTING: { family: 'backend', summary: 'The device is reserved for others, paused or offline, so it accepts no jobs now (IBM Quantum System API error 1233).' },
  TASK_DETACHED: { family: 'backend', summary: "The job's gateway let the task go without cancelling its vendor job (the job ended); collect it with `qrun wait|result` or `qrun resume` in a later job." },
  WORKFLOW_STEP_FAILED: { family: 'backend', summary: 'A step of a workflow (qrun workflow run) ended badly, so the steps after it do not run.' },
  VQPU_NOT_SERVED: { family: 'backend', summary: 'No vqpu of this name is served for you: no running job of yours registered one (qrun vqpu serve).' },
  VQPU_REGISTRATION_INVALID: { family: 'security', summary: "A vqpu's registration is not one qrun vqpu serve wrote for you (owner, mode, link or content); it was not used." },
  TASK_LOST: { family: 'backend', summary: 'The task belonged to a job that has ended and was cancelled with it, or left no vendor job to collect; submit it again.' },
  TASK_CANCELLED: { family: 'backend', summary: 'The task was cancelled (by the job, or because the allocation ended).' },
  GATEWAY_GONE: { family: 'backend', summary: "The job's gateway process is gone (killed or crashed); the next step of the job restarts it once, or the job ends." },
  GATEWAY_FAILED: { family: 'backend', summary: 'The job gateway could not be started or stopped.' },
  HOOK_FAILED: { family: 'backend', summary: 'The QPU hook handler failed to acquire or release a backend.' },
  PIPELINE_STEP_FAILED: { family: 'backend', summary: 'A mitigation pipeline step failed; the error names the step and keeps the partial results.' },
  UPSTREAM_UNREACHABLE: { family: 'backend', summary: "A backend's API cannot be reached: DNS, connection refused or reset, or the proxy refused the tunnel." },
  UPSTREAM_TIMEOUT: { family: 'backend', summary: "A backend's API did not connect, answer or finish its reply within the configured timeout." },
  UPSTREAM_RATE_LIMITED: { family: 'backend', summary: "A backend's API kept answering 429 Too Many Requests after every retry, or asked to wait longer than allowed." },
  UPSTREAM_UNAVAILABLE: { family: 'backend', summary: "A backend's API answered 502, 503 or 504 on every attempt." },
  UPSTREAM_BAD_RESPONSE: { family: 'backend', summary: "A backend's API sent a reply that is truncated, not valid JSON, too large, or a redirect (never followed)." },
  UPSTREAM_STATUS: { family: 'backend', summary: "A backend's API answered with an error status that its vendor module did not map to a more precise code." },
  UPSTREAM_DEADLINE: { family: 'backend', summary: "A call to a backend's API could not finish before its deadline (the call's own or the end of the job's allocation)." },
  VENDOR_REFUSED: { family: 'backend', summary: "A vendor's API refused a request with its own error code (unknown device, closed session, invalid parameters); the message names the vendor's code and what to do." },

  CIRCUIT_TOO_LARGE: { family: 'resource', summary: 'The circuit needs more memory than this machine allows.' },
  REQUEST_TOO_LARGE: { family: 'resource', summary: "A request to the job gateway is larger than its size limit." },

  SECRET_UNAVAILABLE: { family: 'security', summary: 'A secret reference cannot be resolved.' },
  SECRET_INSECURE: { family: 'security', summary: 'A secret file is readable by others or not owned by root.' },
  STATE_DIR_INSECURE: { family: 'security', summary: 'The QPU state directory is writable by group or others, or not owned by root; QPU jobs on the node fail closed until it is chmod 0700, owner root.' },
  AUTH_FAILED: { family: 'security', summary: 'A gateway request carried no valid token or came from another uid.' },
  VENDOR_AUTH_FAILED: { family: 'security', summary: "A vendor refused the backend's credential (an API key its identity service does not know, a token or instance it does not accept); the admin fixes the secret or the instance." },
  TASK_NOT_OWNED: { family: 'security', summary: "A task record names another user, or its binding was not made by this backend's gateway: nobody but its owner may collect or cancel it." },
  UPSTREAM_TLS_FAILED: { family: 'security', summary: "A backend's TLS certificate (or its proxy's) could not be verified; nothing was sent." },

  NOT_ROOT: { family: 'environment', summary: 'The command must run as root.' },
  PORT_IN_USE: { family: 'environment', summary: 'A TCP port the command needs is already taken.' },
  PACKAGES_UNAVAILABLE: { family: 'environment', summary: "Required Debian packages are missing and apt cannot install them." },
  DAEMON_FAILED: { family: 'environment', summary: 'A daemon (munged, slurmctld, slurmd) did not start or stop in time.' },
  SLURM_COMMAND_FAILED: { family: 'environment', summary: 'A Slurm command (scontrol) failed, timed out or answered in a form this version cannot read.' },
  LOCK_TIMEOUT: { family: 'environment', summary: "Another step of the same job held the job's QPU lock longer than the hook may wait." },
  STATE_DIR_UNUSABLE: { family: 'environment', summary: "The QPU state directory (plugstack state_dir=) is missing, not a directory or unreadable; QPU jobs on the node fail closed until it is fixed." },
  STATE_WRITE_FAILED: { family: 'environment', summary: 'A write to the QPU state directory failed (disk full, read-only); nothing half-written is left behind.' },
  LEASE_CORRUPT: { family: 'environment', summary: "A job's lease file on this node is damaged; release frees its lanes and removes it." },
  TOOL_FAILED: { family: 'environment', summary: 'An external command the project runs failed.' },
  QRUN_NOT_FOUND: { family: 'environment', summary: 'The Python client runs outside a QPU job through the qrun command, and finds none (QRUN_BIN, PATH).' },

  NATIVE_LOAD_FAILED: { family: 'unavailable', summary: 'The native addon exists but cannot be loaded.' },
  NOT_IMPLEMENTED: { family: 'unavailable', summary: 'This feature is not implemented yet.' },

  TASK_INTERRUPTED: { family: 'interrupted', summary: 'The run was interrupted (the job reached its time limit, or a signal) and wrote its task record; `qrun resume RECORD` continues it without running anything twice.' },

  INTERNAL: { family: 'internal', summary: 'An unexpected error; this is a bug.' },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface QrunErrorOptions {
  /** What the user can do about it, in one sentence. Printed after the message. */
  hint?: string;
  cause?: unknown;
  /** Structured facts for --json output and logs (never secrets). */
  details?: Record<string, unknown>;
}

export class QrunError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: QrunErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QrunError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get family(): ErrorFamily {
    return ERROR_CATALOG[this.code].family;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isQrunError(value: unknown): value is QrunError {
  return value instanceof QrunError;
}

/** Wraps anything thrown into a QrunError, keeping the original as `cause`. */
export function asQrunError(value: unknown): QrunError {
  if (value instanceof QrunError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new QrunError('INTERNAL', message, {
    cause: value,
    hint: 'This is a bug in slurm-qpu; please report it with the command you ran.',
  });
}
