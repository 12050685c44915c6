/** `qrun status|wait|result|cancel|resume <id|record>`: following a task from its record. */
import type { Command } from 'commander';
import { openTask } from '../../tasks/handle.js';
import type { CliContext } from '../context.js';
import { collectInto, isJson, printRecord, taskContext } from '../task-command.js';

const REF = 'task id (as qrun submit printed it) or record file';

export function registerTaskCommands(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("a task's state: asked of the job's gateway when it can be, else as last recorded")
    .argument('<task>', REF)
    .action(async (ref: string, _opts: unknown, command: Command) => {
      const handle = await openTask(ref, taskContext(ctx));
      await handle.status();
      printRecord(ctx, handle, isJson(command));
    });

  program
    .command('wait')
    .description('wait until a task ends (progress on stderr) and save its result beside the record; prints its final state')
    .argument('<task>', REF)
    .action(async (ref: string, _opts: unknown, command: Command) => {
      const handle = await openTask(ref, taskContext(ctx));
      const json = isJson(command);
      try {
        await collectInto(ctx, handle, undefined, json, 'wait');
      } finally {
        printRecord(ctx, handle, json);
      }
    });

  program
    .command('result')
    .description("wait for a task and write its result (tables on a terminal, JSON piped or to a file)")
    .argument('<task>', REF)
    .argument('[output]', 'where to write the result JSON (default: stdout)')
    .action(async (ref: string, output: string | undefined, _opts: unknown, command: Command) => {
      await collectInto(ctx, await openTask(ref, taskContext(ctx)), output, isJson(command), 'collect');
    });

  program
    .command('cancel')
    .description('cancel a task and its vendor jobs (in a later job: a job granted the same backend)')
    .argument('<task>', REF)
    .action(async (ref: string, _opts: unknown, command: Command) => {
      const handle = await openTask(ref, taskContext(ctx));
      await handle.cancel();
      printRecord(ctx, handle, isJson(command));
    });

  program
    .command('resume')
    .description('continue an interrupted run: collect its vendor jobs, or resubmit what never reached one; writes the result like qrun sample')
    .argument('<record>', REF)
    .argument('[output]', 'where to write the result JSON (default: stdout)')
    .action(async (ref: string, output: string | undefined, _opts: unknown, command: Command) => {
      await collectInto(ctx, await openTask(ref, taskContext(ctx)), output, isJson(command), 'resume');
    });
}

