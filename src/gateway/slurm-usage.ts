/**
 * At release the job's QPU usage is recorded where accounting and admins look:
 * - `<state_dir>/usage/<job id>.json` (root-only), always: the node's usage journal, for the site's
 *   accounting scripts;
 * - the job's AdminComment (`scontrol update JobId=<id> AdminComment=qpu_usage={...}`), which only
 *   root or a Slurm operator can set and the job's user can read but not change. Slurm (22.05)
 *   refuses any update to a job that has finished, and release runs in job_epilog, after the job
 *   ended: so this lands only when release runs while the job is still alive; otherwise the refusal
 *   is logged and the journal and the hook's log keep the figures.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { updateAdminComment, type AdminCommentUpdate } from '../slurm/admin-comment.js';
import { usageComment, type Usage } from './usage.js';

/** Writes the usage record of a job under the state directory (root-only, atomic). */
export async function writeUsageRecord(stateDir: string, usage: Usage): Promise<string> {
  const dir = join(stateDir, 'usage');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${usage.job_id}.json`);
  await writeFile(`${path}.tmp`, `${JSON.stringify({ ...usage, recorded: new Date().toISOString() })}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
  return path;
}

export type SlurmUsageResult = AdminCommentUpdate;

const USAGE_KEY = 'qpu_usage';

/** Our `qpu_usage=` word in the AdminComment; the site's words and the vendor ids (qpu_sessions=) stay. */
export function writeUsageToSlurm(jobId: number, usage: Usage, env: Readonly<Record<string, string | undefined>>): Promise<SlurmUsageResult> {
  const value = usageComment(usage).slice(`${USAGE_KEY}=`.length);
  return updateAdminComment(jobId, USAGE_KEY, (room) => (Buffer.byteLength(value) <= room ? value : null), env);
}
