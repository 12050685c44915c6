/**
 * `qrun admin install` the way an admin runs it on a node — no --prefix, no --plugin-dir, no
 * --plugstack — against the dev cluster: the plugin directory comes from `scontrol show config`
 * (PluginDir), the plugstack file from PlugStackConfig, whose `include DIR/*.conf` gets a file of its
 * own; the service user and the state directory are created with their owners and modes. `--dry-run`
 * changes nothing, a QPU job then runs through the installed shim, and a second run changes nothing.
 * Everything the test changed (the .so in Slurm's plugin directory, the account, the directories, the
 * plugstack file) is undone in its finally.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { showConfig } from '../../src/slurm/config.js';
import { drain, output, qpuCluster, qpuSkipReason, shown, submit, waitState, withPlugstack } from './qpu-helpers.js';

const SERVICE_USER = 'qpu-install-e2e';
const SHIM = join(REPO_ROOT, 'build-spank', 'spank_qpu.so');

async function qrun(args: readonly string[]) {
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', SLURM_CONF: qpuCluster().slurmConf, HOME: '/root' };
  const result = await run('node', [join(REPO_ROOT, 'bin', 'qrun.js'), ...args], { env, timeoutMs: 90_000 });
  return { ...result, command: `qrun ${args.join(' ')}` };
}

async function account(name: string): Promise<string> {
  return (await run('getent', ['passwd', name])).stdout.trim();
}

describe.skipIf(qpuSkipReason() !== '')('qrun admin install on a node', () => {
  it("finds Slurm's directories, installs, runs a QPU job through what it installed, and a second run changes nothing", async () => {
    const cluster = qpuCluster();
    const slurm = await showConfig({ env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: cluster.slurmConf } });
    const pluginDir = slurm.pluginDirs[0] ?? '';
    expect(pluginDir).not.toBe('');
    expect(slurm.plugstack).toBe(cluster.plugstack);
    const installed = join(pluginDir, 'spank_qpu.so');
    const before = existsSync(installed) ? await readFile(installed) : null;
    expect(await account(SERVICE_USER)).toBe('');
    const root = await mkdtemp(join(tmpdir(), 'qpu-install-e2e-'));
    // sbatch reads plugstack.conf and what it includes as the submitting user.
    await chmod(root, 0o755);
    const confDir = join(root, 'plugstack.conf.d');
    const stateDir = join(root, 'state');
    const args = ['admin', 'install', '--catalogue', cluster.catalogue, '--state-dir', stateDir, '--service-user', SERVICE_USER];
    const jobs: string[] = [];
    try {
      // The node's plugstack.conf as many sites keep it: an include of a directory and nothing else.
      await withPlugstack(() => `include ${confDir}/*.conf`, async () => {
        const dry = await qrun([...args, '--dry-run']);
        expect(dry.code, shown(dry)).toBe(0);
        expect(dry.stdout).toContain(`would install ${SHIM} -> ${installed} (mode 0755)`);
        expect(dry.stdout).toContain(`would write ${join(confDir, 'qpu.conf')}`);
        expect(dry.stdout).toContain(`would create the service user ${SERVICE_USER}`);
        expect(dry.stdout).toContain(`would create ${stateDir} (root, mode 0700)`);
        expect(dry.stdout).toContain('4 changes would be made');
        expect(existsSync(installed) ? await readFile(installed) : null).toEqual(before);
        expect(existsSync(confDir)).toBe(false);
        expect(existsSync(stateDir)).toBe(false);
        expect(await account(SERVICE_USER)).toBe('');

        const first = await qrun(args);
        expect(first.code, shown(first)).toBe(0);
        expect(first.stdout).toContain('4 changes made');
        const shim = await stat(installed);
        expect(shim.mode & 0o777).toBe(0o755);
        expect(await readFile(installed)).toEqual(await readFile(SHIM));
        const line = (await readFile(join(confDir, 'qpu.conf'), 'utf8')).split('\n').find((l) => l.startsWith('required '));
        expect(line).toBe(
          `required ${installed} config=${cluster.catalogue} handler=${join(REPO_ROOT, 'dist', 'hook', 'main.js')} node=${process.execPath} state_dir=${stateDir} service_user=${SERVICE_USER}`,
        );
        expect(await account(SERVICE_USER)).toMatch(new RegExp(`^${SERVICE_USER}:x:\\d+:\\d+:.*:/usr/sbin/nologin$`));
        const state = await stat(stateDir);
        expect([state.mode & 0o777, state.uid, state.gid]).toEqual([0o700, 0, 0]);

        // slurmstepd loads the installed shim with the written line: a QPU job gets its backend.
        const id = await submit(['-t', '2', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'echo "backends=$QRUN_BACKENDS"'], { user: cluster.testUser });
        jobs.push(id);
        expect(await waitState(id, undefined, 90_000), output(id)).toBe('COMPLETED');
        expect(output(id)).toContain('backends=sim');
        expect(await readFile(join(stateDir, 'hook.log'), 'utf8')).toContain('lease acquired');

        const again = await qrun(args);
        expect(again.code, shown(again)).toBe(0);
        expect(again.stdout).toContain(`${installed} is already this build`);
        expect(again.stdout).toContain(`already loads ${installed}; left as it is`);
        expect(again.stdout).toContain(`service user ${SERVICE_USER} exists`);
        expect(again.stdout).toContain('nothing to change');
      });
    } finally {
      await drain(jobs);
      if (before === null) await rm(installed, { force: true });
      else await writeFile(installed, before, { mode: 0o755 });
      if ((await account(SERVICE_USER)) !== '') await run('userdel', [SERVICE_USER]);
      await rm(root, { recursive: true, force: true });
    }
  }, 240_000);
});
