/**
 * What `qrun sample` and `qrun estimate` share: options, the output check before any work, reading
 * the payload, running it, and writing the result (plain JSON, or Qiskit-encoded when the payload
 * sets support_qiskit).
 */
import type { Command } from 'commander';
import { QrunError } from '../errors.js';
import { parseMitigationFlag } from '../pipeline/select.js';
import { parseEstimatorParams, parseSamplerParams, type EstimatorParams, type PrimitiveKind, type SamplerParams } from '../primitives/payload.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import { checkRunOptions, runEstimator, runSampler, type RunOptions } from '../primitives/run.js';
import { selectBackend, type SelectedBackend } from '../primitives/select-backend.js';
import { submitTask, type TaskHandle } from '../tasks/handle.js';
import type { CliContext } from './context.js';
import { checkWritable, readInputFile, resolvePath } from './files.js';
import { watchInterrupts } from './interrupt.js';
import { createProgress, createWaitProgress, progressMode, type ProgressMode } from './progress.js';
import { writeResult } from './result-output.js';

interface PrimitiveOptions {
  json?: boolean;
  shots?: string;
  precision?: string;
  seed?: string;
  backend?: string;
  mitigation?: string;
  record?: string;
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
    .option('--mitigation <steps>', 'error-mitigation steps to run, in order, e.g. zne,readout (see `qrun plugins`)')
    .option('--record <file>', 'in a job: where an interrupted run writes its task record (default: the records directory)');
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

  const mode = progressMode(ctx.stderr, json);
  const started = Date.now();
  const inJob = ctx.env['SLURM_JOB_ID'] !== undefined && ctx.env['SLURM_JOB_ID'] !== '';
  const outcome = inJob
    ? await runInterruptible(params, ctx, { ...runOptions, selected, mode, recordFile: opts.record === undefined ? undefined : resolvePath(ctx, opts.record) })
    : await runHere(params, { ...runOptions, selected }, ctx, mode);
  const seconds = (Date.now() - started) / 1000;
  await writeResult(ctx, outcome, { output, outputArg, json, encoding: params.supportQiskit ? 'qiskit' : 'plain' }, { backend: selected.name, seconds });
}

async function runHere(params: SamplerParams | EstimatorParams, run: RunOptions & { selected: SelectedBackend }, ctx: CliContext, mode: ProgressMode, signal?: AbortSignal): Promise<PrimitiveOutcome> {
  const progress = createProgress({ stream: ctx.stderr, mode, label: `${params.kind} on ${run.selected.name}` });
  const withProgress = { ...run, onProgress: (done: number, total: number) => progress.update(done, total) };
  try {
    const running: Promise<PrimitiveOutcome> = params.kind === 'sampler' ? runSampler(params, withProgress) : runEstimator(params, withProgress);
    return await raceAbort(running, signal);
  } finally {
    progress.finish();
  }
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  ]);
}

interface InterruptibleOptions extends RunOptions {
  readonly selected: SelectedBackend;
  readonly mode: ProgressMode;
  readonly recordFile: string | undefined;
}

function interrupted(handle: TaskHandle, reachedVendor: boolean): QrunError {
  const what = reachedVendor ? 'its vendor job keeps running' : 'nothing of it finished';
  return new QrunError('TASK_INTERRUPTED', `the run was interrupted before it finished (${what}); task record ${handle.recordFile}`, {
    hint: `In the next job: qrun resume ${handle.recordFile} [output]`,
    details: { task: handle.id, record: handle.recordFile },
  });
}

/**
 * A run inside a Slurm job: the job's time limit (or `--signal`) writes a task record and ends the
 * run with TASK_INTERRUPTED (exit 75) instead of losing it; scancel still cancels it.
 */
async function runInterruptible(params: SamplerParams | EstimatorParams, ctx: CliContext, options: InterruptibleOptions): Promise<PrimitiveOutcome> {
  const watch = watchInterrupts(ctx);
  const taskCtx = { env: ctx.env, cwd: ctx.cwd, uid: ctx.uid ?? -1 };
  const submitOptions = {
    backend: options.selected.name,
    shots: options.shots,
    precision: options.precision,
    seed: options.seed,
    mitigation: options.mitigation,
    recordFile: options.recordFile,
    persist: false,
  };
  try {
    if (options.selected.kind === 'local') {
      try {
        return await runHere(params, options, ctx, options.mode, watch.signal);
      } catch (error) {
        if (!(error instanceof QrunError && error.code === 'TASK_INTERRUPTED')) throw error;
        const handle = await submitTask(params, taskCtx, submitOptions);
        await handle.save({ state: 'interrupted' });
        throw interrupted(handle, false);
      }
    }
    const handle = await submitTask(params, taskCtx, { ...submitOptions, durability: 'resumable' });
    const progress = createWaitProgress({ stream: ctx.stderr, mode: options.mode });
    try {
      return await handle.collect({ signal: watch.signal, onProgress: (p) => progress.report(p) });
    } catch (error) {
      if (!(error instanceof QrunError)) throw error;
      if (error.code === 'TASK_DETACHED') {
        // The gateway let the vendor job go first (its job's end, or our own detach racing the long
        // poll): to whoever reads the record it is the same interrupted run, resumable.
        await handle.save({ state: 'interrupted' });
        throw interrupted(handle, true);
      }
      if (error.code === 'TASK_INTERRUPTED') throw interrupted(handle, await handle.detach());
      if (error.code === 'TASK_CANCELLED' && watch.signal.aborted) await handle.cancel().catch(() => undefined);
      throw error;
    } finally {
      progress.finish();
    }
  } finally {
    watch.stop();
  }
}
