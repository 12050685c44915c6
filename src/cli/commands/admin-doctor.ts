/**
 * `qrun admin doctor [--json] [--plugstack FILE] [--catalogue FILE] [--no-vendors]`: the node checked
 * the way an admin would (src/admin/doctor/), plus the simulator engine `qrun doctor` reports. Prints
 * every finding with its fix; exits non-zero (DOCTOR_FOUND_PROBLEMS) when any check failed.
 */
import type { Command } from 'commander';
import { runDoctor, type Finding } from '../../admin/doctor/index.js';
import { QrunError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { diagnose } from './doctor.js';

const MARK: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

function engineFinding(env: CliContext['env']): Finding {
  const { report, failure } = diagnose(env);
  if (failure !== null || report.engine.name === null) {
    return { check: 'engine', status: 'fail', message: `no simulator engine: ${failure?.message ?? 'unknown'}`, fix: failure?.hint ?? 'Rebuild the addon: npm rebuild slurm-qpu' };
  }
  const engine = report.engine;
  if (engine.name === 'ts') {
    return { check: 'engine', status: 'warn', message: `TypeScript engine (${engine.reason}): several times slower than the native one`, fix: 'Install the release tarball (it carries a linux-x64 prebuild) or build the addon: npm rebuild slurm-qpu' };
  }
  return { check: 'engine', status: 'ok', message: `native engine (${engine.reason})${engine.isas === undefined ? '' : `, kernels ${engine.isas.join(', ')}`}` };
}

function renderFindings(findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${MARK[f.status]}  ${f.check}: ${f.message}`);
    if (f.fix !== undefined && f.status !== 'ok') lines.push(`      fix: ${f.fix}`);
  }
  const failed = findings.filter((f) => f.status === 'fail').length;
  const warned = findings.filter((f) => f.status === 'warn').length;
  lines.push(failed === 0 ? `healthy${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}` : `${failed} problem${failed === 1 ? '' : 's'} found`);
  return `${lines.join('\n')}\n`;
}

export function registerAdminDoctorCommand(admin: Command, ctx: CliContext): void {
  admin
    .command('doctor')
    .description('check this node as an admin would: plugin loaded by this Slurm, handler, catalogue, Slurm capacity = lanes, secrets, service user, state dir, hook service, vendors, engine; each finding says how to fix it')
    .option('--plugstack <file>', "plugstack.conf to read (default: the one `scontrol show config` names)")
    .option('--catalogue <file>', "catalogue to check (default: the spank_qpu.so line's config=)")
    .option('--no-vendors', 'do not ask the vendors whether they answer')
    .action(async (opts: { plugstack?: string; catalogue?: string; vendors: boolean }, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const findings = [
        ...(await runDoctor({ env: ctx.env, uid: ctx.uid, plugstack: opts.plugstack, catalogue: opts.catalogue, vendors: opts.vendors })),
        engineFinding(ctx.env),
      ];
      const healthy = findings.every((f) => f.status !== 'fail');
      ctx.stdout.write(json ? `${JSON.stringify({ healthy, findings }, null, 2)}\n` : renderFindings(findings));
      if (!healthy) {
        const failed = findings.filter((f) => f.status === 'fail');
        throw new QrunError('DOCTOR_FOUND_PROBLEMS', `${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map((f) => f.check).join(', ')}`, {
          hint: 'Each FAIL line above says how to fix it; run qrun admin doctor again afterwards.',
          details: { failed: failed.map((f) => f.check) },
        });
      }
    });
}
