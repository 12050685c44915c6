import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlugstack, readPlugstack, shimLine, shimSettings } from '../../../src/slurm/plugstack.js';

describe('plugstack.conf', () => {
  it('finds the shim line and its arguments, ignoring comments', () => {
    const { plugins } = parsePlugstack('# site plugins\noptional /usr/lib/slurm/pyxis.so\nrequired spank_qpu.so config=/etc/slurm/qpu.json service_user=qpu-gateway # QPUs\n', '/etc/slurm/plugstack.conf');
    const line = shimLine(plugins);
    expect(line).toEqual({ file: '/etc/slurm/plugstack.conf', line: 3, required: true, plugin: 'spank_qpu.so', args: ['config=/etc/slurm/qpu.json', 'service_user=qpu-gateway'] });
  });

  it('follows include globs, as sites with plugstack.conf.d do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plugstack-'));
    await mkdir(join(dir, 'plugstack.conf.d'));
    await writeFile(join(dir, 'plugstack.conf'), 'include plugstack.conf.d/*.conf\n');
    await writeFile(join(dir, 'plugstack.conf.d', 'qpu.conf'), 'required /usr/lib/slurm/spank_qpu.so\n');
    await writeFile(join(dir, 'plugstack.conf.d', 'notes.txt'), 'required /nope.so\n');
    const lines = await readPlugstack(join(dir, 'plugstack.conf'));
    expect(lines.map((l) => l.plugin)).toEqual(['/usr/lib/slurm/spank_qpu.so']);
  });

  it('gives the shim defaults and lists what the shim would refuse', () => {
    expect(shimSettings([])).toMatchObject({ config: '/etc/slurm/qpu.json', state_dir: '/var/lib/slurm-qpu', timeout: 30, service_user: null, problems: [] });
    expect(shimSettings(['config=relative.json', 'colour=blue', 'timeout=0', 'node', 'trace=maybe']).problems).toEqual([
      'config: must be an absolute path: relative.json',
      'unknown key: colour',
      'argument is not key=value: node',
      'timeout: expected whole seconds between 1 and 3600, got: 0',
      'trace: expected yes, no, 1 or 0, got: maybe',
    ]);
    expect(shimSettings(['trace=yes'])).toMatchObject({ trace: true, problems: [] });
    expect(shimSettings([])).toMatchObject({ trace: false, service: true });
    expect(shimSettings(['service=no'])).toMatchObject({ service: false, problems: [] });
    expect(shimSettings(['service=sometimes']).problems).toEqual(['service: expected yes, no, 1 or 0, got: sometimes']);
  });
});
