import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginFindings, readBuildMarker } from '../../../../src/admin/doctor/plugin.js';
import type { SlurmConfig } from '../../../../src/slurm/config.js';
import { VERSION } from '../../../../src/version.js';

async function shimIn(dir: string, marker: string): Promise<string> {
  const path = join(dir, 'spank_qpu.so');
  await writeFile(path, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(`${marker}\0`)]));
  return path;
}

function slurm(dir: string, version = '22.05.8'): SlurmConfig {
  return { values: {}, version, pluginDirs: [dir], plugstack: '/etc/slurm/plugstack.conf' };
}

const line = { file: '/etc/slurm/plugstack.conf', line: 1, required: true, plugin: 'spank_qpu.so', args: [] };
const HELP_WITH_PLUGIN = 'Usage: sbatch [OPTIONS...]\n      --q_backend=NAME[,NAME...]\n';

describe('doctor: the shim', () => {
  it('reads the build marker the shim carries', () => {
    expect(readBuildMarker(Buffer.from(`\0junk\0spank_qpu-build: version=0.1.0 slurm=22.05.8\0`))).toEqual({ version: '0.1.0', slurm: '22.05.8' });
    expect(readBuildMarker(Buffer.from('no marker'))).toBeNull();
  });

  it('finds the shim in PluginDir and sees that Slurm loads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doctor-shim-'));
    await shimIn(dir, `spank_qpu-build: version=${VERSION} slurm=22.05.8`);
    const { findings, shim } = await pluginFindings(slurm(dir), line, HELP_WITH_PLUGIN);
    expect(shim).toBe(join(dir, 'spank_qpu.so'));
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['plugin.plugstack', 'ok'],
      ['plugin.version', 'ok'],
      ['plugin.loaded', 'ok'],
    ]);
  });

  it('fails a shim built for another Slurm release, and one Slurm does not load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doctor-shim-'));
    await shimIn(dir, `spank_qpu-build: version=${VERSION} slurm=23.02.1`);
    const { findings } = await pluginFindings(slurm(dir), line, 'Usage: sbatch [OPTIONS...]\n');
    expect(findings.find((f) => f.check === 'plugin.version')).toMatchObject({ status: 'fail', message: expect.stringContaining('built for Slurm 23.02.1, this cluster runs 22.05.8'), fix: expect.stringContaining('rebuild') });
    expect(findings.find((f) => f.check === 'plugin.loaded')).toMatchObject({ status: 'fail' });
  });

  it('says how to add the plugstack line when there is none', async () => {
    const { findings } = await pluginFindings(slurm('/nonexistent'), undefined, HELP_WITH_PLUGIN);
    expect(findings).toEqual([expect.objectContaining({ check: 'plugin.plugstack', status: 'fail', fix: expect.stringContaining('required spank_qpu.so config=/etc/slurm/qpu.json') })]);
  });
});
