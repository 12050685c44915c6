import { QrunError } from '../errors.js';
import { scontrol } from './scontrol.js';

/**
 * What Slurm's controller says about a job: the capacity it holds, its owner, and when its
 * allocation ends. Read with `scontrol show job -d -o <id>` (SLURM_TIME_FORMAT=%s for epoch times),
 * never from the job's environment, which the user controls.
 *
 * The one-line format is `Key=value` tokens, and some values are user text (JobName, WorkDir,
 * Command, StdOut...). A user could put " JOB_GRES=qpu:x:1" in a job name, so each key we rely on
 * must appear exactly once; when it does not, the facts are ambiguous and the hook fails closed.
 * (22.05's `squeue --json` is structured but ignores `-j` and dumps every job.)
 */

export interface GresHeld {
  readonly name: string;
  /** The GRES type (`sim` in `qpu:sim:1`), undefined for an untyped count. */
  readonly type: string | undefined;
  readonly count: number;
}

export interface LicenseHeld {
  readonly name: string;
  readonly count: number;
}

export interface SlurmJobFacts {
  readonly jobId: number;
  readonly uid: number;
  readonly state: string;
  /** Allocated GRES, job-wide (JOB_GRES). */
  readonly gres: readonly GresHeld[];
  readonly licenses: readonly LicenseHeld[];
  /** Epoch seconds when the allocation ends; null when it has no end (TimeLimit=UNLIMITED). */
  readonly endTime: number | null;
  /** The node the batch script runs on, once the job runs (BatchHost); null before, or for salloc. */
  readonly batchHost?: string | null;
}

export interface SlurmJobSource {
  show(jobId: number): Promise<SlurmJobFacts>;
}

/** scontrol failed or printed something this version cannot read: no QPU is granted on a guess. */
export class SlurmJobError extends QrunError {
  constructor(message: string) {
    super('SLURM_COMMAND_FAILED', message, { hint: 'Check that slurmctld answers (scontrol ping) and that this node runs the Slurm version slurm-qpu was built for.' });
  }
}

function uniqueField(text: string, key: string): string {
  const pattern = new RegExp(`(?:^|\\s)${key}=(\\S*)`, 'g');
  const values = [...text.matchAll(pattern)].map((m) => m[1] ?? '');
  if (values.length !== 1) {
    throw new SlurmJobError(
      values.length === 0
        ? `scontrol printed no ${key}= field`
        : `scontrol printed ${key}= ${values.length} times (a job name, path or comment contains "${key}="); refusing to guess`,
    );
  }
  return values[0] ?? '';
}

function isNull(value: string): boolean {
  return value === '' || value === '(null)' || value === 'N/A';
}

/** `qpu:sim:1,qpu:2,gpu:a100:1` (JOB_GRES). Also strips `(IDX:..)`/`(CNT:..)` details. */
export function parseGresList(value: string): GresHeld[] {
  if (isNull(value)) return [];
  return value
    .split(',')
    .map((item) => item.replace(/\(.*\)$/, '').trim())
    .filter(Boolean)
    .map((item) => {
      const parts = item.split(':');
      const name = parts[0] ?? '';
      const last = parts[parts.length - 1] ?? '';
      const hasCount = parts.length > 1 && /^\d+$/.test(last);
      const count = hasCount ? Number(last) : 1;
      const typeParts = parts.slice(1, hasCount ? -1 : undefined);
      return { name, type: typeParts.length > 0 ? typeParts.join(':') : undefined, count };
    });
}

/** `qpu_sim_shared:1,other:2` (Licenses=). A license without a count means 1. */
export function parseLicenseList(value: string): LicenseHeld[] {
  if (isNull(value)) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const match = /^([^:]+)(?::(\d+))?$/.exec(item);
      if (!match?.[1]) throw new SlurmJobError(`cannot read license "${item}"`);
      return { name: match[1], count: match[2] === undefined ? 1 : Number(match[2]) };
    });
}

export function parseScontrolJob(text: string, jobId: number): SlurmJobFacts {
  const id = uniqueField(text, 'JobId');
  if (id !== String(jobId)) throw new SlurmJobError(`scontrol answered for job ${id}, not ${jobId}`);
  const userMatch = /\((\d+)\)$/.exec(uniqueField(text, 'UserId'));
  if (!userMatch?.[1]) throw new SlurmJobError('cannot read UserId');
  const end = uniqueField(text, 'EndTime');
  let endTime: number | null = null;
  if (/^\d+$/.test(end)) endTime = Number(end);
  else if (end !== 'Unknown' && !isNull(end)) throw new SlurmJobError(`cannot read EndTime=${end} (is SLURM_TIME_FORMAT=%s honoured?)`);
  // Slurm gives a job without a time limit an EndTime a year after its start: that is no deadline.
  // TimeLimit= is read like every field (a repeat fails closed); old answers without it keep EndTime.
  if (/(?:^|\s)TimeLimit=/.test(text) && uniqueField(text, 'TimeLimit') === 'UNLIMITED') endTime = null;
  return {
    jobId,
    uid: Number(userMatch[1]),
    state: uniqueField(text, 'JobState'),
    gres: parseGresList(uniqueField(text, 'JOB_GRES')),
    licenses: parseLicenseList(uniqueField(text, 'Licenses')),
    endTime,
    batchHost: /(?:^|\s)BatchHost=(\S+)/.exec(text)?.[1] ?? null,
  };
}

export interface ScontrolOptions {
  readonly scontrol?: string;
  readonly timeoutMs: number;
  /** Environment for scontrol (SLURM_CONF); SLURM_TIME_FORMAT is always set to %s. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function scontrolJobSource(options: ScontrolOptions): SlurmJobSource {
  return {
    async show(jobId: number): Promise<SlurmJobFacts> {
      const result = await scontrol(['show', 'job', '-d', '-o', String(jobId)], {
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.scontrol === undefined ? {} : { scontrol: options.scontrol }),
        timeoutMs: options.timeoutMs,
        extraEnv: { SLURM_TIME_FORMAT: '%s' },
      });
      if (!result.ok) throw new SlurmJobError(`scontrol show job ${jobId} failed: ${result.error}`);
      return parseScontrolJob(result.stdout, jobId);
    },
  };
}
