/**
 * Runs a workflow as Slurm jobs: one job script per step in the workflow's directory, submitted with
 * `--dependency=afterok:` on the steps before it, so slurmctld starts each step when the ones it
 * waits for have ended well — the events between steps are Slurm's, nothing polls a shared
 * filesystem. Every step's script exports where each step's record and result live; a step that
 * ends well leaves `<step>.done`, which is how a rerun knows what not to run again (src/workflow/plan.ts).
 * Following a run (`--wait`) asks slurmctld, every couple of seconds, about the steps' jobs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { QrunError } from '../errors.js';
import { writeFileAtomic } from '../hook/fsutil.js';
import { cancelJob, jobOutcome, sbatch, type JobOutcome } from '../slurm/sbatch.js';
import type { ScontrolCall } from '../slurm/scontrol.js';
import { planWorkflow, type PlannedStep, type StepFacts } from './plan.js';
import type { Workflow, WorkflowStep } from './spec.js';

const STATE_FILE = 'workflow.json';
const LIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING']);

export interface WorkflowPaths {
  readonly dir: string;
  readonly base: string;
}

export function workflowPaths(workflow: Workflow, file: string): WorkflowPaths {
  const base = dirname(resolve(file));
  const dir = workflow.dir === undefined ? join(base, `${basename(file).replace(/\.json$/, '')}.run`) : resolve(base, workflow.dir);
  return { dir, base };
}

const stepFile = (dir: string, step: string, suffix: string): string => join(dir, `${step}.${suffix}`);

interface WorkflowState {
  readonly name: string;
  readonly jobs: Record<string, number>;
}

async function readState(dir: string): Promise<WorkflowState | null> {
  try {
    return JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as WorkflowState;
  } catch {
    return null;
  }
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The environment every step's job gets: its workflow, and each step's record and result. */
function exports(workflow: Workflow, paths: WorkflowPaths, qrun: readonly string[]): string[] {
  const dir = paths.dir;
  const lines = [
    `export QRUN_WORKFLOW=${quote(workflow.name)}`,
    `export QRUN_WORKFLOW_DIR=${quote(dir)}`,
    `export QRUN_WORKFLOW_SOURCE=${quote(paths.base)}`,
    // Steps call `qrun` as the workflow's own qrun, wherever PATH points.
    `qrun() { ${qrun.map(quote).join(' ')} "$@"; }`,
    'export -f qrun',
  ];
  for (const step of workflow.steps) {
    const upper = step.name.toUpperCase();
    lines.push(`export QRUN_STEP_${upper}_RESULT=${quote(stepFile(dir, step.name, 'result.json'))}`);
    if (step.run === undefined) lines.push(`export QRUN_STEP_${upper}_RECORD=${quote(stepFile(dir, step.name, 'record.json'))}`);
  }
  return lines;
}

function primitiveCommand(step: WorkflowStep, dir: string, base: string, qrun: readonly string[], resume: boolean): string {
  const self = qrun.map(quote).join(' ');
  const record = quote(stepFile(dir, step.name, 'record.json'));
  const result = quote(stepFile(dir, step.name, 'result.json'));
  if (resume) return `${self} resume ${record} ${result}`;
  const payload = (step.sample ?? step.estimate) as string;
  // Double quotes: $QRUN_WORKFLOW_DIR in the payload path is the job's to expand.
  const path = payload.startsWith('$') || isAbsolute(payload) ? payload : join(base, payload);
  return `${self} ${step.sample !== undefined ? 'sample' : 'estimate'} --record ${record} "${path.replace(/"/g, '\\"')}" ${result}`;
}

function stepScript(workflow: Workflow, step: WorkflowStep, paths: WorkflowPaths, qrun: readonly string[], resume: boolean): string {
  const command = step.run ?? primitiveCommand(step, paths.dir, paths.base, qrun, resume);
  return [
    '#!/bin/bash',
    `# ${workflow.name}: step ${step.name}, written by qrun workflow run`,
    ...exports(workflow, paths, qrun),
    `cd ${quote(paths.dir)} || exit 1`,
    // The step runs as a child the batch shell passes Slurm's warning signal on to (--signal=B:USR1@…).
    `( ${command} ) &`,
    'child=$!',
    `trap 'kill -USR1 "$child" 2>/dev/null' USR1`,
    'while :; do wait "$child"; rc=$?; kill -0 "$child" 2>/dev/null || break; done',
    // Only a step that ended well counts as done; exit 75 (interrupted) leaves its record to resume.
    '[ "$rc" -eq 0 ] || exit "$rc"',
    `touch ${quote(stepFile(paths.dir, step.name, 'done'))}`,
    '',
  ].join('\n');
}

export interface StepReport {
  readonly name: string;
  readonly fate: PlannedStep['fate'];
  readonly jobId: number | null;
  readonly resume: boolean;
}

export interface RunWorkflowOptions {
  /** How a job runs this very qrun (node and its script). */
  readonly qrun: readonly string[];
  readonly slurm: ScontrolCall;
}

