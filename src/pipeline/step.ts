/**
 * What a step is: a name, a version, a zod schema for its options, and hooks around execution.
 * Built-in steps and site plugins implement the same contract (docs/plugins.md).
 */
import type { z } from 'zod';
import type { StepContext } from './context.js';
import type { Batch, PrimitiveKind, Results } from './types.js';

export interface StepDefinition<O = unknown> {
  /** Lower-case name users select it by: `zne`, `readout`, `site-audit`. */
  readonly name: string;
  /** Semver of the step's behaviour and options; reported in result metadata. */
  readonly version: string;
  /** One line for `qrun plugins`. */
  readonly description: string;
  /** Which primitives the step applies to; selecting it for another kind is refused before any work. */
  readonly kinds: readonly PrimitiveKind[];
  /** Validates and defaults the step's options; rendered as JSON Schema by `qrun plugins`. */
  readonly options: z.ZodType<O>;
  /**
   * Rewrites the batch before execution. Method syntax on purpose: it keeps a definition with
   * concrete options assignable to StepDefinition<unknown> in the registry.
   */
  pre?(batch: Batch, ctx: StepContext, options: O): Batch | Promise<Batch>;
  /**
   * Rewrites the results after execution. Post hooks run in reverse order, so each one receives
   * results in exactly the layout its own `pre` produced.
   */
  post?(results: Results, ctx: StepContext, options: O): Results | Promise<Results>;
}

/** Identity helper that infers O from the schema, so a step's hooks see typed options. */
export function defineStep<O>(definition: StepDefinition<O>): StepDefinition<O> {
  return definition;
}

/** A step chosen for a request, with its options already validated. */
export interface ResolvedStep {
  readonly definition: StepDefinition;
  readonly options: unknown;
}

export interface StepSpec {
  readonly name: string;
  readonly options?: unknown;
}
