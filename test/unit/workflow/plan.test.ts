/** What a (re)run of a workflow submits, keeps and skips. */
import { describe, expect, it } from 'vitest';
import { planWorkflow, type StepFacts } from '../../../src/workflow/plan.js';
import { workflowSchema } from '../../../src/workflow/spec.js';

const workflow = workflowSchema.parse({
  name: 'wf',
  steps: [
    { name: 'pre', run: 'true' },
    { name: 'quantum', sample: 'payload.json' },
    { name: 'post', run: 'true' },
  ],
});

const fresh: StepFacts = { done: false, jobId: null, live: false, recorded: false };

function facts(entries: Record<string, Partial<StepFacts>>): Map<string, StepFacts> {
  return new Map(Object.entries(entries).map(([name, f]) => [name, { ...fresh, ...f }]));
}

describe('planWorkflow', () => {
  it('submits every step of a first run, each waiting for the one before', () => {
    const plan = planWorkflow(workflow, facts({}));
    expect(plan.map((p) => [p.name, p.fate, p.waitFor])).toEqual([
      ['pre', 'submit', []],
      ['quantum', 'submit', ['pre']],
      ['post', 'submit', ['quantum']],
    ]);
  });

  it('runs nothing twice: done steps are skipped and not waited for', () => {
    const plan = planWorkflow(workflow, facts({ pre: { done: true }, quantum: { done: true }, post: { done: true } }));
    expect(plan.map((p) => p.fate)).toEqual(['done', 'done', 'done']);
  });

  it('resumes an interrupted quantum step from its record, and submits post again after it', () => {
    const plan = planWorkflow(workflow, facts({ pre: { done: true }, quantum: { recorded: true, jobId: 7 }, post: { jobId: 8, live: true } }));
    expect(plan[1]).toMatchObject({ fate: 'submit', resume: true, waitFor: [] });
    // post's old job waits on a dependency that can no longer be met: it is cancelled and submitted again.
    expect(plan[2]).toMatchObject({ fate: 'submit', cancel: 8, waitFor: ['quantum'] });
  });

  it('keeps a step whose job still runs when nothing before it changes', () => {
    const plan = planWorkflow(workflow, facts({ pre: { done: true }, quantum: { jobId: 7, live: true }, post: { jobId: 8, live: true } }));
    expect(plan.map((p) => p.fate)).toEqual(['done', 'kept', 'kept']);
    expect(plan[2]?.waitFor).toEqual(['quantum']);
  });

  it('refuses a step after a step that does not come before it, and sbatch options it sets itself', () => {
    const bad = workflowSchema.safeParse({ name: 'wf', steps: [{ name: 'a', run: 'x', after: ['b'] }, { name: 'b', run: 'y', sbatch: ['--dependency=afterok:1'] }] });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages.some((m) => m.startsWith('steps.0.after'))).toBe(true);
    expect(messages.some((m) => m.startsWith('steps.1.sbatch.0'))).toBe(true);
  });
});
