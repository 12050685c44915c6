/**
 * Site plugins: modules the catalogue lists (`"plugins": ["/opt/site/audit.mjs", "@site/qpu-steps"]`),
 * imported by name when a process starts and checked against the step contract before they may run.
 * A module exports one step or an array of steps, as its default export or as `steps`.
 *
 * Checked: a lower-case name (not a built-in's), a semver version, a description, the primitives it
 * applies to, a zod options schema that renders as JSON Schema, and at least one hook, each a
 * function. A malformed module is refused as a whole, with every problem listed.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type z } from 'zod';
import { QrunError } from '../errors.js';
import { optionsJsonSchema, type StepRegistry } from './registry.js';
import type { StepDefinition } from './step.js';

const STEP_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A zod 4 schema from any copy of zod: it carries `_zod` internals and a safeParse method. */
function isZodSchema(v: unknown): v is z.ZodType {
  return isRecord(v) && '_zod' in v && typeof v.safeParse === 'function';
}

/** Every problem with one candidate step; empty when it is valid. */
function checkStep(candidate: unknown): string[] {
  if (!isRecord(candidate)) return ['is not an object'];
  const problems: string[] = [];
  const { name, version, description, kinds, options, pre, post } = candidate;
  if (typeof name !== 'string' || !STEP_NAME.test(name)) problems.push(`name must match ${STEP_NAME} (got ${JSON.stringify(name)})`);
  if (typeof version !== 'string' || !SEMVER.test(version)) problems.push(`version must be semver like "1.0.0" (got ${JSON.stringify(version)})`);
  if (typeof description !== 'string' || description.trim() === '') problems.push('description must be a non-empty string');
  if (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((k) => k === 'sampler' || k === 'estimator')) {
    problems.push('kinds must be a non-empty array of "sampler" and/or "estimator"');
  }
  if (!isZodSchema(options)) {
    problems.push('options must be a zod schema (e.g. z.object({...}).strict())');
  } else {
    try {
      optionsJsonSchema(options);
    } catch (error) {
      problems.push(`options schema cannot be rendered as JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (pre === undefined && post === undefined) problems.push('needs a pre or a post hook (or both)');
  if (pre !== undefined && typeof pre !== 'function') problems.push('pre must be a function');
  if (post !== undefined && typeof post !== 'function') problems.push('post must be a function');
  return problems;
}

function specifierUrl(specifier: string, baseDir: string): string {
  if (isAbsolute(specifier)) return pathToFileURL(specifier).href;
  if (specifier.startsWith('./') || specifier.startsWith('../')) return pathToFileURL(resolvePath(baseDir, specifier)).href;
  return specifier;
}

/** Imports one plugin module and returns its validated steps. */
export async function loadPluginModule(specifier: string, baseDir: string, importer: (url: string) => Promise<unknown> = (u) => import(u)): Promise<StepDefinition[]> {
  let mod: unknown;
  try {
    mod = await importer(specifierUrl(specifier, baseDir));
  } catch (error) {
    throw new QrunError('PLUGIN_LOAD_FAILED', `site plugin "${specifier}" cannot be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      hint: 'Use an absolute path, a path relative to the catalogue, or the name of a package installed next to slurm-qpu.',
      details: { module: specifier },
    });
  }
  const exported = isRecord(mod) ? (mod.default ?? mod.steps) : undefined;
  const candidates: unknown[] = Array.isArray(exported) ? exported : exported === undefined ? [] : [exported];
  if (candidates.length === 0) {
    throw new QrunError('PLUGIN_INVALID', `site plugin "${specifier}" exports no step (expected a default export or \`steps\`)`, {
      hint: 'See examples/site-plugin/ and docs/plugins.md for the contract.',
      details: { module: specifier },
    });
  }
  const problems = candidates.flatMap((c, i) => checkStep(c).map((p) => `${candidates.length > 1 ? `step ${i}: ` : ''}${p}`));
  if (problems.length > 0) {
    throw new QrunError('PLUGIN_INVALID', `site plugin "${specifier}" is malformed:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      hint: 'See examples/site-plugin/ and docs/plugins.md for the contract.',
      details: { module: specifier, problems },
    });
  }
  return candidates as StepDefinition[];
}

/** Loads every listed module into `registry` (built-ins first, so a site step cannot shadow one). */
export async function loadSitePlugins(registry: StepRegistry, specifiers: readonly string[], baseDir: string): Promise<void> {
  for (const specifier of specifiers) {
    for (const step of await loadPluginModule(specifier, baseDir)) registry.register(step, 'site', specifier);
  }
}
