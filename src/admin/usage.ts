/**
 * `qrun admin usage`: sums the usage records the hook writes at release (`<state_dir>/usage/<job>.json`,
 * one per job per node: tasks, shots, device and wall time per backend, as the gateway metered them),
 * by user, account or backend. Owners come from Slurm (src/slurm/job-owners.ts); a job Slurm no
 * longer knows counts as `unknown`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { QrunError } from '../errors.js';
import type { JobOwner } from '../slurm/job-owners.js';

const backendUsageSchema = z.object({
  tasks: z.number(),
  completed: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  shots: z.number(),
  wall_ms: z.number(),
  device_ms: z.number(),
});

const recordSchema = z.object({
  job_id: z.number().int(),
  since: z.string(),
  recorded: z.string().optional(),
  backends: z.record(z.string(), backendUsageSchema),
});

export type UsageRecord = z.infer<typeof recordSchema>;
export type UsageGrouping = 'user' | 'account' | 'backend';

export interface UsageRow {
  readonly key: string;
  jobs: number;
  tasks: number;
  completed: number;
  failed: number;
  cancelled: number;
  shots: number;
  device_seconds: number;
  wall_seconds: number;
}

/** Every readable record under `<stateDir>/usage/`; a damaged one is reported in `skipped`, not summed. */
export async function readUsageRecords(stateDir: string): Promise<{ records: UsageRecord[]; skipped: string[] }> {
  const dir = join(stateDir, 'usage');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { records: [], skipped: [] };
    throw new QrunError(code === 'EACCES' ? 'NOT_ROOT' : 'FILE_UNREADABLE', `cannot read ${dir}: ${(error as Error).message}`, { hint: 'Usage records are root\'s: sudo qrun admin usage' });
  }
  const records: UsageRecord[] = [];
  const skipped: string[] = [];
  for (const name of names.filter((n) => /^\d+\.json$/.test(n)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10))) {
    try {
      records.push(recordSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8'))));
    } catch {
      skipped.push(join(dir, name));
    }
  }
  return { records, skipped };
}

/** `2026-12-01`, `2026-12-01T10:00Z`, or a span back from now: `7d`, `12h`, `30m`. */
export function parseSince(text: string, now: Date): Date {
  const span = /^(\d+)([dhm])$/.exec(text);
  if (span?.[1] !== undefined && span[2] !== undefined) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[span[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() - Number(span[1]) * unit);
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new QrunError('USAGE', `--since ${text}: expected a date (2026-12-01, 2026-12-01T10:00Z) or a span (7d, 12h, 30m)`);
  return new Date(at);
}

function emptyRow(key: string): UsageRow {
  return { key, jobs: 0, tasks: 0, completed: 0, failed: 0, cancelled: 0, shots: 0, device_seconds: 0, wall_seconds: 0 };
}

/** The records of jobs that ended at or after `since` (all when null). */
export function endedSince(records: readonly UsageRecord[], since: Date | null): UsageRecord[] {
  return since === null ? [...records] : records.filter((r) => Date.parse(r.recorded ?? r.since) >= since.getTime());
}

export function summarize(records: readonly UsageRecord[], by: UsageGrouping, owners: ReadonlyMap<number, JobOwner>, since: Date | null): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const record of endedSince(records, since)) {
    const owner = owners.get(record.job_id);
    const keys = new Set<string>();
    for (const [backend, usage] of Object.entries(record.backends)) {
      const key = by === 'backend' ? backend : by === 'user' ? (owner?.user ?? 'unknown') : owner?.account || 'unknown';
      const row = rows.get(key) ?? emptyRow(key);
      rows.set(key, row);
      if (!keys.has(key)) row.jobs += 1;
      keys.add(key);
      row.tasks += usage.tasks;
      row.completed += usage.completed;
      row.failed += usage.failed;
      row.cancelled += usage.cancelled;
      row.shots += usage.shots;
      row.device_seconds += usage.device_ms / 1000;
      row.wall_seconds += usage.wall_ms / 1000;
    }
  }
  return [...rows.values()].sort((a, b) => b.device_seconds - a.device_seconds || a.key.localeCompare(b.key));
}