/** Submits what the workflow still needs; returns each step's fate and job. */
export async function runWorkflow(workflow: Workflow, paths: WorkflowPaths, options: RunWorkflowOptions): Promise<StepReport[]> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const state = await readState(paths.dir);
  const facts = new Map<string, StepFacts>();
  for (const step of workflow.steps) {
    const jobId = state?.jobs[step.name] ?? null;
    const outcome = jobId === null ? null : await jobOutcome(jobId, options.slurm);
    facts.set(step.name, {
      done: existsSync(stepFile(paths.dir, step.name, 'done')),
      jobId,
      live: outcome !== null && outcome.state !== null && LIVE.has(outcome.state),
      recorded: existsSync(stepFile(paths.dir, step.name, 'record.json')),
    });
  }
  const plan = planWorkflow(workflow, facts);
  const jobs: Record<string, number> = { ...(state?.jobs ?? {}) };
  const reports: StepReport[] = [];
  for (const planned of plan) {
    const step = workflow.steps.find((s) => s.name === planned.name) as WorkflowStep;
    if (planned.fate === 'submit') {
      if (planned.cancel !== null) await cancelJob(planned.cancel, options.slurm);
      const script = stepFile(paths.dir, step.name, 'sh');
      await writeFile(script, stepScript(workflow, step, paths, options.qrun, planned.resume), { mode: 0o700 });
      const waits = planned.waitFor.map((name) => jobs[name]).filter((id): id is number => id !== undefined);
      const own = step.sbatch ?? [];
      // A primitive step hears of its time limit a minute ahead (the batch shell passes it on).
      const signal = step.run === undefined && !own.some((o) => o.startsWith('--signal')) ? ['--signal=B:USR1@60'] : [];
      jobs[step.name] = await sbatch(
        [
          `--job-name=${workflow.name}.${step.name}`,
          `--chdir=${paths.dir}`,
          `--output=${stepFile(paths.dir, step.name, '%j.out')}`,
          ...(waits.length === 0 ? [] : [`--dependency=afterok:${waits.join(':')}`, '--kill-on-invalid-dep=yes']),
          ...signal,
          ...own,
        ],
        script,
        options.slurm,
      );
    }
    reports.push({ name: step.name, fate: planned.fate, jobId: planned.fate === 'done' ? null : (jobs[step.name] ?? null), resume: planned.resume });
  }
  await writeFileAtomic(join(paths.dir, STATE_FILE), `${JSON.stringify({ name: workflow.name, jobs }, null, 2)}\n`, 0o600);
  return reports;
}

export interface StepProgress {
  readonly step: string;
  readonly jobId: number | null;
  /** done, or Slurm's state of its job. */
  readonly state: string;
  readonly reason: string | null;
  readonly elapsedSeconds: number;
}

/**
 * Follows the steps' jobs until every step is done or one cannot go on; reports each change. Throws
 * TASK_INTERRUPTED when a primitive step ended resumable (exit 75), WORKFLOW_STEP_FAILED otherwise.
 */
export async function followWorkflow(workflow: Workflow, paths: WorkflowPaths, reports: readonly StepReport[], options: { slurm: ScontrolCall; onProgress: (p: StepProgress) => void; everyMs?: number; signal?: AbortSignal }): Promise<void> {
  const started = Date.now();
  const last = new Map<string, string>();
  for (;;) {
    let allDone = true;
    for (const report of reports) {
      const done = existsSync(stepFile(paths.dir, report.name, 'done'));
      const outcome: JobOutcome = done || report.jobId === null ? { state: 'DONE', exitCode: 0, reason: null } : await jobOutcome(report.jobId, options.slurm);
      const state = done ? 'done' : (outcome.state ?? 'GONE').toLowerCase();
      const key = `${state}/${outcome.reason ?? ''}`;
      if (last.get(report.name) !== key) {
        last.set(report.name, key);
        options.onProgress({ step: report.name, jobId: report.jobId, state, reason: state === 'pending' ? outcome.reason : null, elapsedSeconds: (Date.now() - started) / 1000 });
      }
      if (done) continue;
      allDone = false;
      // A job Slurm has forgotten without leaving its done-marker did not end well.
      const ended = outcome.state === null || !LIVE.has(outcome.state);
      if (ended || outcome.reason === 'DependencyNeverSatisfied') {
        if (outcome.exitCode === 75) {
          throw new QrunError('TASK_INTERRUPTED', `step ${report.name} of ${workflow.name} was interrupted (job ${report.jobId}); its task record is kept`, {
            hint: 'Run the same qrun workflow run again: the step resumes from its record, the steps after it follow.',
            details: { step: report.name, job: report.jobId },
          });
        }
        throw new QrunError('WORKFLOW_STEP_FAILED', `step ${report.name} of ${workflow.name} ended ${outcome.state ?? 'unknown'}${outcome.exitCode === null ? '' : ` (exit ${outcome.exitCode})`}; the steps after it will not run`, {
          hint: `Read ${stepFile(paths.dir, report.name, `${report.jobId ?? 'JOB'}.out`)}, fix the step, and run qrun workflow run again: steps that ended well are not run twice.`,
          details: { step: report.name, job: report.jobId },
        });
      }
    }
    if (allDone) return;
    await sleep(options.everyMs ?? 2_000, undefined, options.signal === undefined ? undefined : { signal: options.signal });
  }
}
