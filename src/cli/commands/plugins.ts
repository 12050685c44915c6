/**
 * `qrun plugins [--catalogue FILE] [--json]`: the mitigation steps this installation offers, with
 * their options as JSON Schema — the same list the gateway's discovery endpoint serves. With a
 * catalogue, its site plugins are loaded (and refused when malformed) and listed too.
 */
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { catalogueSchema } from '../../config/catalogue.js';
import { loadJsonConfig } from '../../config/load.js';
import { builtinRegistry, loadSitePlugins, type StepInfo } from '../../pipeline/index.js';
import type { CliContext } from '../context.js';
import { resolvePath } from '../files.js';

interface PluginsOptions {
  json?: boolean;
  catalogue?: string;
}

function optionLines(schema: Record<string, unknown>): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).map(([key, p]) => {
    const type = Array.isArray(p.enum) ? p.enum.map((v) => JSON.stringify(v)).join('|') : typeof p.type === 'string' ? p.type : 'value';
    const fallback = p.default === undefined ? '' : ` (default ${JSON.stringify(p.default)})`;
    return `    ${key}: ${type}${fallback}`;
  });
}

function renderSteps(steps: readonly StepInfo[]): string {
  return steps
    .map((s) => [`${s.name} ${s.version} [${s.kinds.join(', ')}]${s.source === 'site' ? ` site: ${s.module ?? ''}` : ''}`, `  ${s.description}`, ...optionLines(s.options)].join('\n'))
    .join('\n\n');
}

export function registerPluginsCommand(program: Command, ctx: CliContext): void {
  program
    .command('plugins')
    .description('list the error-mitigation steps (built-in and site plugins) with their options')
    .option('--catalogue <file>', 'also load the site plugins this catalogue lists')
    .action(async (_opts: unknown, command: Command) => {
      const opts = command.optsWithGlobals<PluginsOptions>();
      const registry = builtinRegistry();
      if (opts.catalogue !== undefined) {
        const path = resolvePath(ctx, opts.catalogue);
        const catalogue = await loadJsonConfig(catalogueSchema, path);
        await loadSitePlugins(registry, catalogue.plugins ?? [], dirname(path));
      }
      const steps = registry.listSteps();
      ctx.stdout.write(opts.json === true ? `${JSON.stringify({ steps }, null, 2)}\n` : `${renderSteps(steps)}\n`);
    });
}
