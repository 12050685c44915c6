import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `qrun admin ...`: commands for site administrators. Subcommands register in their own files. */
export function registerAdminCommand(program: Command, _ctx: CliContext): Command {
  return program.command('admin').description('site administration (configuration checks)');
}
