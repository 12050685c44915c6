/**
 * What the task commands (submit, status, wait, result, cancel, resume) share: the task context
 * from the CLI's, a record shown as one line or JSON, and collecting with progress into the user's
 * output.
 */
import type { Command } from 'commander';
import { QrunError } from '../errors.js';
import type { TaskRecord } from '../tasks/record.js';
import type { TaskContext, TaskHandle } from '../tasks/handle.js';
import type { CliContext } from './context.js';
import { checkWritable, resolvePath } from './files.js';
import { watchInterrupts } from './interrupt.js';
import { createWaitProgress, progressMode } from './progress.js';
import { writeResult } from './result-output.js';

export function taskContext(ctx: CliContext): TaskContext {
  if (ctx.uid === undefined) {
    throw new QrunError('TASK_NOT_OWNED', 'cannot tell which user runs qrun, so no task record can be bound to one', { hint: 'Run qrun on Linux as the user who owns the tasks.' });
  }
  return { env: ctx.env, cwd: ctx.cwd, uid: ctx.uid };
}

export function isJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

/** The record as scripts read it: the file's fields plus where it is. */
export function recordJson(record: TaskRecord, file: string): Record<string, unknown> {
  const { request: _request, ...rest } = record;
  return { ...rest, record: file };
}

export function describeRecord(record: TaskRecord): string {
  const vendor = record.vendor_jobs.length === 0 ? '' : `, vendor job${record.vendor_jobs.length === 1 ? '' : 's'} ${record.vendor_jobs.map((j) => j.id).join(', ')}`;
  const where = record.job_id === null ? '' : `, job ${record.job_id}`;
  const error = record.error === null ? '' : ` — ${record.error.code}: ${record.error.message}`;
  const vendorState = record.vendor_state !== undefined && record.vendor_state !== record.state ? ` (vendor: ${record.vendor_state})` : '';
  return `${record.id}: ${record.state}${vendorState} on ${record.backend} (${record.durability}${where}${vendor})${error}`;
}

export function printRecord(ctx: CliContext, handle: TaskHandle, json: boolean): void {
  ctx.stdout.write(json ? `${JSON.stringify(recordJson(handle.record, handle.recordFile))}\n` : `${describeRecord(handle.record)}\n`);
}

/** Waits for the task (progress on stderr) and writes its result where the user asked. */
export async function collectInto(ctx: CliContext, handle: TaskHandle, outputArg: string | undefined, json: boolean, how: 'collect' | 'resume' | 'wait'): Promise<void> {
  const output = outputArg === undefined || outputArg === '-' ? undefined : resolvePath(ctx, outputArg);
  if (output !== undefined) await checkWritable(output);
  const progress = createWaitProgress({ stream: ctx.stderr, mode: progressMode(ctx.stderr, json) });
  const watch = watchInterrupts(ctx);
  const started = Date.now();
  try {
    const wait = { signal: watch.signal, onProgress: (p: Parameters<typeof progress.report>[0]) => progress.report(p) };
    const outcome = how === 'resume' ? await handle.resume(wait) : await handle.collect(wait);
    progress.finish();
    // wait reports the record (its caller prints it); the result is saved beside it.
    if (how === 'wait') return;
    await writeResult(ctx, outcome, { output, outputArg, json, encoding: handle.record.encoding }, { backend: handle.record.backend, seconds: (Date.now() - started) / 1000, task: handle.id });
  } catch (error) {
    progress.finish();
    if (error instanceof QrunError && (error.code === 'TASK_INTERRUPTED' || error.code === 'TASK_DETACHED')) {
      const reached = await handle.detach();
      throw new QrunError('TASK_INTERRUPTED', `the wait was interrupted${reached ? '; the vendor job keeps running' : ''}; task record ${handle.recordFile}`, {
        hint: `In the next job: qrun resume ${handle.recordFile} [output]`,
        details: { task: handle.id, record: handle.recordFile },
      });
    }
    throw error;
  } finally {
    watch.stop();
  }
}
