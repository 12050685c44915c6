/**
 * `qrun run <payload> [output]`: a vendor-native payload (a Pulser sequence for an analog
 * neutral-atom QPU, ...) on the job's granted backend, through the job's gateway as sample and
 * estimate go. The result is the sampler's plain JSON: one PUB whose register holds a sample per shot,
 * with the vendor's own counts in its metadata.
 */
import type { Command } from 'commander';
import { QrunError } from '../../errors.js';
import { toPlain } from '../../primitives/encode-plain.js';
import { selectBackend } from '../../primitives/select-backend.js';
import { runNative } from '../../programs/run.js';
import type { CliContext } from '../context.js';
import { checkWritable, readInputFile, resolvePath, writeOutputFile } from '../files.js';
import { parseJson, parseNumber } from '../primitive-command.js';
import { createProgress, progressMode } from '../progress.js';

interface RunOptions {
  json?: boolean;
  shots?: string;
  backend?: string;
}

async function runCommand(ctx: CliContext, payloadArg: string, outputArg: string | undefined, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<RunOptions>();
  const shots = parseNumber('shots', opts.shots, true);
  if (shots !== undefined && shots <= 0) throw new QrunError('OPTION_INVALID', `--shots must be a positive integer, got ${shots}`, { hint: 'Example: --shots 500' });

  // Refuse an unwritable output before spending any QPU time on the run.
  const output = outputArg === undefined || outputArg === '-' ? undefined : resolvePath(ctx, outputArg);
  if (output !== undefined) await checkWritable(output);
  const selected = selectBackend(ctx.env, opts.backend);
  const payload = parseJson(await readInputFile(resolvePath(ctx, payloadArg)), payloadArg);

  const progress = createProgress({ stream: ctx.stderr, mode: progressMode(ctx.stderr, opts.json === true), label: `native program on ${selected.name}` });
  const started = Date.now();
  const outcome = await runNative(payload, selected, { shots });
  progress.finish();

  const text = `${JSON.stringify(toPlain(outcome))}\n`;
  if (output === undefined) {
    ctx.stdout.write(text);
    return;
  }
  await writeOutputFile(output, text);
  const seconds = (Date.now() - started) / 1000;
  const shotsRun = outcome.pubs[0]?.shots ?? 0;
  if (opts.json === true) ctx.stdout.write(`${JSON.stringify({ output, backend: selected.name, shots: shotsRun, seconds })}\n`);
  else ctx.stdout.write(`wrote ${shotsRun} shots to ${outputArg} (backend ${selected.name}, ${seconds.toFixed(2)} s)\n`);
}

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description("run a vendor-native payload (e.g. a Pulser sequence) on the job's backend and write its counts (stdout when no output is given)")
    .argument('<payload>', 'vendor-native payload: {"program": "pulser", "sequence": ..., "shots": N} (JSON file)')
    .argument('[output]', 'where to write the result JSON (default: stdout)')
    .option('--backend <name>', 'granted backend to run on (default: the first granted)')
    .option('--shots <n>', "shots to run (overrides the payload's shots)")
    .action((payload: string, output: string | undefined, _opts: unknown, cmd: Command) => runCommand(ctx, payload, output, cmd));
}
