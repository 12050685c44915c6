import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../../src/cli/exit-codes.js';
import { runCli } from '../../../helpers/cli.js';

async function staged(plugstack: string | null) {
  const root = await mkdtemp(join(tmpdir(), 'install-'));
  const shim = join(root, 'build', 'spank_qpu.so');
  await mkdir(join(root, 'build'));
  await writeFile(shim, 'ELF-shim-build-1');
  const prefix = join(root, 'stage');
  await mkdir(join(prefix, 'etc', 'slurm'), { recursive: true });
  if (plugstack !== null) await writeFile(join(prefix, 'etc', 'slurm', 'plugstack.conf'), plugstack);
  const args = ['admin', 'install', '--prefix', prefix, '--shim', shim, '--plugin-dir', '/usr/lib/slurm', '--plugstack', '/etc/slurm/plugstack.conf'];
  return { prefix, shim, args };
}

describe('qrun admin install', () => {
  it('installs the shim, writes the plugstack line and the state directory, and is idempotent', async () => {
    const { prefix, args } = await staged(null);
    const dry = await runCli([...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would install`);
    expect(dry.stdout).toMatch(/3 changes would be made/);
    await expect(stat(join(prefix, 'usr/lib/slurm/spank_qpu.so'))).rejects.toThrow();

    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`-> ${join(prefix, 'usr/lib/slurm/spank_qpu.so')} (mode 0755)`);
    expect(first.stdout).toContain('under --prefix no account is created');
    expect((await stat(join(prefix, 'usr/lib/slurm/spank_qpu.so'))).mode & 0o777).toBe(0o755);
    const plugstack = await readFile(join(prefix, 'etc/slurm/plugstack.conf'), 'utf8');
    expect(plugstack).toMatch(/^required \/usr\/lib\/slurm\/spank_qpu\.so config=\/etc\/slurm\/qpu\.json handler=\S+\/dist\/hook\/main\.js node=\S+ state_dir=\/var\/lib\/slurm-qpu service_user=qpu-gateway$/m);
    expect((await stat(join(prefix, 'var/lib/slurm-qpu'))).mode & 0o777).toBe(0o700);

    const again = await runCli(args);
    expect(again.stdout).toContain('is already this build');
    expect(again.stdout).toContain('already loads /usr/lib/slurm/spank_qpu.so; left as it is');
    expect(again.stdout).toContain('nothing to change');
  });

  it('writes a plugstack.conf.d file when plugstack.conf includes one, and keeps other plugins', async () => {
    const { prefix, args } = await staged('optional /usr/lib/slurm/pyxis.so\ninclude /etc/slurm/plugstack.conf.d/*.conf\n');
    const result = await runCli(args);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(prefix, 'etc/slurm/plugstack.conf'), 'utf8')).toBe('optional /usr/lib/slurm/pyxis.so\ninclude /etc/slurm/plugstack.conf.d/*.conf\n');
    expect(await readFile(join(prefix, 'etc/slurm/plugstack.conf.d/qpu.conf'), 'utf8')).toContain('required /usr/lib/slurm/spank_qpu.so ');
  });

  it('appends to a plugstack.conf without includes', async () => {
    const { prefix, args } = await staged('optional /usr/lib/slurm/pyxis.so\n');
    await runCli(args);
    expect(await readFile(join(prefix, 'etc/slurm/plugstack.conf'), 'utf8')).toMatch(/^optional \/usr\/lib\/slurm\/pyxis\.so\n\n# Added by qrun admin install\.\nrequired \/usr\/lib\/slurm\/spank_qpu\.so /);
  });

  it('needs root for a real install, and a built shim', async () => {
    const { args } = await staged(null);
    const real = await runCli(args.filter((_a, i) => i !== 2 && i !== 3), {}, { uid: 1000 });
    expect(real.code).toBe(EXIT_CODES.environment);
    expect(real.stderr).toContain('qrun admin install --dry-run');
    const missing = await runCli(['admin', 'install', '--dry-run', '--shim', '/nonexistent/spank_qpu.so', '--plugin-dir', '/usr/lib/slurm', '--plugstack', '/etc/slurm/plugstack.conf']);
    expect(missing.code).toBe(EXIT_CODES.io);
    expect(missing.stderr).toContain('npm run build:spank');
  });
});
