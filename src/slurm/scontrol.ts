/**
 * The one place that runs Slurm's commands. Every call has a timeout, a fixed environment (PATH,
 * SLURM_CONF and a locale, never the caller's whole environment) and comes back as data, so callers
 * decide what a refusal means.
 */
import { runCaptured } from '../process/run-captured.js';

export interface ScontrolCall {
  /** Environment to take PATH and SLURM_CONF from (the handler's, fixed by the shim). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** SLURM_CONF to use, overriding `env`'s; null: Slurm's default. */
  readonly slurmConf?: string | null;
  readonly timeoutMs?: number;
  /** Extra variables Slurm reads (e.g. SLURM_TIME_FORMAT). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** The scontrol binary; default `scontrol` on PATH. */
  readonly scontrol?: string;
}

export interface ScontrolResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it failed: scontrol's complaint, or the spawn/timeout error. Empty when ok. */
  readonly error: string;
}

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';
const SCONTROL_TIMEOUT_MS = 10_000;

export function scontrol(args: readonly string[], call: ScontrolCall = {}): Promise<ScontrolResult> {
  const slurmConf = call.slurmConf === undefined ? call.env?.['SLURM_CONF'] : (call.slurmConf ?? undefined);
  const env: Record<string, string> = { PATH: call.env?.['PATH'] ?? DEFAULT_PATH, LC_ALL: 'C', ...call.extraEnv };
  if (slurmConf !== undefined) env['SLURM_CONF'] = slurmConf;
  return runCaptured(call.scontrol ?? 'scontrol', args, { env, timeoutMs: call.timeoutMs ?? SCONTROL_TIMEOUT_MS, maxBuffer: 1024 * 1024 });
}
