/**
 * What a signal means to a run inside a Slurm job. Slurm sends SIGTERM both at the time limit and
 * on scancel; only the first should leave a record to resume from, so SIGTERM counts as the time
 * limit when it comes within INTERRUPT_WINDOW_S of the allocation's end (QRUN_DEADLINE, else
 * SLURM_JOB_END_TIME), and as a cancel otherwise. SIGUSR1 and SIGUSR2 — what `sbatch --signal=USR1@T`
 * sends ahead of the end — always mean "interrupted, resumable".
 */
import { QrunError } from '../errors.js';
import type { CliContext } from './context.js';

export type InterruptMeaning = 'interrupt' | 'cancel';

/** Slurm enforces the time limit on its own timer: its SIGTERM can come this long after the deadline, or a little before. */
const INTERRUPT_WINDOW_S = 120;

const WATCHED_SIGNALS = ['SIGTERM', 'SIGUSR1', 'SIGUSR2'] as const;

export function meaningOf(signal: NodeJS.Signals, env: CliContext['env'], nowMs: number): InterruptMeaning {
  if (signal !== 'SIGTERM') return 'interrupt';
  const raw = env['QRUN_DEADLINE'] ?? env['SLURM_JOB_END_TIME'];
  const end = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(end) && end > 0 && nowMs / 1000 >= end - INTERRUPT_WINDOW_S ? 'interrupt' : 'cancel';
}

export interface InterruptWatch {
  /** Aborts with TASK_INTERRUPTED or TASK_CANCELLED when a watched signal arrives. */
  readonly signal: AbortSignal;
  stop(): void;
}

/** Watches the job's signals while a run is in flight; without a signal source (tests) it never fires. */
export function watchInterrupts(ctx: CliContext, now: () => number = Date.now): InterruptWatch {
  const controller = new AbortController();
  const stop =
    ctx.onSignal?.(WATCHED_SIGNALS, (signal) => {
      if (controller.signal.aborted) return;
      const meaning = meaningOf(signal, ctx.env, now());
      controller.abort(
        meaning === 'interrupt'
          ? new QrunError('TASK_INTERRUPTED', `the run was interrupted (${signal})`)
          : new QrunError('TASK_CANCELLED', `the run was cancelled (${signal}, the job was cancelled)`),
      );
    }) ?? ((): void => undefined);
  return { signal: controller.signal, stop };
}
