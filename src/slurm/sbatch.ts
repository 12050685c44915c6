/**
 * Submitting a batch job as the calling user, and asking what became of one: sbatch and scontrol
 * through the one Slurm command runner (src/slurm/scontrol.ts: fixed environment, timeout).
 */
import { QrunError } from '../errors.js';
import { scontrol, type ScontrolCall } from './scontrol.js';

/** Submits `script` with `options`; returns the job id. */
export async function sbatch(options: readonly string[], script: string, call: ScontrolCall = {}): Promise<number> {
  const result = await scontrol(['--parsable', ...options, script], { ...call, scontrol: 'sbatch' });
  const id = Number(result.stdout.trim().split(';')[0]);
  if (!result.ok || !Number.isSafeInteger(id) || id <= 0) {
    throw new QrunError('SLURM_COMMAND_FAILED', `sbatch ${script} failed: ${result.error || result.stdout.trim()}`, {
      hint: 'Check the step\'s sbatch options (sbatch --test-only with them tells what Slurm objects to).',
      details: { script },
    });
  }
  return id;
}

export interface JobOutcome {
  /** Slurm's JobState (PENDING, RUNNING, COMPLETED, FAILED, ...), or null once Slurm forgot the job. */
  readonly state: string | null;
  /** The batch script's exit status, when the job has ended. */
  readonly exitCode: number | null;
  /** Why a pending job waits (Dependency, DependencyNeverSatisfied, Resources...). */
  readonly reason: string | null;
}

export async function jobOutcome(jobId: number, call: ScontrolCall = {}): Promise<JobOutcome> {
  const result = await scontrol(['show', 'job', '-o', String(jobId)], call);
  if (!result.ok) return { state: null, exitCode: null, reason: null };
  const field = (name: string): string | null => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(result.stdout)?.[1] ?? null;
  const exit = field('ExitCode');
  return { state: field('JobState'), exitCode: exit === null ? null : Number(exit.split(':')[0]), reason: field('Reason') };
}

export async function cancelJob(jobId: number, call: ScontrolCall = {}): Promise<void> {
  await scontrol([String(jobId)], { ...call, scontrol: 'scancel' });
}
