import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAdminCheckConfigCommand } from './admin-check-config.js';
import { registerAdminReapCommand } from './admin-reap.js';
import { registerAdminDoctorCommand } from './admin-doctor.js';
import { registerAdminDrainCommands } from './admin-drain.js';
import { registerAdminImportQrmiCommand } from './admin-import-qrmi.js';
import { registerAdminInstallCommand } from './admin-install.js';
import { registerAdminUsageCommand } from './admin-usage.js';

/** `qrun admin ...`: commands for site administrators. Subcommands register in their own files. */
export function registerAdminCommand(program: Command, ctx: CliContext): Command {
  const admin = program.command('admin').description('site administration: check-config, doctor, drain, resume, import-qrmi, usage, install, reap');
  registerAdminCheckConfigCommand(admin, ctx);
  registerAdminReapCommand(admin, ctx);
  registerAdminDoctorCommand(admin, ctx);
  registerAdminDrainCommands(admin, ctx);
  registerAdminImportQrmiCommand(admin, ctx);
  registerAdminUsageCommand(admin, ctx);
  registerAdminInstallCommand(admin, ctx);
  return admin;
}
