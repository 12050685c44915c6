import type { Command } from 'commander';
import { QrunError } from '../../errors.js';
import type { CliContext } from '../context.js';

export function registerSampleCommand(program: Command, _ctx: CliContext): void {
  program
    .command('sample')
    .description('run a Sampler V2 payload and write its result (stdout when no output is given)')
    .argument('<payload>', 'Sampler V2 payload (JSON file)')
    .argument('[output]', 'where to write the result JSON (default: stdout)')
    .action(() => {
      throw new QrunError('NOT_IMPLEMENTED', 'qrun sample is not implemented yet', {
        hint: 'The built-in simulator path arrives with the primitives work; see CHANGELOG.md.',
      });
    });
}
