/**
 * A gateway ends with its job even when release never comes (epilog missed, node daemon restarted):
 * at the job's deadline, and as soon as Slurm no longer runs the job.
 */
import { jobPresence } from '../slurm/presence.js';

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
