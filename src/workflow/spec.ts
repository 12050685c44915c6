/**
 * A workflow file (`qrun workflow run wf.json`): steps that run as Slurm jobs, each after the steps
 * it names (default: the one before it). A step runs a shell command (`run`) or a primitive
 * (`sample`/`estimate` of a payload) whose record and result paths every later step is given.
 * docs/user-guide.md, "Workflows across jobs", documents each field.
 */
import { z } from 'zod';
import { loadJsonConfig } from '../config/load.js';

const STEP_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** sbatch options the workflow sets itself (it chains and names the jobs). */
const OWN_OPTIONS = /^(--dependency|-d|--parsable|--job-name|-J|--output|-o|--chdir|-D|--wrap)(=|$)/;

const stepSchema = z
  .object({
    /** Lower-case letters, digits, _; names the job and the step's files. */
    name: z.string().regex(STEP_NAME, { message: 'must be a-z, 0-9, _ (starting with a letter), at most 32' }),
    /** A shell command (bash), run in the workflow's directory. */
    run: z.string().min(1).optional(),
    /** A Sampler payload (path, relative to the workflow file; $QRUN_WORKFLOW_DIR is expanded in the job). */
    sample: z.string().min(1).optional(),
    /** An Estimator payload, likewise. */
    estimate: z.string().min(1).optional(),
    /** Steps that must have ended well first; default: the step before (none for the first). */
    after: z.array(z.string().regex(STEP_NAME)).optional(),
    /** sbatch options of the step's job (time, capacity, --q_backend...). */
    sbatch: z
      .array(z.string().refine((o) => !OWN_OPTIONS.test(o), { message: 'the workflow sets --dependency, --job-name, --output, --chdir and --parsable itself' }))
      .optional(),
  })
  .strict()
  .refine((s) => [s.run, s.sample, s.estimate].filter((v) => v !== undefined).length === 1, { message: 'give exactly one of run, sample, estimate' });

export const workflowSchema = z
  .object({
    $comment: z.string().optional(),
    /** Names the jobs (<name>.<step>). */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
    /** Where records, results, job scripts and logs go (relative to the file); default <file>.run/. */
    dir: z.string().min(1).optional(),
    steps: z.array(stepSchema).min(1).max(64),
  })
  .strict()
  .superRefine((wf, ctx) => {
    const seen = new Set<string>();
    wf.steps.forEach((step, i) => {
      if (seen.has(step.name)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `step ${step.name} is named twice` });
      for (const before of step.after ?? []) {
        if (!seen.has(before)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'after'], message: `${before} is not a step before ${step.name}` });
      }
      seen.add(step.name);
    });
  });

export type Workflow = z.infer<typeof workflowSchema>;
export type WorkflowStep = Workflow['steps'][number];

export function loadWorkflow(path: string): Promise<Workflow> {
  return loadJsonConfig(workflowSchema, path);
}

/** The steps a step waits for. */
export function predecessors(workflow: Workflow, index: number): string[] {
  const step = workflow.steps[index];
  if (step === undefined) return [];
  if (step.after !== undefined) return step.after;
  const before = workflow.steps[index - 1];
  return before === undefined ? [] : [before.name];
}
