/**
 * Runs a resolved pipeline around one batched execution:
 *
 *   pre[0] → pre[1] → … → execute(batch) → … → post[1] → post[0]
 *
 * Post hooks run in reverse (an onion), so a step that expands the batch in `pre` (ZNE folds, twirling
 * randomizes) sees exactly that expansion's results in `post`. A step that throws ends the run with a
 * PipelineStepError naming it and carrying what had been computed; the steps after it do not run.
 */
import { createRequestContext } from './context.js';
import { PipelineStepError } from './errors.js';
import type { ResolvedStep } from './step.js';
import type { Batch, Execute, RequestInfo, Results } from './types.js';

export interface PipelineRun {
  readonly results: Results;
  /** The batch the backend actually ran (after every pre hook). */
  readonly executed: Batch;
}

export async function runPipeline(steps: readonly ResolvedStep[], batch: Batch, request: RequestInfo, execute: Execute): Promise<PipelineRun> {
  const context = createRequestContext(request);
  let current = batch;
  for (let i = 0; i < steps.length; i++) {
    const { definition, options } = steps[i]!;
    if (definition.pre === undefined) continue;
    try {
      current = await definition.pre(current, context.forStep(definition.name, i), options);
    } catch (error) {
      throw new PipelineStepError(definition.name, i, 'pre', { batch: current }, error);
    }
  }
  const executed = current;
  let results = await execute(executed);
  for (let i = steps.length - 1; i >= 0; i--) {
    const { definition, options } = steps[i]!;
    if (definition.post === undefined) continue;
    try {
      results = await definition.post(results, context.forStep(definition.name, i), options);
    } catch (error) {
      throw new PipelineStepError(definition.name, i, 'post', { batch: executed, results }, error);
    }
  }
  if (steps.length === 0) return { results, executed };
  const pipeline = steps.map(({ definition }, i) => ({
    name: definition.name,
    version: definition.version,
    ...(context.notes.get(i) ?? {}),
  }));
  return { results: { ...results, metadata: { ...results.metadata, pipeline } }, executed };
}
