/**
 * `qrun backends [--json] [--catalogue [FILE] [--check]]`: the backends this process may run on and their metadata — the job's
 * granted backends (from its gateway) inside a QPU job, the built-in simulator with this machine's
 * limits outside one. `--json` prints the same object as the gateway's `GET /v1/backends`, so a tool
 * (the Python client's `target()`) reads one shape in both places.
 */
import type { Command } from 'commander';
import type { BackendMetadata } from '../../backends/metadata.js';
import { GatewayClient, type GatewayBackendInfo } from '../../backends/job-gateway/client.js';
import { SIM_BACKEND } from '../../backends/sim/metadata.js';
import { selectBackend } from '../../primitives/select-backend.js';
import { QrunError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { DEFAULT_CATALOGUE, listSiteBackends, renderSiteBackends } from './site-backends.js';

interface BackendsReport {
  readonly job_id: number | null;
  readonly deadline: number | null;
  readonly backends: readonly GatewayBackendInfo[];
}

const SIM_DESCRIPTION = 'Built-in statevector simulator';

async function listBackends(env: CliContext['env']): Promise<BackendsReport> {
  const selected = selectBackend(env);
  if (selected.kind === 'local') {
    // Outside a job only `sim` exists; a job without a gateway (QRUN_ENDPOINT=local:) runs its granted
    // simulators in-process, each with this machine's limits.
    const names = env['QRUN_ENDPOINT'] === 'local:' ? (env['QRUN_BACKENDS'] ?? SIM_BACKEND).split(',').map((s) => s.trim()).filter((s) => s !== '') : [SIM_BACKEND];
    return { job_id: null, deadline: null, backends: names.map((name) => ({ name, type: 'sim', description: SIM_DESCRIPTION, metadata: selected.metadata })) };
  }
  const client = new GatewayClient(selected.endpoint, selected.token, { connections: 1 });
  try {
    return await client.backends();
  } finally {
    await client.close();
  }
}

function describeMetadata(m: BackendMetadata): string {
  const parts = [`${m.num_qubits} qubits`];
  parts.push(m.basis_gates === undefined ? 'any standard gate' : `basis ${m.basis_gates.join(',')}`);
  parts.push(m.coupling_map === undefined ? 'all-to-all' : `${m.coupling_map.length} coupled pairs`);
  if (m.max_shots !== undefined) parts.push(`at most ${m.max_shots} shots`);
  return parts.join(', ');
}

function renderBackends(report: BackendsReport): string {
  return `${report.backends.map((b) => `${b.name} (${b.type}): ${describeMetadata(b.metadata)}`).join('\n')}\n`;
}

export function registerBackendsCommand(program: Command, ctx: CliContext): void {
  program
    .command('backends')
    .description('list the backends this job may use (the built-in simulator outside a QPU job), with their metadata; with --catalogue, every backend of the site')
    .option('--catalogue [file]', `the site's backends from a catalogue instead (default ${DEFAULT_CATALOGUE}): type, Slurm capacity, the line that requests it`)
    .option('--check', 'with --catalogue: also ask each backend whether it can be used now (reachable, credential accepted); needs root')
    .action(async (opts: { catalogue?: string | boolean; check?: boolean }, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      if (opts.check === true && opts.catalogue === undefined) {
        throw new QrunError('USAGE', '--check needs --catalogue', { hint: `qrun backends --catalogue ${DEFAULT_CATALOGUE} --check` });
      }
      if (opts.catalogue !== undefined) {
        const file = typeof opts.catalogue === 'string' ? opts.catalogue : DEFAULT_CATALOGUE;
        const site = await listSiteBackends(file, { check: opts.check === true }, ctx);
        ctx.stdout.write(json ? `${JSON.stringify({ catalogue: file, backends: site })}\n` : renderSiteBackends(site));
        return;
      }
      const report = await listBackends(ctx.env);
      ctx.stdout.write(json ? `${JSON.stringify(report)}\n` : renderBackends(report));
    });
}
