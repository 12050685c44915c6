import { CommanderError } from 'commander';
import { processContext, type CliContext } from './context.js';
import { buildProgram } from './program.js';
import { reportError } from './render-error.js';

/**
 * The CLI entry point: parse, run one command, catch once, map the error to an exit code. Returns
 * the exit code instead of exiting so tests can run the CLI in-process; bin/qrun.js sets it.
 */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // --help and --version end parsing through exitOverride with exit code 0: not a failure.
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    return reportError(error, ctx, json);
  }
}
