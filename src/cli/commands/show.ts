import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { readInputFile, resolvePath } from '../files.js';
import { parseJson } from '../primitive-command.js';
import { tablesFromFile } from '../render/read-result.js';
import { renderTables } from '../render/tables.js';

export function registerShowCommand(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('print a saved result (plain or Qiskit-encoded JSON) as tables: counts with bars, or expectation values with standard errors')
    .argument('<result>', 'result JSON file, as qrun sample|estimate|result wrote it')
    .action(async (file: string) => {
      const data = parseJson(await readInputFile(resolvePath(ctx, file)), file);
      ctx.stdout.write(renderTables(tablesFromFile(data, file)));
    });
}
