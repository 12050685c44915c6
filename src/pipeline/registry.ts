/**
 * The step registry: steps by name. A registry is a value built per process (or per test), never a
 * module-level singleton, so a test or a gateway can hold several with different site plugins.
 */
import { z } from 'zod';
import { QrunError } from '../errors.js';
import type { StepDefinition } from './step.js';
import type { PrimitiveKind } from './types.js';

type StepSource = 'builtin' | 'site';

export interface StepInfo {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly kinds: readonly PrimitiveKind[];
  readonly source: StepSource;
  /** Where a site step was loaded from (module specifier). */
  readonly module?: string;
  /** The options schema as JSON Schema (draft 2020-12), what the gateway's discovery endpoint serves. */
  readonly options: Record<string, unknown>;
}

export interface StepRegistry {
  register(definition: StepDefinition, source?: StepSource, module?: string): void;
  get(name: string): StepDefinition | undefined;
  names(): string[];
  listSteps(): StepInfo[];
}

/** JSON Schema of a step's options; `io: 'input'` because users write inputs (defaults are optional). */
export function optionsJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

export function createRegistry(definitions: readonly StepDefinition[] = []): StepRegistry {
  const steps = new Map<string, { definition: StepDefinition; source: StepSource; module: string | undefined }>();
  const registry: StepRegistry = {
    register(definition, source = 'builtin', module) {
      const existing = steps.get(definition.name);
      if (existing !== undefined) {
        throw new QrunError('PLUGIN_INVALID', `a step named "${definition.name}" is already registered (${existing.source}${existing.module === undefined ? '' : ` from ${existing.module}`})`, {
          hint: 'Give the site plugin another name; built-in names cannot be replaced.',
          details: { step: definition.name, ...(module === undefined ? {} : { module }) },
        });
      }
      steps.set(definition.name, { definition, source, module });
    },
    get: (name) => steps.get(name)?.definition,
    names: () => [...steps.keys()],
    listSteps: () =>
      [...steps.values()].map(({ definition, source, module }) => ({
        name: definition.name,
        version: definition.version,
        description: definition.description,
        kinds: definition.kinds,
        source,
        ...(module === undefined ? {} : { module }),
        options: optionsJsonSchema(definition.options),
      })),
  };
  for (const definition of definitions) registry.register(definition);
  return registry;
}
