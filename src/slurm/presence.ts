import { scontrol } from './scontrol.js';

const ENDED = /JobState=(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY|SPECIAL_EXIT)\b/;

export type JobPresence = 'running' | 'gone' | 'unknown';

/** Asks slurmctld about the job. `unknown` when it cannot tell (scontrol missing, controller down). */
export async function jobPresence(jobId: number, slurmConf: string | null): Promise<JobPresence> {
  const result = await scontrol(['show', 'job', '-o', String(jobId)], { slurmConf });
  if (result.ok) return ENDED.test(result.stdout) ? 'gone' : 'running';
  return /Invalid job id/i.test(result.stderr) ? 'gone' : 'unknown';
}
