/**
 * `qrun doctor [--json]`: what this installation will run on — which statevector engine is active
 * and why (QRUN_NATIVE, native binary present, loadable), its kernels and threads, the slurm-qpu and
 * Node versions, and whether the Slurm client tools are on PATH. When the engine cannot be chosen
 * (a native binary that does not load), the report is still printed and the command then fails
 * with that error's code.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import { asQrunError, type QrunError } from '../../errors.js';
import { selectEngine } from '../../native/select.js';
import { VERSION } from '../../version.js';
import type { CliContext } from '../context.js';

const SLURM_TOOLS = ['sbatch', 'srun', 'salloc', 'squeue', 'scontrol', 'sinfo'] as const;

export interface DoctorReport {
  readonly version: string;
  readonly node: string;
  readonly platform: string;
  readonly engine:
    | {
        readonly name: 'ts' | 'native';
        readonly reason: string;
        readonly binary?: string;
        readonly isa?: string;
        readonly threads?: number;
        readonly isas?: readonly string[];
      }
    | { readonly name: null; readonly error: { readonly code: string; readonly message: string; readonly hint?: string } };
  /** Absolute path of each Slurm tool found on PATH, or null. */
  readonly slurm: Readonly<Record<(typeof SLURM_TOOLS)[number], string | null>>;
}

function findOnPath(tool: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Builds the report; `failure` is the engine-selection error, if any. `qrun admin doctor` reports its engine too. */
export function diagnose(env: CliContext['env']): { report: DoctorReport; failure: QrunError | null } {
  let engine: DoctorReport['engine'];
  let failure: QrunError | null = null;
  try {
    const choice = selectEngine(env);
    const info = choice.binding?.info();
    engine = {
      name: choice.name,
      reason: choice.reason,
      ...(choice.binaryPath === undefined ? {} : { binary: choice.binaryPath }),
      ...(info === undefined ? {} : { isa: info.isa, threads: info.threads, isas: info.isas }),
    };
  } catch (error) {
    failure = asQrunError(error);
    engine = {
      name: null,
      error: { code: failure.code, message: failure.message, ...(failure.hint === undefined ? {} : { hint: failure.hint }) },
    };
  }
  const slurm = Object.fromEntries(SLURM_TOOLS.map((t) => [t, findOnPath(t, env.PATH)])) as DoctorReport['slurm'];
  return {
    report: { version: VERSION, node: process.version, platform: `${process.platform}-${process.arch}`, engine, slurm },
    failure,
  };
}

function renderReport(r: DoctorReport): string {
  const lines = [`slurm-qpu ${r.version} on Node ${r.node} (${r.platform})`];
  if (r.engine.name === null) {
    lines.push(`engine:  none — [${r.engine.error.code}] ${r.engine.error.message}`);
  } else {
    lines.push(`engine:  ${r.engine.name === 'native' ? 'native' : 'TypeScript'} — ${r.engine.reason}`);
    if (r.engine.binary !== undefined) lines.push(`         binary ${r.engine.binary}`);
    if (r.engine.isas !== undefined) lines.push(`         kernels this CPU runs: ${r.engine.isas.join(', ')}`);
  }
  const found = Object.entries(r.slurm).filter(([, p]) => p !== null);
  const missing = Object.entries(r.slurm).filter(([, p]) => p === null).map(([t]) => t);
  lines.push(
    found.length === 0
      ? 'slurm:   no Slurm client tools on PATH (qrun runs on the built-in simulator outside a cluster)'
      : `slurm:   ${found.map(([t, p]) => `${t} (${p})`).join(', ')}${missing.length > 0 ? `; missing: ${missing.join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('report the active simulator engine and why, versions, and the Slurm tools on PATH')
    .action((_opts: unknown, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const { report, failure } = diagnose(ctx.env);
      ctx.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
      if (failure !== null) throw failure;
    });
}
