import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addPrimitiveOptions, runPrimitiveCommand } from '../primitive-command.js';

export function registerSampleCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('sample')
    .description('run a Sampler V2 payload and write its result (stdout when no output is given)')
    .argument('<payload>', 'Sampler V2 payload (JSON file)')
    .argument('[output]', 'where to write the result JSON (default: stdout)');
  addPrimitiveOptions(command, 'sampler').action((payload: string, output: string | undefined, _opts: unknown, cmd: Command) =>
    runPrimitiveCommand('sampler', ctx, payload, output, cmd),
  );
}
