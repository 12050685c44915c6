/**
 * What `qrun sample` and `qrun estimate` share: options, the output check before any work, reading
 * the payload, running it, and writing the result (plain JSON, or Qiskit-encoded when the payload
 * sets support_qiskit).
 */
import type { Command } from 'commander';
import { QrunError } from '../errors.js';
import { parseMitigationFlag } from '../pipeline/select.js';
import { toPlain } from '../primitives/encode-plain.js';
import { toQiskit } from '../primitives/encode-qiskit.js';
import { parseEstimatorParams, parseSamplerParams, type PrimitiveKind } from '../primitives/payload.js';
import { checkRunOptions, runEstimator, runSampler, type RunOptions } from '../primitives/run.js';
import { selectBackend } from '../primitives/select-backend.js';
import type { CliContext } from './context.js';
import { checkWritable, readInputFile, resolvePath, writeOutputFile } from './files.js';
import { createProgress } from './progress.js';

interface PrimitiveOptions {
  json?: boolean;
  shots?: string;
  precision?: string;
  seed?: string;
  backend?: string;
  mitigation?: string;
}

export function parseNumber(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
    throw new QrunError('OPTION_INVALID', `--${name} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`, {
      hint: `Example: --${name} ${integer ? '1000' : '0.01'}`,
    });
  }
  return value;
}

export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new QrunError('PAYLOAD_INVALID', `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'A payload is a JSON object: {"pubs": [...], "version": 2} (see docs/user-guide.md).',
      details: { path },
    });
  }
}

export function addPrimitiveOptions(command: Command, kind: PrimitiveKind): Command {
  command
    .option('--backend <name>', 'granted backend to run on (default: the first granted; `sim` outside a QPU job)')
    .option('--seed <n>', 'base seed for the simulator (default: random, reported in the result metadata)')
    .option('--mitigation <steps>', 'error-mitigation steps to run, in order, e.g. zne,readout (see `qrun plugins`)');
  if (kind === 'sampler') command.option('--shots <n>', "shots for PUBs that set none (overrides the payload's shots; default 1024)");
  else command.option('--precision <p>', "target precision for PUBs that set none (overrides the payload's; default 1/64)");
  return command;
}

export async function runPrimitiveCommand(kind: PrimitiveKind, ctx: CliContext, payloadArg: string, outputArg: string | undefined, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<PrimitiveOptions>();
  const json = opts.json === true;
  const runOptions: RunOptions = {
    env: ctx.env,
    backend: opts.backend,
    seed: parseNumber('seed', opts.seed, true),
    mitigation: opts.mitigation === undefined ? undefined : parseMitigationFlag(opts.mitigation),
    ...(kind === 'sampler' ? { shots: parseNumber('shots', opts.shots, true) } : { precision: parseNumber('precision', opts.precision, false) }),
  };
  checkRunOptions(runOptions);

  // Refuse an unwritable output before spending any time (or QPU budget) on the run.
  const output = outputArg === undefined || outputArg === '-' ? undefined : resolvePath(ctx, outputArg);
  if (output !== undefined) await checkWritable(output);
  const selected = selectBackend(ctx.env, opts.backend);

  const payloadPath = resolvePath(ctx, payloadArg);
  const payload = parseJson(await readInputFile(payloadPath), payloadArg);
  const params = kind === 'sampler' ? parseSamplerParams(payload) : parseEstimatorParams(payload);

  // A script that pipes --json output wants nothing but the result and errors.
  const progress = createProgress({ stream: ctx.stderr, enabled: !(json && ctx.stdout.isTTY !== true), label: `${kind} on ${selected.name}` });
  const started = Date.now();
  const run = { ...runOptions, selected, onProgress: (done: number, total: number) => progress.update(done, total) };
  const outcome = params.kind === 'sampler' ? await runSampler(params, run) : await runEstimator(params, run);
  progress.finish();

  const encoded = params.supportQiskit ? toQiskit(outcome) : toPlain(outcome);
  const text = `${JSON.stringify(encoded)}\n`;
  if (output === undefined) {
    ctx.stdout.write(text);
    return;
  }
  await writeOutputFile(output, text);
  const seconds = (Date.now() - started) / 1000;
  const summary = { output, pubs: outcome.pubs.length, backend: selected.name, seconds, seed: outcome.metadata['seed'] };
  if (json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
  else ctx.stdout.write(`wrote ${summary.pubs} PUB result${summary.pubs === 1 ? '' : 's'} to ${outputArg} (backend ${selected.name}, ${seconds.toFixed(2)} s)\n`);
}
