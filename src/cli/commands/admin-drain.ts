/**
 * `qrun admin drain <backend> --reason "..."` and `qrun admin resume <backend>`: the maintenance
 * switch (src/admin/drain.ts). New jobs asking for a drained backend are refused at submit time with
 * the reason; running jobs finish. Root only: the drain file must be root's for the shim to honour it.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { catalogueSchema } from '../../config/catalogue.js';
import { loadJsonConfig } from '../../config/load.js';
import { checkReason, clearDrain, setDrain } from '../../admin/drain.js';
import { QrunError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { DEFAULT_CATALOGUE } from './site-backends.js';

function requireRoot(ctx: CliContext, what: string): void {
  if (ctx.uid !== 0) {
    throw new QrunError('NOT_ROOT', `${what} writes the drain file next to the catalogue, which only root may write`, { hint: `Run it as root: sudo qrun admin ${what} ...` });
  }
}

async function knownBackend(catalogue: string, alias: string): Promise<void> {
  const parsed = await loadJsonConfig(catalogueSchema, catalogue);
  if (!(alias in parsed.backends)) {
    throw new QrunError('BACKEND_UNKNOWN', `${catalogue} has no backend ${alias}`, { hint: `Backends: ${Object.keys(parsed.backends).join(', ') || '(none)'}` });
  }
}

function who(ctx: CliContext): string {
  return ctx.env['SUDO_USER'] ?? userInfo().username;
}

export function registerAdminDrainCommands(admin: Command, ctx: CliContext): void {
  admin
    .command('drain')
    .description('refuse new jobs asking for a backend at submit time, with a reason; running jobs finish')
    .argument('<backend>', 'the backend alias, as in the catalogue')
    .requiredOption('--reason <text>', 'why, shown to users whose sbatch/srun is refused')
    .option('--catalogue <file>', 'the catalogue; the drain file sits next to it', DEFAULT_CATALOGUE)
    .action(async (alias: string, opts: { reason: string; catalogue: string }, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const reason = checkReason(opts.reason);
      requireRoot(ctx, 'drain');
      await knownBackend(opts.catalogue, alias);
      const drain = { reason, since: new Date().toISOString(), by: who(ctx) };
      const { path, previous } = await setDrain(opts.catalogue, alias, drain);
      ctx.stdout.write(
        json
          ? `${JSON.stringify({ backend: alias, drained: true, ...drain, file: path })}\n`
          : `${alias}: drained${previous === undefined ? '' : ' (reason replaced)'}: new jobs asking for it are refused at submit time; running jobs finish\n  ${path} (copy it to every submit host, as the catalogue)\n`,
      );
    });
  admin
    .command('resume')
    .description('accept jobs for a drained backend again')
    .argument('<backend>', 'the backend alias')
    .option('--catalogue <file>', 'the catalogue; the drain file sits next to it', DEFAULT_CATALOGUE)
    .action(async (alias: string, opts: { catalogue: string }, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      requireRoot(ctx, 'resume');
      const { path, previous } = await clearDrain(opts.catalogue, alias);
      ctx.stdout.write(
        json
          ? `${JSON.stringify({ backend: alias, drained: false, was_drained: previous !== undefined, file: path })}\n`
          : previous === undefined
            ? `${alias}: was not drained\n`
            : `${alias}: resumed (drained since ${previous.since}: ${previous.reason})\n`,
      );
    });
}
