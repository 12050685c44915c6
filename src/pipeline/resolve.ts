/**
 * From step specs (names and raw options) to validated steps. Runs before any circuit is touched, so
 * an unknown name or a bad option costs nothing and the error names the step and the field.
 */
import { QrunError } from '../errors.js';
import type { StepRegistry } from './registry.js';
import type { ResolvedStep, StepSpec } from './step.js';
import type { PrimitiveKind } from './types.js';

function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(options)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
}

export function resolvePipeline(specs: readonly StepSpec[], registry: StepRegistry, kind: PrimitiveKind): ResolvedStep[] {
  return specs.map((spec, position) => {
    const definition = registry.get(spec.name);
    if (definition === undefined) {
      throw new QrunError('PIPELINE_UNKNOWN_STEP', `pipeline step ${position} names "${spec.name}", which is not a registered step`, {
        hint: `Known steps: ${registry.names().join(', ')} (\`qrun plugins\` lists them with their options).`,
        details: { step: spec.name, position, known: registry.names() },
      });
    }
    if (!definition.kinds.includes(kind)) {
      throw new QrunError('PIPELINE_OPTIONS_INVALID', `pipeline step "${spec.name}" does not apply to the ${kind}; it works with: ${definition.kinds.join(', ')}`, {
        hint: `Remove "${spec.name}" from the ${kind}'s pipeline.`,
        details: { step: spec.name, position, kind },
      });
    }
    const parsed = definition.options.safeParse(spec.options ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
      throw new QrunError(
        'PIPELINE_OPTIONS_INVALID',
        `options of pipeline step "${spec.name}" are invalid:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
        {
          hint: `\`qrun plugins --json\` shows the options "${spec.name}" takes.`,
          details: { step: spec.name, position, problems },
        },
      );
    }
    return { definition, options: parsed.data };
  });
}
