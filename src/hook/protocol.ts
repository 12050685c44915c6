/**
 * The contract between the SPANK shim (spank/hook.c) and this handler: `node main.js <action>` with
 * one JSON request on stdin and a line-oriented reply on stdout (renderReply; read by spank/reply.c,
 * so that the root side parses nothing clever). The request is parsed by hand (no zod) because the
 * handler's start-up time is on every QPU job's launch path; the shapes are small and fixed.
 */

import { QrunError } from '../errors.js';

/** One version for the request and the reply; spank/reply.h has the same number. */
export const PROTOCOL_VERSION = 2;

/** The shim's limits (spank/reply.h): it refuses a reply past any of them. */
export const REPLY_LINE_MAX = 4096;
export const REPLY_MESSAGE_MAX = 1023;
const REPLY_ENV_MAX = 16;
const REPLY_NAME_MAX = 64;

/** `reap` comes from slurmd's start (the shim's slurmd context): no job, job_id 0. */
const HOOK_ACTIONS = ['acquire', 'release', 'reap'] as const;
export type HookAction = (typeof HOOK_ACTIONS)[number];

/** Slurm step ids that are not numbers a user sees (slurm.h). */
const STEP_BATCH = 0xfffffffb;
const STEP_EXTERN = 0xfffffffc;
const STEP_UNKNOWN = 0xffffffff;

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
  /** plugstack `trace=yes`: the shim's callback time, epoch microseconds (trace.ts); absent otherwise. */
  readonly traceUs?: number;
  /** The handler the plugstack line names (`handler=`): the service serves only requests for itself. */
  readonly handler?: string;
  /** plugstack `service=`: whether the node keeps a resident hook service (service.ts). */
  readonly service?: boolean;
  /** The shim's process (the step's slurmstepd at acquire): the gateway ends when it does. */
  readonly callerPid?: number;
}

export interface HookReply {
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
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      `request.version is ${JSON.stringify(version)}, this handler speaks ${PROTOCOL_VERSION}; install one slurm-qpu version of the shim and the handler`,
    );
  }
  if (field(obj, 'action') !== action) throw new ProtocolError(`request.action must be "${action}" (the argv action)`);
  const backends = field(obj, 'backends');
  if (!Array.isArray(backends) || !backends.every((b): b is string => typeof b === 'string' && b !== '')) {
    throw new ProtocolError('request.backends must be an array of names');
  }
  if (action === 'acquire' && backends.length === 0) throw new ProtocolError('request.backends is empty');
  const jobId = uint32(obj, 'job_id');
  if (jobId === 0 && action !== 'reap') throw new ProtocolError('request.job_id must not be 0');
  const timeoutSeconds = uint32(obj, 'timeout');
  const traceUs = field(obj, 'trace_us');
  if (traceUs !== undefined && (typeof traceUs !== 'number' || !Number.isSafeInteger(traceUs) || traceUs <= 0)) {
    throw new ProtocolError('request.trace_us must be a positive integer (epoch microseconds)');
  }
  const handler = field(obj, 'handler');
  if (handler !== undefined && (typeof handler !== 'string' || !handler.startsWith('/'))) throw new ProtocolError('request.handler must be an absolute path');
  const service = field(obj, 'service');
  if (service !== undefined && typeof service !== 'boolean') throw new ProtocolError('request.service must be true or false');
  const callerPid = field(obj, 'caller_pid');
  if (callerPid !== undefined && (typeof callerPid !== 'number' || !Number.isInteger(callerPid) || callerPid <= 1)) {
    throw new ProtocolError('request.caller_pid must be a process id');
  }
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
    ...(traceUs === undefined ? {} : { traceUs }),
    ...(handler === undefined ? {} : { handler }),
    ...(service === undefined ? {} : { service }),
    ...(callerPid === undefined ? {} : { callerPid }),
  };
}

export function stepName(stepId: number): string {
  if (stepId === STEP_BATCH) return 'batch';
  if (stepId === STEP_EXTERN) return 'extern';
  if (stepId === STEP_UNKNOWN) return 'none';
  return String(stepId);
}

const ENV_NAME = /^(QRUN_|SLURM_JOB_QPU_)[A-Z0-9_]+$/;
// C0 controls and DEL: the shim refuses them anywhere in a line, so a terminal shows the text as it is.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f]/g;

/** The longest prefix of `text` that fits in `max` UTF-8 bytes, never splitting a character. */
function fitBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > max) break;
    out += char;
    bytes += size;
  }
  return out;
}

/**
 * The message as the shim shows it: its first line (a summary leads; the rest is detail for the
 * hook log), other control characters as spaces, cut to what the shim keeps.
 */
function messageLine(message: string): string {
  const first = (message.split(/\r?\n/, 1)[0] ?? '').replace(CONTROLS, ' ').trimEnd();
  return fitBytes(first, REPLY_MESSAGE_MAX);
}

function envLine(name: string, value: string): string {
  if (!ENV_NAME.test(name) || name.length > REPLY_NAME_MAX) {
    throw new ProtocolError(`reply env name ${JSON.stringify(name)} is not QRUN_* or SLURM_JOB_QPU_* of at most ${REPLY_NAME_MAX} characters`);
  }
  if (CONTROL.test(value)) throw new ProtocolError(`reply env ${name} holds a newline or another control character`);
  const line = `env ${name}=${value}`;
  if (Buffer.byteLength(line) > REPLY_LINE_MAX) throw new ProtocolError(`reply env ${name} is longer than a reply line (${REPLY_LINE_MAX} bytes)`);
  return line;
}

/**
 * The reply as the shim reads it from stdout: `qpu-reply <version> ok|error`, then `message <text>`,
 * then (only on ok) one `env NAME=VALUE` per variable, then `end`; every line ends in a newline.
 * Throws ProtocolError for an environment the shim would refuse (a bug, never the user's input).
 */
export function renderReply(reply: HookReply): string {
  const lines = [`qpu-reply ${PROTOCOL_VERSION} ${reply.ok ? 'ok' : 'error'}`];
  if (reply.message !== undefined) lines.push(`message ${messageLine(reply.message)}`);
  const env = reply.ok ? Object.entries(reply.env ?? {}) : [];
  if (env.length > REPLY_ENV_MAX) throw new ProtocolError(`reply has ${env.length} env variables; the shim takes at most ${REPLY_ENV_MAX}`);
  for (const [name, value] of env) lines.push(envLine(name, value));
  lines.push('end');
  return lines.map((line) => `${line}\n`).join('');
}
