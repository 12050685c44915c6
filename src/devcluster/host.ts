import { access, chmod, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { QrunError } from '../errors.js';
import { run, runChecked } from './exec.js';

/** The Debian packages a single-host cluster needs, and a binary that proves each is there. */
const PACKAGES: ReadonlyArray<{ readonly name: string; readonly proof: string }> = [
  { name: 'slurmctld', proof: '/usr/sbin/slurmctld' },
  { name: 'slurmd', proof: '/usr/sbin/slurmd' },
  { name: 'slurm-client', proof: '/usr/bin/sbatch' },
  { name: 'munge', proof: '/usr/sbin/munged' },
  { name: 'libslurm-dev', proof: '/usr/include/slurm/spank.h' },
  // The shim reads the catalogue's backend names with json-c, found through pkg-config.
  { name: 'libjson-c-dev', proof: '/usr/include/json-c/json.h' },
  { name: 'pkgconf', proof: '/usr/bin/pkg-config' },
];

export function requireRoot(uid: number): void {
  if (uid !== 0) {
    throw new QrunError('NOT_ROOT', 'the dev cluster starts slurmctld, slurmd and munged, which needs root', {
      hint: 'Run it as root: sudo npm run dev-cluster -- up',
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function missingPackages(extra: ReadonlyArray<{ readonly name: string; readonly proof: string }>): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of [...PACKAGES, ...extra]) if (!(await exists(pkg.proof))) missing.push(pkg.name);
  return missing;
}

/** Installs what is missing from Debian's archive; says exactly what failed when apt cannot. */
export async function ensurePackages(
  say: (line: string) => void,
  extra: ReadonlyArray<{ readonly name: string; readonly proof: string }> = [],
): Promise<void> {
  const missing = await missingPackages(extra);
  if (missing.length === 0) return;
  say(`installing ${missing.join(' ')} from Debian's archive`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update'], { env });
  const install =
    update.code === 0
      ? await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env })
      : update;
  if (install.code !== 0) {
    const tail = (install.stderr || install.stdout).trim().split('\n').slice(-5).join('\n');
    throw new QrunError('PACKAGES_UNAVAILABLE', `apt-get could not install ${missing.join(' ')}:\n${tail}`, {
      hint: 'Check that this is Debian (bookworm or later) with a reachable package archive, then retry.',
    });
  }
}

/** Fails with PORT_IN_USE when something already listens on a port the cluster needs. */
export async function ensurePortFree(port: number, who: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new QrunError('PORT_IN_USE', `port ${port} (${who}) is already in use`, {
            hint:
              'Another Slurm is running here. Stop it (`npm run dev-cluster -- down` if it is ours; ' +
              '`ss -ltnp` shows who holds it) or pick other ports with --port-base.',
          }),
        );
      } else reject(error);
    });
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve()));
  });
}

export async function shortHostname(): Promise<string> {
  const { stdout } = await runChecked('hostname', ['-s']);
  const host = stdout.trim();
  const resolved = await run('getent', ['hosts', host]);
  if (resolved.code !== 0) {
    throw new QrunError('TOOL_FAILED', `the hostname ${host} does not resolve`, {
      hint: `Add "127.0.1.1 ${host}" to /etc/hosts; slurmd must find its own node by name.`,
    });
  }
  return host;
}

async function userExists(name: string): Promise<boolean> {
  return (await run('id', ['-u', name])).code === 0;
}

/** An ordinary login user for jobs that must not run as root. */
export async function ensureTestUser(name: string, say: (line: string) => void): Promise<void> {
  if (await userExists(name)) return;
  say(`creating the test user ${name}`);
  await runChecked('useradd', ['--create-home', '--user-group', '--shell', '/bin/bash', name]);
}

/** An unprivileged system user for per-job services (neither root nor the job's user). */
export async function ensureServiceUser(name: string, say: (line: string) => void): Promise<void> {
  if (await userExists(name)) return;
  say(`creating the service user ${name}`);
  await runChecked('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
}

export async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await runChecked('id', ['-u', name])).stdout.trim());
  const gid = Number((await runChecked('id', ['-g', name])).stdout.trim());
  return { uid, gid };
}

/**
 * Jobs of the test user run `qrun` from this checkout, so every directory above it must be
 * traversable (o+x). Returns the directories it had to open, with their old modes, so `down` can
 * put them back.
 */
export async function openTraversal(path: string): Promise<Array<{ path: string; mode: number }>> {
  const changed: Array<{ path: string; mode: number }> = [];
  for (let dir = path; ; dir = dirname(dir)) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) {
      changed.push({ path: dir, mode: info.mode & 0o7777 });
      await chmod(dir, (info.mode & 0o7777) | 0o001);
    }
    if (dirname(dir) === dir) break;
  }
  return changed;
}
