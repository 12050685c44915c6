/**
 * `qrun admin doctor`: checks a node the way an admin would, in the order a QPU job meets things —
 * Slurm loads the shim, the handler runs, the catalogue is valid, Slurm counts what the catalogue
 * says, credentials are root's alone, the service user and state directory are sane, each vendor
 * answers. One failed check does not hide the next: each finding says how to fix what it found.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { catalogueSchema, type Catalogue } from '../../config/catalogue.js';
import { loadJsonConfig } from '../../config/load.js';
import { asQrunError } from '../../errors.js';
import { licenseTotals, nodeGres } from '../../slurm/capacity.js';
import { showConfig, type SlurmConfig } from '../../slurm/config.js';
import { readPlugstack, shimLine, shimSettings, type PlugstackLine, type ShimSettings } from '../../slurm/plugstack.js';
import { checkBackend } from '../backend-check.js';
import { readDrains } from '../drain.js';
import { capacityFindings } from './capacity.js';
import { fail, ok, skip, warn, type Finding } from './finding.js';
import { handlerFindings, hookServiceFindings, serviceUserFindings, stateDirFindings } from './host.js';
import { pluginFindings } from './plugin.js';
import { secretFindings } from './secrets.js';

export type { Finding } from './finding.js';

export interface DoctorOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Effective uid: secrets and vendors are checked only as root. */
  readonly uid: number | undefined;
  /** plugstack.conf to read instead of the one `scontrol show config` names. */
  readonly plugstack?: string | undefined;
  /** Catalogue to check instead of the plugstack line's config=. */
  readonly catalogue?: string | undefined;
  /** Ask each vendor whether it answers (default true). */
  readonly vendors?: boolean;
}

function sbatchHelp(env: DoctorOptions['env']): Promise<string | null> {
  const childEnv: Record<string, string> = { PATH: env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' };
  if (env['SLURM_CONF'] !== undefined) childEnv['SLURM_CONF'] = env['SLURM_CONF'];
  return new Promise((resolve) => {
    execFile('sbatch', ['--help'], { env: childEnv, encoding: 'utf8', timeout: 15_000 }, (error, stdout) => {
      resolve(error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : stdout);
    });
  });
}

async function slurmSide(options: DoctorOptions, findings: Finding[]): Promise<{ slurm: SlurmConfig | null; line: PlugstackLine | undefined }> {
  let slurm: SlurmConfig | null = null;
  try {
    slurm = await showConfig({ env: options.env });
    findings.push(ok('slurm.config', `Slurm ${slurm.version ?? '(version unknown)'} answers; plugstack ${slurm.plugstack ?? '(none)'}`));
  } catch (error) {
    const e = asQrunError(error);
    findings.push(fail('slurm.config', e.message, e.hint ?? 'Check that slurmctld runs and SLURM_CONF is right.'));
  }
  const plugstack = options.plugstack ?? slurm?.plugstack ?? '/etc/slurm/plugstack.conf';
  let lines: PlugstackLine[];
  try {
    lines = await readPlugstack(plugstack);
  } catch (error) {
    findings.push(fail('plugin.plugstack', `cannot read ${plugstack}: ${(error as Error).message}`, `Create it with the shim's line (qrun admin install), and name it in slurm.conf: PlugStackConfig=${plugstack}`));
    return { slurm, line: undefined };
  }
  const line = shimLine(lines);
  const plugin = await pluginFindings(slurm ?? { values: {}, version: null, pluginDirs: [], plugstack }, line, await sbatchHelp(options.env));
  findings.push(...plugin.findings);
  return { slurm, line };
}

async function catalogueSide(path: string, findings: Finding[]): Promise<Catalogue | null> {
  try {
    const catalogue = await loadJsonConfig(catalogueSchema, path);
    const info = await stat(path);
    findings.push(ok('catalogue', `${path}: valid, ${Object.keys(catalogue.backends).length} backends`));
    if ((info.mode & 0o004) === 0) {
      findings.push(warn('catalogue.readable', `${path} is not world-readable, so sbatch cannot check backend names at submit time`, `chmod 644 ${path} (it holds no secrets, only references)`));
    }
    return catalogue;
  } catch (error) {
    const e = asQrunError(error);
    findings.push(fail('catalogue', e.message.split('\n')[0] ?? e.message, `${e.hint ?? 'Fix the file.'} (qrun admin check-config ${path} lists every problem)`));
    return null;
  }
}

export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { slurm, line } = await slurmSide(options, findings);
  const settings: ShimSettings = { ...shimSettings(line?.args ?? []), ...(options.catalogue === undefined ? {} : { config: options.catalogue }) };
  if (line !== undefined) findings.push(...(await handlerFindings(settings)));
  const catalogue = await catalogueSide(settings.config, findings);
  if (catalogue !== null && slurm !== null) {
    try {
      const [nodes, licenses] = await Promise.all([nodeGres({ env: options.env }), licenseTotals({ env: options.env })]);
      const gresTypes = (slurm.values['GresTypes'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '' && t !== '(null)');
      findings.push(...capacityFindings(catalogue, { nodes, licenses, gresTypes }));
    } catch (error) {
      const e = asQrunError(error);
      findings.push(fail('capacity', e.message, e.hint ?? 'Check that slurmctld answers.'));
    }
  }
  const root = options.uid === 0;
  if (catalogue !== null) {
    if (root) findings.push(...(await secretFindings(catalogue, options.env)));
    else findings.push(skip('secret', 'secret files are checked only as root', 'sudo qrun admin doctor'));
    const drains = await readDrains(settings.config).catch(() => null);
    for (const [alias, drain] of Object.entries(drains?.backends ?? {})) {
      findings.push(warn(`drain.${alias}`, `${alias} is drained since ${drain.since}: ${drain.reason}`, `qrun admin resume ${alias} when the maintenance is over`));
    }
  }
  if (line !== undefined) {
    findings.push(...(await serviceUserFindings(settings)));
    findings.push(...(await stateDirFindings(settings)));
    if (root) findings.push(...(await hookServiceFindings(settings)));
    else findings.push(skip('hook-service', 'the hook service is checked only as root (its state directory is root\'s)', 'sudo qrun admin doctor'));
  }
  if (catalogue !== null && options.vendors !== false) {
    for (const [alias, entry] of Object.entries(catalogue.backends)) {
      if (!root) {
        findings.push(skip(`vendor.${alias}`, `${alias}: not asked (reading its credential needs root)`, 'sudo qrun admin doctor'));
        continue;
      }
      if (findings.some((f) => f.check === `secret.${alias}` && f.status === 'fail')) {
        findings.push(skip(`vendor.${alias}`, `${alias}: not asked: its secret is unusable (secret.${alias})`));
        continue;
      }
      const checked = await checkBackend(alias, entry, catalogue, options.env);
      findings.push(
        checked.reachable
          ? ok(`vendor.${alias}`, `${alias}: reachable${entry.secret === undefined ? '' : ', credential accepted'}`)
          : fail(`vendor.${alias}`, `${alias}: not usable: ${checked.reason ?? 'no reason given'}`, 'Check the endpoint, the proxy (https_proxy in the catalogue) and the credential; qrun backends --catalogue --check asks again.'),
      );
    }
  }
  return findings;
}
