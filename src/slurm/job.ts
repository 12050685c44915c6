import { QrunError } from '../errors.js';
import { expandHostlist } from './hostlist.js';
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

/** One group of the job's nodes with the same allocation (`Nodes=qn[1-2] ... GRES=qpu:sim(CNT:1)`). */
export interface NodeAllocation {
  readonly nodes: readonly string[];
  /** GRES the job holds on each of these nodes. */
  readonly gres: readonly GresHeld[];
}

export interface SlurmJobFacts {
  readonly jobId: number;
  readonly uid: number;
  readonly state: string;
  /** Allocated GRES, job-wide (JOB_GRES): the sum over its nodes. */
  readonly gres: readonly GresHeld[];
  /** What the job holds on each node (the detail lines of `-d`); absent in answers without them. */
  readonly perNode?: readonly NodeAllocation[];
  readonly licenses: readonly LicenseHeld[];
  /** Epoch seconds when the allocation ends; null when it has no end (TimeLimit=UNLIMITED). */
  readonly endTime: number | null;
  /** The leader's job id when this job is one component of a heterogeneous job. */
  readonly hetJobId?: number;
  /** The node the batch script runs on, once the job runs (BatchHost); null before, or for salloc. */
  readonly batchHost?: string | null;
}

export interface SlurmJobSource {
  show(jobId: number): Promise<SlurmJobFacts>;
  /** Every component of the heterogeneous job led by `hetJobId`; absent: not asked. */
  hetComponents?(hetJobId: number): Promise<SlurmJobFacts[]>;
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

/** Splits on commas outside parentheses: `(IDX:0-1,3)` holds commas of its own. */
function gresItems(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '(') depth++;
    else if (value[i] === ')') depth = Math.max(0, depth - 1);
    else if (value[i] === ',' && depth === 0) {
      items.push(value.slice(start, i));
      start = i + 1;
    }
  }
  items.push(value.slice(start));
  return items.map((item) => item.trim()).filter(Boolean);
}

/**
 * `qpu:sim:1,qpu:2,gpu:a100:1` (JOB_GRES), and a node's share as `-d` prints it: `qpu:sim(CNT:2)`
 * for a count-only GRES, `qpu:sim:2(IDX:0-1)` for one with device files.
 */
export function parseGresList(value: string): GresHeld[] {
  if (isNull(value)) return [];
  return gresItems(value).map((raw) => {
    const counted = /\(CNT:(\d+)\)$/.exec(raw);
    const item = raw.replace(/\(.*\)$/, '').trim();
    const parts = item.split(':');
    const name = parts[0] ?? '';
    const last = parts[parts.length - 1] ?? '';
    const hasCount = parts.length > 1 && /^\d+$/.test(last);
    const count = hasCount ? Number(last) : counted?.[1] !== undefined ? Number(counted[1]) : 1;
    const typeParts = parts.slice(1, hasCount ? -1 : undefined);
    return { name, type: typeParts.length > 0 ? typeParts.join(':') : undefined, count };
  });
}

/**
 * The `-d` detail groups: `Nodes=<hostlist> CPU_IDs=.. Mem=.. GRES=<share>`, one per set of nodes
 * with the same allocation. A user could write such a group into a job name; it then names a node
 * twice, and the answer is refused (the real groups cover each node once).
 */
function parseNodeGroups(line: string): NodeAllocation[] {
  const groups = [...line.matchAll(/(?:^|\s)Nodes=(\S+) CPU_IDs=\S* Mem=\S*(?: GRES=(\S*))?/g)].map((m) => ({
    nodes: expandHostlist(m[1] ?? ''),
    gres: parseGresList(m[2] ?? ''),
  }));
  const seen = new Set<string>();
  for (const node of groups.flatMap((g) => g.nodes)) {
    if (seen.has(node)) throw new SlurmJobError(`scontrol printed node ${node} in two allocation groups (a job name or path contains "Nodes="); refusing to guess`);
    seen.add(node);
  }
  return groups;
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

/**
 * `scontrol show job -o <id>` prints one line per job, and for the leader of a heterogeneous job one
 * line per component (each with its own JobId): the line of `jobId` is the answer.
 */
export function parseScontrolJob(output: string, jobId: number): SlurmJobFacts {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const mine = lines.length <= 1 ? lines : lines.filter((line) => new RegExp(`^JobId=${jobId}\\s`).test(line));
  if (mine.length !== 1) throw new SlurmJobError(`scontrol printed ${lines.length} jobs and ${mine.length} lines for job ${jobId}; refusing to guess`);
  return parseJobLine(mine[0] ?? '', jobId);
}

/** Every component of a heterogeneous job, as `scontrol show job -o <leader>` prints them. */
export function parseHetComponents(output: string, hetJobId: number): SlurmJobFacts[] {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const id = Number(/^JobId=(\d+)\s/.exec(line)?.[1] ?? Number.NaN);
    const facts = parseJobLine(line, id);
    if (facts.hetJobId !== hetJobId) throw new SlurmJobError(`scontrol printed job ${id}, which is no component of job ${hetJobId}`);
    return facts;
  });
}

function parseJobLine(text: string, jobId: number): SlurmJobFacts {
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
  const perNode = parseNodeGroups(text);
  const het = /(?:^|\s)HetJobId=/.test(text) ? uniqueField(text, 'HetJobId') : '';
  return {
    jobId,
    uid: Number(userMatch[1]),
    state: uniqueField(text, 'JobState'),
    gres: parseGresList(uniqueField(text, 'JOB_GRES')),
    ...(perNode.length > 0 ? { perNode } : {}),
    licenses: parseLicenseList(uniqueField(text, 'Licenses')),
    endTime,
    ...(/^\d+$/.test(het) ? { hetJobId: Number(het) } : {}),
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
  const showJob = async (jobId: number): Promise<string> => {
    const result = await scontrol(['show', 'job', '-d', '-o', String(jobId)], {
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.scontrol === undefined ? {} : { scontrol: options.scontrol }),
      timeoutMs: options.timeoutMs,
      extraEnv: { SLURM_TIME_FORMAT: '%s' },
    });
    if (!result.ok) throw new SlurmJobError(`scontrol show job ${jobId} failed: ${result.error}`);
    return result.stdout;
  };
  return {
    show: async (jobId: number) => parseScontrolJob(await showJob(jobId), jobId),
    hetComponents: async (hetJobId: number) => parseHetComponents(await showJob(hetJobId), hetJobId),
  };
}
