import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addPrimitiveOptions, runPrimitiveCommand } from '../primitive-command.js';

export function registerEstimateCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('estimate')
    .description('run an Estimator V2 payload and write its result (stdout when no output is given)')
    .argument('<payload>', 'Estimator V2 payload (JSON file)')
    .argument('[output]', 'where to write the result JSON (default: stdout)');
  addPrimitiveOptions(command, 'estimator').action((payload: string, output: string | undefined, _opts: unknown, cmd: Command) =>
    runPrimitiveCommand('estimator', ctx, payload, output, cmd),
  );
}
