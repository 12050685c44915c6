/**
 * Signals a job's processes through scancel (run by the job's own user: Slurm checks it may), with
 * the same fixed environment and timeout as every Slurm command (src/slurm/scontrol.ts).
 */
import { QrunError } from '../errors.js';
import { scontrol, type ScontrolCall } from './scontrol.js';

/** Sends `signal` to every process of the job, the batch script's included (`scancel --full`). */
export async function signalJob(jobId: number, signal: 'TERM' | 'USR1' | 'USR2', call: ScontrolCall = {}): Promise<void> {
  const result = await scontrol(['--full', `--signal=${signal}`, String(jobId)], { ...call, scontrol: 'scancel' });
  if (!result.ok) {
    throw new QrunError('SLURM_COMMAND_FAILED', `scancel --signal=${signal} ${jobId} failed: ${result.error}`, {
      hint: 'Check that the job still runs (squeue -j JOB) and that it is yours.',
      details: { job: jobId },
    });
  }
}
