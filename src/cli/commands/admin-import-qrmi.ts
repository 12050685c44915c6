/**
 * `qrun admin import-qrmi qrmi_config.json --secrets-dir DIR [-o catalogue.json]`: migrates a site
 * from IBM's spank_qrmi plugin (src/admin/qrmi/). The catalogue goes to stdout (or -o), what was
 * done and what the site still needs to stderr (or stdout with -o), so `> qpu.json` captures only
 * the catalogue. Credentials go to DIR, never to the catalogue.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { backendFor } from '../../backends/registry.js';
import { validateConfig } from '../../config/load.js';
import { qrmiConfigSchema } from '../../admin/qrmi/config.js';
import { planImport, type ImportPlan } from '../../admin/qrmi/plan.js';
import { writeSecretFiles } from '../../admin/qrmi/write.js';
import { QrunError } from '../../errors.js';
import type { CliContext } from '../context.js';

interface ImportOptions {
  readonly secretsDir: string;
  readonly output?: string;
  readonly capacity: 'license' | 'gres';
  readonly lanes: number;
}

function lanes(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1024) throw new InvalidArgumentError('expected a whole number from 1 to 1024');
  return value;
}

function capacity(text: string): 'license' | 'gres' {
  if (text !== 'license' && text !== 'gres') throw new InvalidArgumentError('expected license or gres');
  return text;
}

async function readQrmiConfig(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new QrunError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { hint: 'spank_qrmi reads /etc/slurm/qrmi_config.json; pass that file (as root: it holds credentials).' });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new QrunError('CONFIG_UNREADABLE', `${file} is not valid JSON: ${(error as Error).message}`, { hint: 'Run it through `jq .` to find the syntax error.' });
  }
}

function renderImportReport(plan: ImportPlan, file: string, output: string | undefined): string {
  const lines: string[] = [];
  for (const b of plan.imported) {
    lines.push(`imported ${b.name}: ${b.qrmiType} -> ${b.type}${b.secret === null ? '' : `, credentials in ${b.secret}`}`);
  }
  for (const s of plan.skipped) lines.push(`NOT imported ${s.name} (${s.qrmiType}): ${s.reason}`);
  for (const note of plan.notes) lines.push(`note: ${note}`);
  if (plan.slurmLines.length > 0) {
    lines.push('the site still needs (then scontrol reconfigure):');
    for (const line of plan.slurmLines) lines.push(`  ${line}`);
    const example = plan.imported[0];
    if (example !== undefined) {
      const request = plan.catalogue.backends[example.name]?.['capacity'] as { license?: string; gres?: string } | undefined;
      const how = request?.license !== undefined ? `-L ${request.license}:1` : `--gres=qpu:${request?.gres ?? example.name}:1`;
      lines.push(`jobs keep --qpu=${example.name} and add the capacity: #SBATCH ${how}`);
    }
  }
  lines.push(`check it: qrun admin check-config ${output ?? 'catalogue.json'}; then remove the credentials from ${file}`);
  return `${lines.join('\n')}\n`;
}

export function registerAdminImportQrmiCommand(admin: Command, ctx: CliContext): void {
  admin
    .command('import-qrmi')
    .description("turn IBM spank_qrmi's qrmi_config.json into a catalogue: names kept as aliases, credentials moved to root-only files")
    .argument('<qrmi-config>', 'the QRMI configuration, e.g. /etc/slurm/qrmi_config.json')
    .requiredOption('--secrets-dir <dir>', 'directory for the credentials (created mode 0700), e.g. /etc/slurm/qpu-secrets')
    .option('-o, --output <file>', 'write the catalogue here (mode 0644) instead of stdout')
    .option('--capacity <kind>', 'how Slurm counts each backend: license (cluster-wide) or gres', capacity, 'license')
    .option('--lanes <n>', 'jobs each backend takes at once', lanes, 1)
    .action(async (file: string, opts: ImportOptions, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const config = validateConfig(qrmiConfigSchema, await readQrmiConfig(file), file);
      const secretsDir = resolve(ctx.cwd, opts.secretsDir);
      const plan = planImport(config, file, { secretsDir, capacity: opts.capacity, lanes: opts.lanes, backendFor });
      await writeSecretFiles(secretsDir, plan.secrets);
      const catalogueText = `${JSON.stringify(plan.catalogue, null, 2)}\n`;
      const report = json
        ? `${JSON.stringify({ imported: plan.imported, skipped: plan.skipped, notes: plan.notes, slurm: plan.slurmLines })}\n`
        : renderImportReport(plan, file, opts.output);
      if (opts.output === undefined) {
        ctx.stdout.write(catalogueText);
        ctx.stderr.write(report);
        return;
      }
      const output = resolve(ctx.cwd, opts.output);
      await writeFile(output, catalogueText, { mode: 0o644 });
      await chmod(output, 0o644);
      ctx.stdout.write(report);
    });
}
