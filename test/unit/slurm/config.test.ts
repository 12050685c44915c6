import { describe, expect, it } from 'vitest';
import { parseShowConfig } from '../../../src/slurm/config.js';

const SHOW_CONFIG = `Configuration data as of 2026-12-03T18:43:00
AccountingStorageTRES   = cpu,mem,energy,node,billing,fs/disk,vmem,pages
GresTypes               = qpu
PluginDir               = /usr/lib/x86_64-linux-gnu/slurm-wlm:/opt/slurm/lib
PlugStackConfig         = /etc/slurm/plugstack.conf
SLURM_VERSION           = 22.05.8
Epilog                  = (null)
`;

describe('scontrol show config', () => {
  it('reads the version, the plugin directories and the plugstack file', () => {
    const config = parseShowConfig(SHOW_CONFIG);
    expect(config.version).toBe('22.05.8');
    expect(config.pluginDirs).toEqual(['/usr/lib/x86_64-linux-gnu/slurm-wlm', '/opt/slurm/lib']);
    expect(config.plugstack).toBe('/etc/slurm/plugstack.conf');
    expect(config.values['GresTypes']).toBe('qpu');
  });

  it('takes (null) as not set', () => {
    const config = parseShowConfig('PlugStackConfig = (null)\nPluginDir = (null)\n');
    expect(config.plugstack).toBeNull();
    expect(config.pluginDirs).toEqual([]);
    expect(config.version).toBeNull();
  });
});
