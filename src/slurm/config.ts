/**
 * What the running Slurm says about itself: `scontrol show config`, read as `Key = value` lines.
 * The admin commands take Slurm's own answers (plugin directory, plugstack file, version) instead of
 * guessing Debian's or RPM's paths.
 */
import { QrunError } from '../errors.js';
import { scontrol, type ScontrolCall } from './scontrol.js';

export interface SlurmConfig {
  /** Every `Key = value` line, as printed. */
  readonly values: Readonly<Record<string, string>>;
  /** SLURM_VERSION, e.g. 22.05.8. */
  readonly version: string | null;
  /** PluginDir: one or more directories, colon-separated in Slurm's convention. */
  readonly pluginDirs: readonly string[];
  /** PlugStackConfig, the file that lists SPANK plugins. */
  readonly plugstack: string | null;
}

export function parseShowConfig(text: string): SlurmConfig {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^(\S+)\s+=\s?(.*)$/.exec(line);
    if (match?.[1] !== undefined && !(match[1] in values)) values[match[1]] = (match[2] ?? '').trim();
  }
  const plugstack = values['PlugStackConfig'];
  const pluginDir = values['PluginDir'];
  return {
    values,
    version: values['SLURM_VERSION'] ?? null,
    pluginDirs: pluginDir === undefined || pluginDir === '(null)' ? [] : pluginDir.split(':').filter((d) => d !== ''),
    plugstack: plugstack === undefined || plugstack === '(null)' ? null : plugstack,
  };
}

export async function showConfig(call: ScontrolCall = {}): Promise<SlurmConfig> {
  const result = await scontrol(['show', 'config'], call);
  if (!result.ok) {
    throw new QrunError('SLURM_COMMAND_FAILED', `scontrol show config failed: ${result.error}`, {
      hint: 'Check that slurmctld answers (scontrol ping) and that SLURM_CONF names this cluster\'s slurm.conf.',
    });
  }
  return parseShowConfig(result.stdout);
}
