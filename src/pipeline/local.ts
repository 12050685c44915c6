/**
 * The built-in simulator as the pipeline's execute: the whole batch in one call, sampler PUBs through
 * runSamplerLocal and estimator PUBs through runEstimatorLocal (src/primitives/run-local.ts).
 */
import { runEstimatorLocal, runSamplerLocal, type LocalRunContext } from '../primitives/run-local.js';
import type { Execute } from './types.js';

export function localExecute(ctx: LocalRunContext): Execute {
  return async (batch) => {
    const sampler = batch.sampler.length === 0 ? undefined : await runSamplerLocal(batch.sampler, ctx);
    const estimator = batch.estimator.length === 0 ? undefined : await runEstimatorLocal(batch.estimator, ctx);
    return {
      sampler: sampler?.pubs ?? [],
      estimator: estimator?.pubs ?? [],
      metadata: { ...(sampler?.metadata ?? {}), ...(estimator?.metadata ?? {}) },
    };
  };
}
