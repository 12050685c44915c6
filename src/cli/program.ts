import { Command } from 'commander';
import { VERSION } from '../version.js';
import type { CliContext } from './context.js';
import { registerAdminCommand } from './commands/admin.js';
import { registerBackendsCommand } from './commands/backends.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEstimateCommand } from './commands/estimate.js';
import { registerPluginsCommand } from './commands/plugins.js';
import { registerRunCommand } from './commands/run.js';
import { registerSampleCommand } from './commands/sample.js';
import { registerShowCommand } from './commands/show.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerTaskCommands } from './commands/tasks.js';
import { registerVqpuCommand } from './commands/vqpu.js';
import { registerWorkflowCommand } from './commands/workflow.js';
import { EXIT_CODES } from './exit-codes.js';

const EXIT_CODE_HELP = Object.entries(EXIT_CODES)
  .map(([family, code]) => `  ${String(code).padStart(3)}  ${family}`)
  .join('\n');

/** Builds the command tree. Each subcommand lives in its own file under commands/. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('qrun')
    .description(
      'Run Qiskit-style Sampler/Estimator primitives on the QPU a Slurm job was granted,\n' +
        'or on the built-in simulator outside a QPU job.',
    )
    .version(VERSION, '-V, --version', 'print the slurm-qpu version')
    .option('--json', 'machine-readable output and errors', false)
    .addHelpText('after', `\nExit codes (see docs/errors.md):\n${EXIT_CODE_HELP}\n`)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      // Errors are reported once, by main(), with their code and hint.
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true);

  registerSampleCommand(program, ctx);
  registerEstimateCommand(program, ctx);
  registerSubmitCommand(program, ctx);
  registerTaskCommands(program, ctx);
  registerShowCommand(program, ctx);
  registerVqpuCommand(program, ctx);
  registerWorkflowCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerBackendsCommand(program, ctx);
  registerAdminCommand(program, ctx);
  registerDoctorCommand(program, ctx);
  registerPluginsCommand(program, ctx);
  return program;
}
