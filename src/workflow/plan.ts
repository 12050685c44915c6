/**
 * What a (re)run of a workflow submits: a step whose done-marker exists is skipped, one whose job
 * Slurm still runs or queues is kept, and every other one is submitted — as is every step after one
 * that is submitted now (its old job waits on a dependency that can no longer be met). A primitive
 * step with a record and no result resumes from the record instead of running again.
 */
import { predecessors, type Workflow } from './spec.js';

type StepFate = 'done' | 'kept' | 'submit';

export interface StepFacts {
  /** The step's done-marker exists. */
  readonly done: boolean;
  /** Its last job, and whether Slurm still has it pending or running. */
  readonly jobId: number | null;
  readonly live: boolean;
  /** A primitive step's task record exists (an interrupted run left it). */
  readonly recorded: boolean;
}

export interface PlannedStep {
  readonly name: string;
  readonly fate: StepFate;
  /** Steps it must wait for in Slurm (kept or submitted now); done ones are not waited for. */
  readonly waitFor: readonly string[];
  /** A primitive step that continues from its record (`qrun resume`). */
  readonly resume: boolean;
  /** An old pending job to cancel before submitting again. */
  readonly cancel: number | null;
}

export function planWorkflow(workflow: Workflow, facts: ReadonlyMap<string, StepFacts>): PlannedStep[] {
  const fates = new Map<string, StepFate>();
  return workflow.steps.map((step, index) => {
    const fact = facts.get(step.name) ?? { done: false, jobId: null, live: false, recorded: false };
    const before = predecessors(workflow, index);
    const beforeResubmitted = before.some((name) => fates.get(name) === 'submit');
    const fate: StepFate = fact.done ? 'done' : fact.live && !beforeResubmitted ? 'kept' : 'submit';
    fates.set(step.name, fate);
    return {
      name: step.name,
      fate,
      waitFor: before.filter((name) => fates.get(name) !== 'done'),
      resume: fate === 'submit' && step.run === undefined && fact.recorded,
      cancel: fate === 'submit' && fact.live && fact.jobId !== null ? fact.jobId : null,
    };
  });
}
