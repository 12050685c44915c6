/**
 * `qrun admin install [--prefix DIR] [--dry-run] ...`: puts the built shim in Slurm's plugin directory
 * (PluginDir from `scontrol show config`), adds the plugstack line (or a plugstack.conf.d file), creates
 * the service user and the root-only state directory, and prints every change (src/admin/install/).
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { applyStep, describeStep } from '../../admin/install/apply.js';
import { planInstall, type InstallFacts } from '../../admin/install/plan.js';
import { QrunError } from '../../errors.js';
import { showConfig, type SlurmConfig } from '../../slurm/config.js';
import { SHIM_DEFAULTS } from '../../slurm/plugstack.js';
import type { CliContext } from '../context.js';

/** src/cli/commands and dist/cli/commands both sit three levels below the package root. */
const PACKAGE_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Where distributions put Slurm's plugins, for a node whose controller does not answer yet. */
const KNOWN_PLUGIN_DIRS = ['/usr/lib/x86_64-linux-gnu/slurm-wlm', '/usr/lib/aarch64-linux-gnu/slurm-wlm', '/usr/lib64/slurm', '/usr/lib/slurm'];

interface InstallOptions {
  readonly prefix: string;
  readonly dryRun?: boolean;
  readonly shim: string;
  readonly pluginDir?: string;
  readonly plugstack?: string;
  readonly catalogue: string;
  readonly stateDir: string;
  readonly serviceUser: string;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function gatherFacts(opts: InstallOptions, ctx: CliContext): Promise<InstallFacts> {
  let slurm: SlurmConfig | null = null;
  if (opts.pluginDir === undefined || opts.plugstack === undefined) slurm = await showConfig({ env: ctx.env }).catch(() => null);
  let pluginDir = opts.pluginDir ?? slurm?.pluginDirs[0];
  if (pluginDir === undefined) {
    for (const dir of KNOWN_PLUGIN_DIRS) if (await exists(dir)) pluginDir = dir;
  }
  if (pluginDir === undefined) {
    throw new QrunError('SLURM_COMMAND_FAILED', "cannot find Slurm's plugin directory: scontrol show config does not answer and none of the usual places exists", { hint: 'Name it: qrun admin install --plugin-dir /usr/lib/x86_64-linux-gnu/slurm-wlm' });
  }
  const shimSource = resolve(ctx.cwd, opts.shim);
  if (!(await exists(shimSource))) {
    throw new QrunError('FILE_NOT_FOUND', `${shimSource} does not exist: the shim is not built`, { hint: 'Build it against this Slurm\'s headers: apt-get install libslurm-dev libjson-c-dev pkgconf cmake gcc && npm run build:spank -- --required' });
  }
  return {
    shimSource,
    pluginDir,
    plugstack: opts.plugstack ?? slurm?.plugstack ?? '/etc/slurm/plugstack.conf',
    handler: join(PACKAGE_ROOT, 'dist', 'hook', 'main.js'),
    node: process.execPath,
    catalogue: opts.catalogue,
    stateDir: opts.stateDir,
    serviceUser: opts.serviceUser,
    prefix: opts.prefix === '' ? '' : resolve(ctx.cwd, opts.prefix),
  };
}

export function registerAdminInstallCommand(admin: Command, ctx: CliContext): void {
  admin
    .command('install')
    .description("install the built shim into Slurm's plugin directory, add the plugstack line, create the service user and state directory; prints every change")
    .option('--prefix <dir>', 'stage everything below this directory (like DESTDIR; no account is created)', '')
    .option('--dry-run', 'print what would change, change nothing')
    .option('--shim <file>', 'the built shim', join(PACKAGE_ROOT, 'build-spank', 'spank_qpu.so'))
    .option('--plugin-dir <dir>', "Slurm's plugin directory (default: PluginDir from scontrol show config)")
    .option('--plugstack <file>', 'plugstack.conf (default: PlugStackConfig from scontrol show config)')
    .option('--catalogue <file>', 'config= on the plugstack line', SHIM_DEFAULTS.config)
    .option('--state-dir <dir>', 'state_dir= on the plugstack line, created root-only', SHIM_DEFAULTS.state_dir)
    .option('--service-user <name>', 'service_user= on the plugstack line, created when missing', 'qpu-gateway')
    .action(async (opts: InstallOptions, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const dryRun = opts.dryRun === true;
      if (!dryRun && opts.prefix === '' && ctx.uid !== 0) {
        throw new QrunError('NOT_ROOT', "install writes Slurm's plugin directory and /etc, and creates an account", { hint: 'Run it as root (sudo qrun admin install), or look first: qrun admin install --dry-run' });
      }
      const facts = await gatherFacts(opts, ctx);
      const steps = await planInstall(facts);
      for (const step of steps) {
        if (!dryRun) await applyStep(step, ctx.uid === 0);
        if (!json) ctx.stdout.write(`${dryRun && step.kind !== 'note' ? 'would ' : ''}${describeStep(step)}\n`);
      }
      const changed = steps.filter((s) => s.kind !== 'note').length;
      if (json) {
        ctx.stdout.write(`${JSON.stringify({ dry_run: dryRun, changed, steps: steps.map((s) => ({ kind: s.kind, description: describeStep(s) })) })}\n`);
        return;
      }
      ctx.stdout.write(
        changed === 0
          ? 'nothing to change\n'
          : dryRun
            ? `${changed} change${changed === 1 ? '' : 's'} would be made\n`
            : `${changed} change${changed === 1 ? '' : 's'} made; slurmd loads the plugin for new jobs (restart slurmd to refresh its own copy), then run qrun admin doctor\n`,
      );
    });
}
