/**
 * `up` then `down` of a second, independent dev cluster (own state dir, own ports) beside the one the
 * other e2e files use: each up reaches an idle node, each down leaves no process, socket or runtime
 * file behind, and the shared cluster is untouched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { down, status, up } from '../../src/devcluster/cluster.js';
import { findMarked } from '../../src/devcluster/daemons.js';
import { clusterPaths } from '../../src/devcluster/paths.js';
import { clusterEnv, clusterSkipReason, explain, slurm } from '../helpers/cluster.js';

const quiet = (): void => undefined;

/** The shared cluster's slurmctld port, from its slurm.conf (it follows QPU_E2E_PORT_BASE). */
function sharedCtldPort(): number {
  const port = /^SlurmctldPort=(\d+)$/m.exec(readFileSync(clusterEnv().SLURM_CONF, 'utf8'))?.[1];
  if (port === undefined) throw new Error(`no SlurmctldPort= in ${clusterEnv().SLURM_CONF}`);
  return Number(port);
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port base whose two ports (slurmctld, slurmd) nothing listens on now: the kernel picks the first,
 * so clusters of other checkouts running their tests at the same time are never in the way.
 */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (port > 0 && port < 65535 && (await listenable(port + 1))) return port;
  }
  throw new Error('no two free consecutive ports on 127.0.0.1');
}

describe.skipIf(clusterSkipReason() !== '')('dev cluster lifecycle', () => {
  it('comes up idle and goes down without a trace, three times in a row', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qpu-dev-cluster-'));
    const paths = clusterPaths(root);
    try {
      for (let cycle = 0; cycle < 3; cycle++) {
        const record = await up(
          paths,
          { build: false, portBase: await freePortBase(), testUser: 'qputest', serviceUser: 'qpu-gateway', hookTimeout: 30 },
          quiet,
        );
        const live = await status(paths);
        expect(live.state).toBe('up');
        expect(live.nodes).toMatch(/\bidle\b/);
        expect(existsSync(paths.envFile)).toBe(true);

        await down(paths, quiet);
        expect(await findMarked(record.runtimeDir)).toEqual([]);
        expect(existsSync(record.runtimeDir)).toBe(false);
        expect(existsSync(paths.envFile)).toBe(false);
        expect((await status(paths)).state).toBe('down');
      }
      // The cluster the other e2e files use is still there.
      const shared = await slurm('sinfo', ['-h', '-o', '%t']);
      expect(shared.stdout.trim(), explain(shared)).toMatch(/idle|mix|alloc/);
    } finally {
      await down(paths, quiet).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('up --nodes 3: each slurmd its own node in its own namespaces; down leaves no process, mount or file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qpu-dev-cluster-'));
    const paths = clusterPaths(root);
    // Clear of the shared cluster (base..base+3) and of multinode.test.ts (base+20..).
    const portBase = Number(process.env.QPU_E2E_PORT_BASE ?? 6817) + 40;
    try {
      const record = await up(paths, { build: false, portBase, testUser: 'qputest', serviceUser: 'qpu-gateway', hookTimeout: 30, nodes: 3 }, quiet);
      const live = await status(paths);
      expect(live.state).toBe('up');
      expect(live.nodes).toMatch(/^qn1 idle qpu:sim:4/m);
      expect(live.nodes).toMatch(/^qn2 idle qpu:sim:4/m);
      expect(live.nodes).toMatch(/^qn3 idle \(null\)/m);
      const slurmds = record.daemons.filter((d) => d.name.startsWith('slurmd@'));
      expect(slurmds).toHaveLength(3);
      const ownUts = await readlink('/proc/self/ns/uts');
      for (const d of slurmds) {
        expect(await readlink(`/proc/${d.pid}/ns/uts`), d.name).not.toBe(ownUts);
        // The node's own state directory is mounted over the one plugstack.conf names, in its namespace only.
        expect(await readFile(`/proc/${d.pid}/mountinfo`, 'utf8')).toContain(` ${join(record.runtimeDir, 'qpu')} `);
      }
      expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(record.runtimeDir);

      await down(paths, quiet);
      expect(await findMarked(record.runtimeDir)).toEqual([]);
      const stillMounted: string[] = [];
      for (const pid of (await readdir('/proc')).filter((e) => /^\d+$/.test(e))) {
        const mounts = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
        if (mounts.includes(record.runtimeDir)) stillMounted.push(pid);
      }
      expect(stillMounted).toEqual([]);
      expect(existsSync(record.runtimeDir)).toBe(false);
    } finally {
      await down(paths, quiet).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses to start on a port that is taken, and says which', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qpu-dev-cluster-'));
    const paths = clusterPaths(root);
    const taken = sharedCtldPort();
    try {
      await expect(
        up(paths, { build: false, portBase: taken, testUser: 'qputest', serviceUser: 'qpu-gateway', hookTimeout: 30 }, quiet),
      ).rejects.toMatchObject({ code: 'PORT_IN_USE', message: expect.stringContaining(String(taken)) });
    } finally {
      // Had up started anything after all, it goes down here, not with the machine.
      await down(paths, quiet).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(clusterSkipReason() !== '')('dev-cluster command', () => {
  const cli = ['--import', 'tsx', 'src/devcluster/main.ts'];

  it('tells an ordinary user it needs root, with the fix', async () => {
    const { run } = await import('../../src/devcluster/exec.js');
    const result = await run('runuser', ['-u', 'qputest', '--', process.execPath, ...cli, 'up', '--no-build'], {
      cwd: process.cwd(),
    });
    expect(result.code).toBe(10);
    expect(result.stderr).toContain('error [NOT_ROOT]');
    expect(result.stderr).toContain('sudo npm run dev-cluster -- up');
  });

  it('documents its subcommands and options in --help', async () => {
    const { run } = await import('../../src/devcluster/exec.js');
    const top = await run(process.execPath, [...cli, '--help']);
    expect(top.code).toBe(0);
    for (const word of ['up', 'down', 'status']) expect(top.stdout).toMatch(new RegExp(`^\\s+${word}\\b`, 'm'));
    const upHelp = await run(process.execPath, [...cli, 'up', '--help']);
    for (const option of ['--catalogue', '--no-build', '--port-base', '--test-user']) expect(upHelp.stdout).toContain(option);
  });
});
