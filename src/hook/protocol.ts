/**
 * The contract between the SPANK shim (spank/hook.c) and this handler: `node main.js <action>` with
 * one JSON request on stdin and one JSON reply on stdout. Parsed by hand (no zod) because the
 * handler's start-up time is on every QPU job's launch path; the shapes are small and fixed.
 */

import { QrunError } from '../errors.js';

export const PROTOCOL_VERSION = 1;

export const HOOK_ACTIONS = ['acquire', 'release'] as const;
export type HookAction = (typeof HOOK_ACTIONS)[number];

/** Slurm step ids that are not numbers a user sees (slurm.h). */
export const STEP_BATCH = 0xfffffffb;
export const STEP_EXTERN = 0xfffffffc;
export const STEP_UNKNOWN = 0xffffffff;

export interface HookRequest {
  readonly version: number;
  readonly action: HookAction;
  readonly jobId: number;
  readonly stepId: number;
  /** The job's uid and gid as slurmstepd knows them; 4294967295 when unknown (release). */
  readonly uid: number;
  readonly gid: number;
  /** Aliases the job asked for, validated by the shim's syntax rules; empty for release. */
  readonly backends: readonly string[];
  /** Catalogue path (plugstack `config=`). */
  readonly config: string;
  readonly stateDir: string;
  readonly serviceUser: string;
  readonly timeoutSeconds: number;
  readonly hostname: string;
}

export interface HookReply {
  readonly version: number;
  readonly ok: boolean;
  /** One line for the user when !ok (shown by the shim in task_init); a summary otherwise. */
  readonly message?: string;
  /** Variables the shim sets in every task (only QRUN_* and SLURM_JOB_QPU_* are accepted). */
  readonly env?: Readonly<Record<string, string>>;
}

export class ProtocolError extends QrunError {
  constructor(message: string) {
    super('HOOK_PROTOCOL_INVALID', message, { hint: 'The SPANK plugin and the handler come from different installs of slurm-qpu; install one version on the node.' });
  }
}

function field(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function uint32(obj: Record<string, unknown>, key: string): number {
  const value = field(obj, key);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ProtocolError(`request.${key} must be an unsigned 32-bit integer`);
  }
  return value;
}

function text(obj: Record<string, unknown>, key: string, options: { absolute?: boolean; empty?: boolean } = {}): string {
  const value = field(obj, key);
  if (typeof value !== 'string' || (!options.empty && value === '')) {
    throw new ProtocolError(`request.${key} must be a${options.empty ? '' : ' non-empty'} string`);
  }
  if (options.absolute && !value.startsWith('/')) throw new ProtocolError(`request.${key} must be an absolute path`);
  return value;
}

export function isHookAction(value: string): value is HookAction {
  return (HOOK_ACTIONS as readonly string[]).includes(value);
}

/** Validates the request the shim sent; `action` is argv's, which must agree with the body's. */
export function parseRequest(raw: string, action: HookAction): HookRequest {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new ProtocolError(`request is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ProtocolError('request must be a JSON object');
  const obj = data as Record<string, unknown>;
  const version = field(obj, 'version');
  if (version !== PROTOCOL_VERSION) throw new ProtocolError(`request.version must be ${PROTOCOL_VERSION}`);
  if (field(obj, 'action') !== action) throw new ProtocolError(`request.action must be "${action}" (the argv action)`);
  const backends = field(obj, 'backends');
  if (!Array.isArray(backends) || !backends.every((b): b is string => typeof b === 'string' && b !== '')) {
    throw new ProtocolError('request.backends must be an array of names');
  }
  if (action === 'acquire' && backends.length === 0) throw new ProtocolError('request.backends is empty');
  const jobId = uint32(obj, 'job_id');
  if (jobId === 0) throw new ProtocolError('request.job_id must not be 0');
  const timeoutSeconds = uint32(obj, 'timeout');
  return {
    version: PROTOCOL_VERSION,
    action,
    jobId,
    stepId: uint32(obj, 'step_id'),
    uid: uint32(obj, 'uid'),
    gid: uint32(obj, 'gid'),
    backends: [...new Set(backends)],
    config: text(obj, 'config', { absolute: true }),
    stateDir: text(obj, 'state_dir', { absolute: true }),
    serviceUser: text(obj, 'service_user', { empty: true }),
    timeoutSeconds,
    hostname: text(obj, 'hostname', { empty: true }),
  };
}

export function stepName(stepId: number): string {
  if (stepId === STEP_BATCH) return 'batch';
  if (stepId === STEP_EXTERN) return 'extern';
  if (stepId === STEP_UNKNOWN) return 'none';
  return String(stepId);
}

/** The reply as the one line the shim reads from stdout. */
export function renderReply(reply: Omit<HookReply, 'version'>): string {
  return `${JSON.stringify({ version: PROTOCOL_VERSION, ...reply })}\n`;
}
