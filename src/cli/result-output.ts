/**
 * Writing a result where the user asked: a file (JSON, atomically, and a one-line summary), stdout
 * as JSON when it is piped or --json is given, or tables a person can read on a terminal.
 */
import { toPlain } from '../primitives/encode-plain.js';
import { toQiskit } from '../primitives/encode-qiskit.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import type { CliContext } from './context.js';
import { writeOutputFile } from './files.js';
import { renderTables, tablesFromOutcome } from './render/tables.js';

export interface ResultDestination {
  /** Absolute path, or undefined for stdout. */
  readonly output: string | undefined;
  /** How the user wrote it, for the summary line. */
  readonly outputArg?: string | undefined;
  readonly json: boolean;
  readonly encoding: 'plain' | 'qiskit';
}

export async function writeResult(ctx: CliContext, outcome: PrimitiveOutcome, to: ResultDestination, summary: Record<string, unknown> & { backend: string; seconds: number }): Promise<void> {
  if (to.output === undefined && !to.json && ctx.stdout.isTTY === true) {
    ctx.stdout.write(renderTables(tablesFromOutcome(outcome)));
    return;
  }
  const encoded = to.encoding === 'qiskit' ? toQiskit(outcome) : toPlain(outcome);
  const text = `${JSON.stringify(encoded)}\n`;
  if (to.output === undefined) {
    ctx.stdout.write(text);
    return;
  }
  await writeOutputFile(to.output, text);
  const line = { output: to.output, pubs: outcome.pubs.length, ...summary, seed: outcome.metadata['seed'] };
  if (to.json) ctx.stdout.write(`${JSON.stringify(line)}\n`);
  else {
    const n = outcome.pubs.length;
    ctx.stdout.write(`wrote ${n} PUB result${n === 1 ? '' : 's'} to ${to.outputArg ?? to.output} (backend ${summary.backend}, ${summary.seconds.toFixed(2)} s)\n`);
  }
}
