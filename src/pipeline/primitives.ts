/**
 * The seam between the primitives' local run path and the pipeline: with no steps selected the PUBs
 * go straight to the simulator as before; otherwise the pipeline wraps that one batched execution.
 */
import type { PreparedEstimatorPub, PreparedSamplerPub } from '../primitives/prepare.js';
import type { EstimatorOutcome, SamplerOutcome } from '../primitives/result-model.js';
import { runEstimatorLocal, runSamplerLocal, type LocalRunContext } from '../primitives/run-local.js';
import { localExecute } from './local.js';
import { runPipeline } from './run.js';
import type { ResolvedStep } from './step.js';
import type { RequestInfo } from './types.js';

function requestInfo(kind: RequestInfo['kind'], ctx: LocalRunContext): RequestInfo {
  return { kind, backend: ctx.backendName, metadata: ctx.metadata, seed: ctx.seed, noise: ctx.noise };
}

export async function runSamplerPipeline(steps: readonly ResolvedStep[], pubs: readonly PreparedSamplerPub[], ctx: LocalRunContext): Promise<SamplerOutcome> {
  if (steps.length === 0) return runSamplerLocal(pubs, ctx);
  const { results } = await runPipeline(steps, { sampler: pubs, estimator: [] }, requestInfo('sampler', ctx), localExecute(ctx));
  return { kind: 'sampler', pubs: results.sampler, metadata: results.metadata };
}

export async function runEstimatorPipeline(steps: readonly ResolvedStep[], pubs: readonly PreparedEstimatorPub[], ctx: LocalRunContext): Promise<EstimatorOutcome> {
  if (steps.length === 0) return runEstimatorLocal(pubs, ctx);
  const { results } = await runPipeline(steps, { sampler: [], estimator: pubs }, requestInfo('estimator', ctx), localExecute(ctx));
  return { kind: 'estimator', pubs: results.estimator, metadata: results.metadata };
}
