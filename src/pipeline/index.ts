/**
 * The mitigation pipeline's public face: model, registry, selection, runner, site plugins. The
 * primitives layer (local runs) and the gateway call `preparePipeline` before any work and
 * `runPipeline` around their one batched execution.
 */
import { createRegistry, type StepRegistry } from './registry.js';
import { resolvePipeline } from './resolve.js';
import { selectPipeline, type SelectionInput } from './select.js';
import type { ResolvedStep } from './step.js';
import { builtinSteps } from './steps/index.js';

export { contextKey,    } from './context.js';
export { PipelineStepError,   } from './errors.js';
export { loadPluginModule, loadSitePlugins,   } from './plugins.js';
export { createRegistry,  type StepInfo, type StepRegistry } from './registry.js';
export { resolvePipeline } from './resolve.js';
export { runPipeline,  } from './run.js';
export { parseMitigationFlag, selectPipeline, type SelectionInput } from './select.js';
export { defineStep, type ResolvedStep, type StepDefinition,  } from './step.js';
;
export type * from './types.js';

/** A registry holding the built-in steps: a new one per call, never shared. */
export function builtinRegistry(): StepRegistry {
  return createRegistry(builtinSteps());
}

/** Selection and validation in one call: refuses unknown steps and bad options before any work. */
export function preparePipeline(input: SelectionInput, registry: StepRegistry = builtinRegistry()): ResolvedStep[] {
  return resolvePipeline(selectPipeline(input), registry, input.kind);
}
