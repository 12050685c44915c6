import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAdminCheckConfigCommand } from './admin-check-config.js';
import { registerAdminReapCommand } from './admin-reap.js';

/** `qrun admin ...`: commands for site administrators. Subcommands register in their own files. */
export function registerAdminCommand(program: Command, ctx: CliContext): Command {
  const admin = program.command('admin').description('site administration (configuration checks)');
  registerAdminCheckConfigCommand(admin, ctx);
  registerAdminReapCommand(admin, ctx);
  return admin;
}
