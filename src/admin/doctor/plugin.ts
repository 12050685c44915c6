/**
 * Is the shim where Slurm looks, built for this Slurm, and loaded? "Loaded" is proved the way a
 * user would notice: sbatch --help lists --q_backend only when plugstack.conf loads the plugin.
 */
import { access, constants, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { VERSION } from '../../version.js';
import type { SlurmConfig } from '../../slurm/config.js';
import type { PlugstackLine } from '../../slurm/plugstack.js';
import { fail, ok, warn, type Finding } from './finding.js';

/** The marker spank/dispatch.c compiles into the shim (see spank/CMakeLists.txt). */
const BUILD_MARKER = /spank_qpu-build: version=(\S+) slurm=(\d+\.\d+\.\d+)/;

export function readBuildMarker(bytes: Buffer): { version: string; slurm: string } | null {
  const match = BUILD_MARKER.exec(bytes.toString('latin1'));
  return match?.[1] === undefined || match[2] === undefined ? null : { version: match[1], slurm: match[2] };
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

/** Where Slurm would load a plugin written as `path` from: absolute, or the first PluginDir holding it. */
async function resolvePlugin(path: string, pluginDirs: readonly string[]): Promise<string | null> {
  if (isAbsolute(path)) return (await exists(path)) ? path : null;
  for (const dir of pluginDirs) if (await exists(join(dir, path))) return join(dir, path);
  return null;
}

/** `versions` of the shim and of Slurm: the two must match in major.minor at least (SPANK has no ABI promise). */
function sameRelease(a: string, b: string): boolean {
  return a.split('.').slice(0, 2).join('.') === b.split('.').slice(0, 2).join('.');
}

export async function pluginFindings(
  slurm: SlurmConfig,
  line: PlugstackLine | undefined,
  sbatchHelp: string | null,
): Promise<{ findings: Finding[]; shim: string | null }> {
  const findings: Finding[] = [];
  const plugstack = slurm.plugstack ?? '/etc/slurm/plugstack.conf';
  if (line === undefined) {
    findings.push(fail('plugin.plugstack', `no spank_qpu.so line in ${plugstack} (or the files it includes)`, `Run qrun admin install, or add to ${plugstack}: required spank_qpu.so config=/etc/slurm/qpu.json service_user=qpu-gateway`));
    return { findings, shim: null };
  }
  findings.push(ok('plugin.plugstack', `${line.file}:${line.line}: ${line.required ? 'required' : 'optional'} ${line.plugin}`));
  const shim = await resolvePlugin(line.plugin, slurm.pluginDirs);
  if (shim === null) {
    findings.push(fail('plugin.file', `${line.plugin} does not exist${isAbsolute(line.plugin) ? '' : ` in PluginDir (${slurm.pluginDirs.join(':')})`}`, 'Build and install it: npm run build:spank && sudo qrun admin install'));
    return { findings, shim: null };
  }
  const marker = readBuildMarker(await readFile(shim));
  if (marker === null) {
    findings.push(warn('plugin.version', `${shim} carries no build marker (built by a slurm-qpu older than ${VERSION})`, 'Rebuild it against this Slurm\'s headers and reinstall: npm run build:spank && sudo qrun admin install'));
  } else if (slurm.version !== null && !sameRelease(marker.slurm, slurm.version)) {
    findings.push(fail('plugin.version', `${shim} was built for Slurm ${marker.slurm}, this cluster runs ${slurm.version}`, 'SPANK has no ABI promise across Slurm releases: rebuild the shim against this Slurm\'s headers (apt-get install libslurm-dev; npm run build:spank) and reinstall it (sudo qrun admin install)'));
  } else if (marker.version !== VERSION) {
    findings.push(fail('plugin.version', `${shim} is slurm-qpu ${marker.version}, this qrun is ${VERSION}`, 'Install one slurm-qpu version of the shim and the handler: npm run build:spank && sudo qrun admin install'));
  } else {
    findings.push(ok('plugin.version', `${shim}: slurm-qpu ${marker.version}, built for Slurm ${marker.slurm}${slurm.version === null ? '' : ` (running ${slurm.version})`}`));
  }
  if (sbatchHelp === null) {
    findings.push(warn('plugin.loaded', 'sbatch is not on PATH here, so whether Slurm loads the plugin was not checked', 'Run qrun admin doctor on a submit host too.'));
  } else if (/--q_backend/.test(sbatchHelp)) {
    findings.push(ok('plugin.loaded', 'sbatch --help lists --q_backend: Slurm loads the plugin'));
  } else {
    findings.push(fail('plugin.loaded', 'sbatch --help does not list --q_backend: Slurm does not load the plugin', `Check ${line.file}:${line.line} and the "spank" lines of sbatch -vv --help; a ${line.required ? 'required' : 'optional'} plugin that fails to load ${line.required ? 'stops every job' : 'is skipped silently'}.`));
  }
  return { findings, shim };
}
