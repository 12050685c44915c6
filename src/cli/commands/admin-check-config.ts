import type { Command } from 'commander';
import { catalogueSchema, capacityRequestLine } from '../../config/catalogue.js';
import { loadJsonConfig } from '../../config/load.js';
import { checkPlugstackFile } from '../../config/plugstack.js';
import type { CliContext } from '../context.js';

interface CheckOptions {
  readonly json?: boolean;
  /** plugstack.conf to check too: its spank_qpu line's length (Slurm's limit) and keys. */
  readonly plugstack?: string;
}

/**
 * `qrun admin check-config FILE`: validates a QPU catalogue against the one schema the hook uses.
 * Prints every problem with its JSON path and exits non-zero (config family); on success prints
 * each backend with the Slurm capacity it needs.
 */
export function registerAdminCheckConfigCommand(admin: Command, ctx: CliContext): void {
  admin
    .command('check-config')
    .description('validate a QPU catalogue (qpu.json): every error is listed with its JSON path')
    .argument('<file>', 'the catalogue, e.g. /etc/slurm/qpu.json')
    .option('--plugstack <file>', "also check plugstack.conf's spank_qpu line (Slurm's line limit, the shim's keys)")
    .action(async (file: string, opts: CheckOptions, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      if (opts.plugstack !== undefined) await checkPlugstackFile(opts.plugstack);
      const catalogue = await loadJsonConfig(catalogueSchema, file);
      const backends = Object.entries(catalogue.backends);
      if (json) {
        const summary = backends.map(([alias, entry]) => ({
          alias,
          type: entry.type,
          capacity: entry.capacity,
          jobScript: capacityRequestLine(entry.capacity),
        }));
        ctx.stdout.write(`${JSON.stringify({ ok: true, file, backends: summary })}\n`);
        return;
      }
      ctx.stdout.write(`${file}: OK, ${backends.length} backend${backends.length === 1 ? '' : 's'}\n`);
      for (const [alias, entry] of backends) {
        const where = entry.capacity.gres !== undefined ? `GRES qpu:${entry.capacity.gres}` : `license ${entry.capacity.license ?? ''}`;
        ctx.stdout.write(
          `  ${alias}: type ${entry.type}, ${where} x${entry.capacity.lanes}; jobs add: ${capacityRequestLine(entry.capacity)} --q_backend=${alias}\n`,
        );
      }
    });
}


