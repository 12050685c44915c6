/**
 * At release the job's QPU usage goes to Slurm, where accounting and admins look: the job's
 * AdminComment (`scontrol update JobId=<id> AdminComment=qpu_usage={...}`), which only root or a
 * Slurm operator can set and which the job's user can read but not change. With slurmdbd it is kept
 * in the job's accounting record (`sacct -o AdminComment`).
 */
import { execFile } from 'node:child_process';
import { usageComment, type Usage } from './usage.js';

export interface SlurmUsageResult {
  readonly ok: boolean;
  readonly comment: string;
  /** scontrol's complaint when it refused. */
  readonly error?: string;
}

export function writeUsageToSlurm(jobId: number, usage: Usage, env: Readonly<Record<string, string | undefined>>): Promise<SlurmUsageResult> {
  const comment = usageComment(usage);
  return new Promise((resolve) => {
    execFile(
      'scontrol',
      ['update', `JobId=${jobId}`, `AdminComment=${comment}`],
      { env: { PATH: env['PATH'] ?? '/usr/bin:/bin', ...(env['SLURM_CONF'] === undefined ? {} : { SLURM_CONF: env['SLURM_CONF'] }) }, timeout: 10_000, encoding: 'utf8' },
      (error, _stdout, stderr) => {
        resolve(error === null ? { ok: true, comment } : { ok: false, comment, error: stderr.trim() || error.message });
      },
    );
  });
}
