/**
 * `qrun vqpu serve|stop`: the built-in simulator served from inside a Slurm job as a backend for the
 * same user's other jobs (src/vqpu/serve.ts), and stopping it from anywhere.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { registrationPath, type Registration } from '../../backends/vqpu/registration.js';
import type { VqpuEntry } from '../../backends/vqpu/schema.js';
import { catalogueSchema } from '../../config/catalogue.js';
import { loadJsonConfig } from '../../config/load.js';
import { QrunError } from '../../errors.js';
import { createLogger } from '../../log/logger.js';
import { signalJob } from '../../slurm/signal-job.js';
import { serveVqpu } from '../../vqpu/serve.js';
import type { CliContext } from '../context.js';
import { parseNumber } from '../primitive-command.js';
import { DEFAULT_CATALOGUE } from './site-backends.js';

interface VqpuOptions {
  backend?: string;
  catalogue?: string;
  qubits?: string;
  lanes?: string;
  host?: string;
}

/** The catalogue's vqpu entry: the one named, or the only one. */
async function vqpuEntry(ctx: CliContext, opts: VqpuOptions): Promise<{ alias: string; entry: VqpuEntry }> {
  const file = opts.catalogue ?? ctx.env['QRUN_CATALOGUE'] ?? DEFAULT_CATALOGUE;
  const catalogue = await loadJsonConfig(catalogueSchema, file);
  const vqpus = Object.entries(catalogue.backends).filter((e): e is [string, VqpuEntry] => e[1].type === 'vqpu');
  const found = opts.backend === undefined ? (vqpus.length === 1 ? vqpus[0] : undefined) : vqpus.find(([alias]) => alias === opts.backend);
  if (found === undefined) {
    const names = vqpus.map(([alias]) => alias).join(', ') || 'none';
    throw new QrunError('OPTION_INVALID', opts.backend === undefined ? `name the vqpu to serve with --backend (the catalogue ${file} has: ${names})` : `${opts.backend} is not a vqpu backend of ${file} (vqpu backends: ${names})`, {
      hint: 'qrun backends --catalogue lists the site\'s backends and their types.',
    });
  }
  return { alias: found[0], entry: found[1] };
}

function count(name: string, raw: string | undefined, fallback: number, max: number): number {
  const value = parseNumber(name, raw, true) ?? fallback;
  if (value < 1 || value > max) throw new QrunError('OPTION_INVALID', `--${name} must be between 1 and ${max}, got ${value}`);
  return value;
}

export function registerVqpuCommand(program: Command, ctx: CliContext): void {
  const vqpu = program.command('vqpu').description('serve the built-in simulator from a Slurm job as a backend for your other jobs (type vqpu)');
  const common = (command: Command): Command =>
    command
      .option('--backend <name>', 'the catalogue\'s vqpu entry (default: its only one)')
      .option('--catalogue <file>', `the site catalogue (default $QRUN_CATALOGUE, else ${DEFAULT_CATALOGUE})`);

  common(vqpu.command('serve'))
    .description('serve until told to stop (qrun vqpu stop), the job\'s time limit, or its end; your jobs with --q_backend=NAME use it')
    .option('--qubits <n>', 'qubits the served simulator offers (default: the entry\'s metadata, else 20)')
    .option('--lanes <k>', 'tasks it runs at once; more wait their turn (default 1)')
    .option('--host <name>', 'node name to listen on and register; it must be the serving job\'s node (default: $SLURMD_NODENAME)')
    .action(async (_opts: unknown, command: Command) => {
      const opts = command.opts<VqpuOptions>();
      const jobId = Number(ctx.env['SLURM_JOB_ID']);
      if (!Number.isSafeInteger(jobId) || jobId <= 0) {
        throw new QrunError('USAGE', 'qrun vqpu serve runs inside a Slurm job: the job is what other jobs depend on and what stops it', {
          hint: 'sbatch --wrap "exec qrun vqpu serve --lanes 2" (or a job script whose last line is exec qrun vqpu serve).',
        });
      }
      if (ctx.uid === undefined) throw new QrunError('USAGE', 'cannot tell which user serves the vqpu');
      const { alias, entry } = await vqpuEntry(ctx, opts);
      const qubits = count('qubits', opts.qubits, entry.metadata?.num_qubits ?? 20, 32);
      const lanes = count('lanes', opts.lanes, 1, 1024);
      const end = Number(ctx.env['SLURM_JOB_END_TIME']);
      const deadline = Number.isFinite(end) && end > 0 ? end : null;
      const served = await serveVqpu({
        alias,
        registry: entry.registry,
        qubits,
        lanes,
        jobId,
        uid: ctx.uid,
        deadline,
        // The node's Slurm name: the hook accepts only the serving job's own node (BatchHost).
        host: opts.host ?? ctx.env['SLURMD_NODENAME'] ?? hostname().split('.')[0] ?? 'localhost',
        logger: createLogger({ name: 'qrun-vqpu', level: 'warn' }),
      });
      ctx.stdout.write(`vqpu ${alias}: serving ${qubits} qubits on ${lanes} lane${lanes === 1 ? '' : 's'} at ${served.endpoint} (job ${jobId}; registered in ${served.registration})\n`);
      const reason = await new Promise<string>((resolve) => {
        const timer = deadline === null ? null : setTimeout(() => resolve('the job reached its end time'), Math.max(0, deadline * 1000 - Date.now() - 5_000));
        const stopListening = ctx.onSignal?.(['SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGUSR2'], (signal) => {
          stopListening?.();
          if (timer !== null) clearTimeout(timer);
          resolve(signal === 'SIGTERM' ? 'told to stop (SIGTERM: qrun vqpu stop, or the time limit)' : `told to stop (${signal})`);
        });
      });
      const usage = await served.stop(reason);
      const used = usage.backends[alias];
      ctx.stdout.write(`vqpu ${alias}: stopped, ${reason}; ${used?.completed ?? 0} task(s) completed, ${used?.failed ?? 0} failed, ${used?.cancelled ?? 0} cancelled\n`);
    });

  common(vqpu.command('stop'))
    .description('stop your served vqpu: its serving job ends its serve cleanly and removes the registration')
    .action(async (_opts: unknown, command: Command) => {
      const opts = command.opts<VqpuOptions>();
      if (ctx.uid === undefined) throw new QrunError('USAGE', 'cannot tell which user serves the vqpu');
      const { alias, entry } = await vqpuEntry(ctx, opts);
      const path = registrationPath(entry.registry, ctx.uid, alias);
      let registration: Registration;
      try {
        registration = JSON.parse(await readFile(path, 'utf8')) as Registration;
      } catch {
        throw new QrunError('VQPU_NOT_SERVED', `no vqpu ${alias} of yours is registered (${path})`, { hint: 'It has stopped already, or was never served.' });
      }
      await signalJob(registration.job_id, 'TERM', { env: ctx.env });
      ctx.stdout.write(`vqpu ${alias}: asked serving job ${registration.job_id} to stop\n`);
    });
}
