import { scontrol } from './scontrol.js';

const ENDED = /JobState=(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY|SPECIAL_EXIT)\b/;
/** Its tasks ended and the epilog runs (or is about to): no task of the job can call the gateway any more. */
const ENDING = /JobState=COMPLETING\b/;

/**
 * `running` (pending, running, suspended: Slurm still holds it), `ending` (completing: the epilog
 * releases it), `gone` (final, or a job slurmctld no longer knows), `unknown` (Slurm cannot be
 * asked: the controller is down, scontrol is missing or timed out; callers then touch nothing).
 */
export type JobPresence = 'running' | 'ending' | 'gone' | 'unknown';

export interface PresenceCall {
  readonly slurmConf?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

/** Asks slurmctld about the job. */
export async function jobPresence(jobId: number, slurmConfOrCall: string | null | PresenceCall): Promise<JobPresence> {
  const call: PresenceCall = typeof slurmConfOrCall === 'object' && slurmConfOrCall !== null ? slurmConfOrCall : { slurmConf: slurmConfOrCall };
  const result = await scontrol(['show', 'job', '-o', String(jobId)], {
    ...(call.slurmConf === undefined ? {} : { slurmConf: call.slurmConf }),
    ...(call.env === undefined ? {} : { env: call.env }),
    ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
  });
  if (result.ok) {
    if (!new RegExp(`(?:^|\\s)JobId=${jobId}\\s`).test(result.stdout)) return 'unknown';
    return ENDED.test(result.stdout) ? 'gone' : ENDING.test(result.stdout) ? 'ending' : 'running';
  }
  return /Invalid job id/i.test(result.stderr) ? 'gone' : 'unknown';
}
