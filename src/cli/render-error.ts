import { CommanderError } from 'commander';
import { asQrunError, QrunError } from '../errors.js';
import type { CliContext } from './context.js';
import { exitCodeFor } from './exit-codes.js';

/** Turns anything thrown by a command into one line on stderr (or a JSON object) and an exit code. */
export function reportError(error: unknown, ctx: CliContext, json: boolean): number {
  const qrunError =
    error instanceof CommanderError
      ? new QrunError('USAGE', error.message.replace(/^error: /, ''), { hint: 'Run `qrun --help` for usage.' })
      : asQrunError(error);
  if (json) {
    ctx.stderr.write(`${JSON.stringify({ error: qrunError.toJSON() })}\n`);
  } else {
    ctx.stderr.write(`qrun: error [${qrunError.code}]: ${qrunError.message}\n`);
    if (qrunError.hint !== undefined) ctx.stderr.write(`  hint: ${qrunError.hint}\n`);
    if (qrunError.code === 'INTERNAL' && qrunError.cause instanceof Error && qrunError.cause.stack) {
      ctx.stderr.write(`${qrunError.cause.stack}\n`);
    }
  }
  return exitCodeFor(qrunError.code);
}
