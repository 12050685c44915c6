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

/** How often the watched step is looked at: /proc reads, so cheap; well inside the 1 s bound. */
const STEP_POLL_MS = 200;
/** Once the watched step is gone but the job lives on (salloc: more steps), Slurm is asked this often. */
const AFTER_STEP_POLL_MS = 1_000;

/**
 * Ends the gateway within a second of its job's end, whatever handler died: the acquiring step's
 * slurmstepd is watched through /proc (its pid and start time); when it is gone, a batch step means
 * the job ended, any other step means Slurm is asked (every second from then on) and `ending` or
 * `gone` ends the gateway. A Slurm that cannot be asked ends nothing.
 */
export function whileStepRuns(
  watch: { pid: number; start: number | null; jobEnds: boolean },
  jobId: number,
  slurmConf: string | null,
  gone: (why: string) => void,
  isRunning: (pid: number, start: number | null) => boolean,
): () => void {
  let stopped = false;
  let asking: NodeJS.Timeout | undefined;
  const ask = (): void => {
    void jobPresence(jobId, { slurmConf, timeoutMs: 5_000 }).then((presence) => {
      if (stopped) return;
      if (presence === 'gone' || presence === 'ending') gone(`job ${jobId} is ${presence === 'gone' ? 'no longer running' : 'completing'}`);
      else {
        asking = setTimeout(ask, AFTER_STEP_POLL_MS);
        asking.unref();
      }
    });
  };
  const timer = setInterval(() => {
    if (stopped || isRunning(watch.pid, watch.start)) return;
    clearInterval(timer);
    if (watch.jobEnds) gone(`job ${jobId}'s batch step ended`);
    else ask();
  }, STEP_POLL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    if (asking !== undefined) clearTimeout(asking);
  };
}
