import { scontrol } from './scontrol.js';

export interface AdminCommentResult {
  readonly ok: boolean;
  readonly comment: string;
  /** scontrol's complaint when it refused. */
  readonly error?: string;
  /** True when Slurm refused because the job has already finished (the usual case at job_epilog). */
  readonly finished?: boolean;
}

/** Sets the job's AdminComment, which only root or a Slurm operator can set and the job's user can read. */
export async function setAdminComment(jobId: number, comment: string, env: Readonly<Record<string, string | undefined>>): Promise<AdminCommentResult> {
  const result = await scontrol(['update', `JobId=${jobId}`, `AdminComment=${comment}`], { env });
  return result.ok ? { ok: true, comment } : { ok: false, comment, error: result.error, finished: /already finished/i.test(result.error) };
}
