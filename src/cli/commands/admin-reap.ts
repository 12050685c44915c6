import type { Command } from 'commander';
import { QrunError } from '../../errors.js';
import { checkStateDir } from '../../hook/fsutil.js';
import { nodeHookDeps } from '../../hook/node-deps.js';
import { statePaths } from '../../hook/paths.js';
import { reap, type ReapEntry } from '../../hook/reaper.js';
import type { CliContext } from '../context.js';

interface ReapOptions {
  readonly dryRun?: boolean;
  readonly stateDir: string;
  readonly config: string;
}

const ACTION_TEXT: Record<ReapEntry['action'], string> = {
  released: 'released',
  'would-release': 'would release',
  left: 'left alone',
  busy: 'skipped (another handler holds its lock)',
  pending: 'released; a vendor session is still to close (tried again next time)',
  failed: 'failed',
};

function line(entry: ReapEntry): string {
  const what = entry.backends.length > 0 ? entry.backends.join(',') : entry.state;
  const error = entry.error === undefined ? '' : `: ${entry.error}`;
  return `job ${entry.jobId} (${what}, lease ${entry.state}): Slurm says ${entry.presence}; ${ACTION_TEXT[entry.action]}${error}\n`;
}

/**
 * `qrun admin reap [--dry-run] [--json]`: releases, on this node, every QPU lease whose job Slurm no
 * longer runs, the way the job's epilog would have; `--dry-run` says what it would release. Jobs
 * Slurm still runs, or cannot tell about, are left alone. Runs as root (the state directory is root's).
 */
export function registerAdminReapCommand(admin: Command, ctx: CliContext): void {
  admin
    .command('reap')
    .description("release this node's QPU leases whose job Slurm no longer runs (as the epilog would)")
    .option('--dry-run', 'print what would be released; release nothing')
    .option('--state-dir <dir>', 'the hook state directory (plugstack state_dir=)', '/var/lib/slurm-qpu')
    .option('--config <file>', 'the catalogue, for leases that do not name theirs (plugstack config=)', '/etc/slurm/qpu.json')
    .action(async (opts: ReapOptions, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      if (ctx.uid !== undefined && ctx.uid !== 0) {
        throw new QrunError('NOT_ROOT', 'qrun admin reap must run as root: the QPU state directory is root-only', { hint: 'Run it with sudo on the node.' });
      }
      const paths = statePaths(opts.stateDir);
      await checkStateDir(paths.root, [paths.leases, paths.lanes, paths.locks]);
      const deps = await nodeHookDeps({ paths, env: ctx.env, timeoutSeconds: 60, bindings: { action: 'reap', by: 'qrun admin reap' } });
      const withDefault = { ...deps, loadCatalogue: (path: string) => deps.loadCatalogue(path === '' ? opts.config : path) };
      const entries = await reap(withDefault, { dryRun: opts.dryRun === true });
      deps.log.flush();
      if (json) {
        ctx.stdout.write(`${JSON.stringify({ ok: entries.every((e) => e.action !== 'failed'), dryRun: opts.dryRun === true, jobs: entries })}\n`);
        return;
      }
      if (entries.length === 0) {
        ctx.stdout.write(`no QPU leases on this node (${paths.leases})\n`);
        return;
      }
      for (const entry of entries) ctx.stdout.write(line(entry));
    });
}
