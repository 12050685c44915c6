/**
 * A job's AdminComment: only root or a Slurm operator can set it, the job's user can read it
 * (`scontrol show job`, `sacct -o AdminComment`) but not change it. Several writers share it (the
 * site's own scripts, the hook at acquire, the gateway's usage at release), so each owns one
 * `key=value` word in it and rewrites only that word.
 */
import { scontrol } from './scontrol.js';

/**
 * The longest AdminComment we write. slurmctld (22.05) takes any length on update, but slurmdbd keeps
 * the comment in a TEXT column (65535 bytes), so a longer one would reach sacct cut short, and
 * Linux takes no single argument (scontrol's `AdminComment=...`) beyond 128 KiB anyway.
 */
export const ADMIN_COMMENT_MAX = 65_535;

interface AdminCommentResult {
  readonly ok: boolean;
  readonly comment: string;
  /** scontrol's complaint when it refused. */
  readonly error?: string;
  /** True when Slurm refused because the job has already finished (the usual case at job_epilog). */
  readonly finished?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Sets the job's AdminComment, replacing what was there. */
async function setAdminComment(jobId: number, comment: string, env: Env): Promise<AdminCommentResult> {
  const result = await scontrol(['update', `JobId=${jobId}`, `AdminComment=${comment}`], { env });
  return result.ok ? { ok: true, comment } : { ok: false, comment, error: result.error, finished: /already finished/i.test(result.error) };
}

/**
 * The AdminComment in `scontrol show job` (multi-line form): it has a line of its own there, so a
 * comment holding spaces or `=` reads back whole. Empty when the job has none.
 */
export function adminCommentOf(shown: string): string {
  const line = shown.split('\n').find((l) => /^\s*AdminComment=/.test(l));
  return line === undefined ? '' : line.replace(/^\s*AdminComment=/, '').trimEnd();
}

function wordsWithout(comment: string, key: string): string {
  return comment
    .split(' ')
    .filter((word) => word !== '' && !word.startsWith(`${key}=`))
    .join(' ');
}

/**
 * `existing` with our `key=` word replaced by `key=<render(room)>`. `render` is given the bytes left
 * for its value and returns a value that fits, or null when nothing useful fits; the result is null then.
 */
export function mergeAdminComment(existing: string, key: string, render: (room: number) => string | null, max: number = ADMIN_COMMENT_MAX): string | null {
  const kept = wordsWithout(existing, key);
  const prefix = kept === '' ? `${key}=` : `${kept} ${key}=`;
  const value = render(max - Buffer.byteLength(prefix));
  if (value === null || Buffer.byteLength(prefix + value) > max) return null;
  return prefix + value;
}

/** Why updateAdminComment wrote nothing: Slurm said no, or the comment was full. */
export interface AdminCommentUpdate extends AdminCommentResult {
  /** True when what others wrote left no room for our word: nothing was sent. */
  readonly full?: boolean;
}

/** Reads the job's AdminComment, replaces our `key=` word in it and writes it back, keeping the rest. */
export async function updateAdminComment(jobId: number, key: string, render: (room: number) => string | null, env: Env): Promise<AdminCommentUpdate> {
  const shown = await scontrol(['show', 'job', String(jobId)], { env, timeoutMs: 5_000 });
  if (!shown.ok) return { ok: false, comment: '', error: shown.error, finished: false };
  const existing = adminCommentOf(shown.stdout);
  const comment = mergeAdminComment(existing, key, render);
  if (comment === null) return { ok: false, comment: existing, full: true, error: `the job's AdminComment leaves no room for ${key}= within ${ADMIN_COMMENT_MAX} bytes` };
  return setAdminComment(jobId, comment, env);
}
