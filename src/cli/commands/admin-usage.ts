/**
 * `qrun admin usage [--since WHEN] [--by user|account|backend] [--state-dir DIR] [--json]`: QPU use on
 * this node from the hook's usage records (src/admin/usage.ts). The state directory defaults to the
 * one the spank_qpu.so line names.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { endedSince, parseSince, readUsageRecords, summarize, type UsageGrouping, type UsageRow } from '../../admin/usage.js';
import { showConfig } from '../../slurm/config.js';
import { jobOwners } from '../../slurm/job-owners.js';
import { readPlugstack, SHIM_DEFAULTS, shimLine, shimSettings } from '../../slurm/plugstack.js';
import type { CliContext } from '../context.js';

function grouping(text: string): UsageGrouping {
  if (text !== 'user' && text !== 'account' && text !== 'backend') throw new InvalidArgumentError('expected user, account or backend');
  return text;
}

/** The shim's state_dir on this node, as its plugstack line says; the default when Slurm cannot tell. */
async function nodeStateDir(env: CliContext['env']): Promise<string> {
  try {
    const slurm = await showConfig({ env });
    const line = shimLine(await readPlugstack(slurm.plugstack ?? '/etc/slurm/plugstack.conf'));
    return shimSettings(line?.args ?? []).state_dir;
  } catch {
    return SHIM_DEFAULTS.state_dir;
  }
}

function renderUsage(rows: readonly UsageRow[], by: UsageGrouping): string {
  const header = [by, 'jobs', 'tasks', 'completed', 'failed', 'cancelled', 'shots', 'device_s', 'wall_s'];
  const body = rows.map((r) => [r.key, r.jobs, r.tasks, r.completed, r.failed, r.cancelled, r.shots, r.device_seconds.toFixed(1), r.wall_seconds.toFixed(1)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

export function registerAdminUsageCommand(admin: Command, ctx: CliContext): void {
  admin
    .command('usage')
    .description("sum this node's QPU usage records (tasks, shots, device and wall seconds) by user, account or backend")
    .option('--since <when>', 'only jobs that ended since: a date (2026-12-01) or a span (7d, 12h)')
    .option('--by <key>', 'group by user, account or backend', grouping, 'user')
    .option('--state-dir <dir>', "the hook's state directory (default: the spank_qpu.so line's state_dir)")
    .action(async (opts: { since?: string; by: UsageGrouping; stateDir?: string }, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const since = opts.since === undefined ? null : parseSince(opts.since, new Date());
      const stateDir = opts.stateDir ?? (await nodeStateDir(ctx.env));
      const { records, skipped } = await readUsageRecords(stateDir);
      const owners = opts.by === 'backend' ? new Map() : await jobOwners(endedSince(records, since).map((r) => r.job_id), ctx.env);
      const rows = summarize(records, opts.by, owners, since);
      if (json) {
        ctx.stdout.write(`${JSON.stringify({ state_dir: stateDir, since: since?.toISOString() ?? null, by: opts.by, rows, skipped })}\n`);
        return;
      }
      ctx.stdout.write(rows.length === 0 ? `no QPU usage recorded in ${stateDir}/usage${since === null ? '' : ` since ${since.toISOString()}`}\n` : renderUsage(rows, opts.by));
      for (const file of skipped) ctx.stderr.write(`qrun: skipped ${file}: not a usage record\n`);
    });
}
