import type { Command } from 'commander';
import { QrunError } from '../../errors.js';
import type { CliContext } from '../context.js';

export function registerEstimateCommand(program: Command, _ctx: CliContext): void {
  program
    .command('estimate')
    .description('run an Estimator V2 payload and write its result (stdout when no output is given)')
    .argument('<payload>', 'Estimator V2 payload (JSON file)')
    .argument('[output]', 'where to write the result JSON (default: stdout)')
    .action(() => {
      throw new QrunError('NOT_IMPLEMENTED', 'qrun estimate is not implemented yet', {
        hint: 'The built-in simulator path arrives with the primitives work; see CHANGELOG.md.',
      });
    });
}
