import type { Command } from 'commander';
import { QrunError } from '../../errors.js';
import { parseEstimatorParams, parseSamplerParams } from '../../primitives/payload.js';
import { checkRunOptions } from '../../primitives/run.js';
import { parseMitigationFlag } from '../../pipeline/select.js';
import { submitTask } from '../../tasks/handle.js';
import type { CliContext } from '../context.js';
import { readInputFile, resolvePath } from '../files.js';
import { parseJson, parseNumber } from '../primitive-command.js';
import { createWaitProgress, progressMode } from '../progress.js';
import { describeRecord, isJson, recordJson, taskContext } from '../task-command.js';

interface SubmitOptions {
  kind?: string;
  detach?: boolean;
  record?: string;
  backend?: string;
  shots?: string;
  precision?: string;
  seed?: string;
  mitigation?: string;
}

function kindOf(flag: string | undefined, payload: unknown): 'sampler' | 'estimator' {
  const programId = (payload as { program_id?: unknown } | null)?.program_id;
  const fromPayload = programId === 'sampler' || programId === 'estimator' ? programId : undefined;
  if (flag === undefined) return fromPayload ?? 'sampler';
  if (flag !== 'sample' && flag !== 'estimate') {
    throw new QrunError('OPTION_INVALID', `--kind must be sample or estimate, got ${JSON.stringify(flag)}`, { hint: 'Example: qrun submit --kind estimate payload.json' });
  }
  return flag === 'sample' ? 'sampler' : 'estimator';
}

export function registerSubmitCommand(program: Command, ctx: CliContext): void {
  program
    .command('submit')
    .description('send a Sampler/Estimator payload as a task and print its id; a durable record lets later commands (and later jobs) follow it')
    .argument('<payload>', 'Sampler or Estimator V2 payload (JSON file)')
    .option('--kind <kind>', 'sample or estimate (default: the payload\'s program_id, else sample)')
    .option('--detach', 'let the vendor task outlive the job: a later QPU job of yours collects it', false)
    .option('--record <file>', 'write the task record here (default: ~/.local/state/slurm-qpu/tasks/<id>.json)')
    .option('--backend <name>', 'granted backend to run on (default: the first granted)')
    .option('--shots <n>', 'shots for sampler PUBs that set none')
    .option('--precision <p>', 'target precision for estimator PUBs that set none')
    .option('--seed <n>', 'base seed')
    .option('--mitigation <steps>', 'error-mitigation steps, e.g. zne,readout')
    .action(async (payloadArg: string, _opts: unknown, command: Command) => {
      const opts = command.opts<SubmitOptions>();
      const json = isJson(command);
      const payload = parseJson(await readInputFile(resolvePath(ctx, payloadArg)), payloadArg);
      const kind = kindOf(opts.kind, payload);
      const params = kind === 'sampler' ? parseSamplerParams(payload) : parseEstimatorParams(payload);
      const options = {
        backend: opts.backend,
        shots: parseNumber('shots', opts.shots, true),
        precision: parseNumber('precision', opts.precision, false),
        seed: parseNumber('seed', opts.seed, true),
        mitigation: opts.mitigation === undefined ? undefined : parseMitigationFlag(opts.mitigation),
      };
      checkRunOptions(options);
      const progress = createWaitProgress({ stream: ctx.stderr, mode: progressMode(ctx.stderr, json) });
      const handle = await submitTask(params, taskContext(ctx), {
        ...options,
        durability: opts.detach === true ? 'detached' : 'job',
        recordFile: opts.record === undefined ? undefined : resolvePath(ctx, opts.record),
        onProgress: (p) => progress.report(p),
      });
      // Outside a QPU job the simulator runs it now: the record then holds a result at once.
      if (handle.record.where === 'local') await handle.collect({ onProgress: (p) => progress.report(p) });
      progress.finish();
      if (json) ctx.stdout.write(`${JSON.stringify(recordJson(handle.record, handle.recordFile))}\n`);
      else ctx.stdout.write(`${handle.id}\n`);
      if (!json && ctx.stderr.isTTY === true) ctx.stderr.write(`qrun: ${describeRecord(handle.record)}\nqrun: record ${handle.recordFile}\n`);
    });
}
