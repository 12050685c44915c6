/**
 * A gateway ends with its job even when release never comes (epilog missed, node daemon restarted):
 * at the job's deadline, and as soon as Slurm no longer runs the job.
 */
import { execFile } from 'node:child_process';

/** Largest delay setTimeout takes (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function atDeadline(deadlineSeconds: number, fire: () => void, now: () => number = Date.now): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const left = deadlineSeconds * 1000 - now();
    if (left <= 0) {
      fire();
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

const ENDED = /JobState=(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY|SPECIAL_EXIT)\b/;

export type JobPresence = 'running' | 'gone' | 'unknown';

/** Asks slurmctld about the job. `unknown` when it cannot tell (scontrol missing, controller down). */
export function jobPresence(jobId: number, slurmConf: string | null): Promise<JobPresence> {
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', LC_ALL: 'C' };
  if (slurmConf !== null) env['SLURM_CONF'] = slurmConf;
  return new Promise((resolve) => {
    execFile('scontrol', ['show', 'job', '-o', String(jobId)], { env, timeout: 10_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) resolve(ENDED.test(stdout) ? 'gone' : 'running');
      else resolve(/Invalid job id/i.test(stderr) ? 'gone' : 'unknown');
    });
  });
}

export function whileJobRuns(jobId: number, slurmConf: string | null, everySeconds: number, gone: () => void): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    void jobPresence(jobId, slurmConf).then((presence) => {
      if (!stopped && presence === 'gone') gone();
    });
  }, everySeconds * 1000);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
