/**
 * `qrun workflow run wf.json [--wait]`: a workflow's steps as Slurm jobs chained with dependencies
 * (src/workflow/run.ts); run again, it submits only what has not ended well, resuming an interrupted
 * primitive step from its record.
 */
import type { Command } from 'commander';
import { loadWorkflow } from '../../workflow/spec.js';
import { followWorkflow, runWorkflow, workflowPaths, type StepProgress, type StepReport } from '../../workflow/run.js';
import type { CliContext } from '../context.js';
import { resolvePath } from '../files.js';
import { progressMode } from '../progress.js';
import { isJson } from '../task-command.js';

function describe(report: StepReport): string {
  if (report.fate === 'done') return `${report.name}: done (not run again)`;
  if (report.fate === 'kept') return `${report.name}: job ${report.jobId ?? '?'} (already queued or running)`;
  return `${report.name}: job ${report.jobId ?? '?'} submitted${report.resume ? ' (resumes its task record)' : ''}`;
}

function progressLine(p: StepProgress): string {
  const why = p.reason === null || p.reason === 'None' ? '' : ` (${p.reason})`;
  return `qrun: ${p.step}${p.jobId === null ? '' : ` job ${p.jobId}`}: ${p.state}${why}, ${p.elapsedSeconds.toFixed(0)} s\n`;
}

export function registerWorkflowCommand(program: Command, ctx: CliContext): void {
  const workflow = program.command('workflow').description('run pre → quantum → post steps as Slurm jobs chained with dependencies (docs/user-guide.md)');

  workflow
    .command('run')
    .description('submit the steps that have not ended well yet; with --wait, follow them to the end (progress on stderr)')
    .argument('<workflow>', 'workflow file (JSON)')
    .option('--wait', 'wait until every step is done; exit 75 when a step was interrupted (run again to resume)', false)
    .action(async (file: string, opts: { wait: boolean }, command: Command) => {
      const path = resolvePath(ctx, file);
      const spec = await loadWorkflow(path);
      const paths = workflowPaths(spec, path);
      const slurm = { env: ctx.env, slurmConf: ctx.env['SLURM_CONF'] ?? null };
      const reports = await runWorkflow(spec, paths, { qrun: ctx.self ?? ['qrun'], slurm });
      const json = isJson(command);
      if (json) ctx.stdout.write(`${JSON.stringify({ workflow: spec.name, dir: paths.dir, steps: reports })}\n`);
      else for (const report of reports) ctx.stdout.write(`${describe(report)}\n`);
      if (!opts.wait) return;
      const mode = progressMode(ctx.stderr, json);
      await followWorkflow(spec, paths, reports, {
        slurm,
        onProgress: (p) => {
          if (mode === 'json') ctx.stderr.write(`${JSON.stringify({ event: 'step', ...p })}\n`);
          else if (mode === 'tty') ctx.stderr.write(progressLine(p));
        },
      });
      if (!json) ctx.stdout.write(`${spec.name}: every step done; results in ${paths.dir}\n`);
    });
}
