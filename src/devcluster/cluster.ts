import { copyFile, chmod, chown, mkdir, mkdtemp, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QrunError } from '../errors.js';
import { FAULT_SWITCH } from '../hook/faults.js';
import { ACCOUNTING_PACKAGES, accountingSlurmConfLines, registerAssociations, startAccounting } from './accounting.js';
import {
  findMarked,
  isAlive,
  isOurs,
  MARKER_VARIABLE,
  startDaemon,
  stopProcess,
  type DaemonRecord,
} from './daemons.js';
import { run, runChecked, waitFor } from './exec.js';
import {
  ensurePackages,
  ensurePortFree,
  ensureServiceUser,
  ensureTestUser,
  openTraversal,
  requireRoot,
  shortHostname,
  userIds,
} from './host.js';
import { stopHookServices, waitForHookServices } from './hook-services.js';
import { devNodes, GATEWAY_RUNTIME_ROOT, namespacedSlurmd, nodeDirs, type DevNode } from './nodes.js';
import { DEFAULT_CATALOGUE, HANDLER_PATH, REPO_ROOT, SHIM_PATH, type ClusterPaths } from './paths.js';
import {
  capacityFromCatalogue,
  nodeLineFrom,
  renderEnvFile,
  renderGresConf,
  renderPlugstackConf,
  renderSlurmConf,
} from './slurm-conf.js';

export interface UpOptions {
  readonly catalogue?: string;
  readonly build: boolean;
  readonly portBase: number;
  readonly testUser: string;
  /**
   * A second ordinary user, for tests where one user must not reach another's work (records, a
   * served vqpu). Created like the test user; defaults to none.
   */
  readonly secondUser?: string | undefined;
  readonly serviceUser: string;
  /** Seconds the shim waits for the hook handler. */
  readonly hookTimeout: number;
  /** Also start MariaDB and slurmdbd (ports base+2 and base+3), so sacct shows QPU use. */
  readonly accounting?: boolean;
  /** Slurm nodes on this host (nodes.ts); 1 (the default) is the single-host layout. */
  readonly nodes?: number;
  /** plugstack trace=yes (the hook's start-up trace in its log). */
  readonly trace?: boolean;
  /** false: plugstack service=no, every hook call starts a handler process (the resident service's fallback). */
  readonly hookService?: boolean;
}

/** What `up` started and changed, so `down` undoes exactly that. Saved as .dev-cluster/cluster.json. */
export interface ClusterRecord {
  readonly runtimeDir: string;
  readonly hostname: string;
  readonly ctldPort: number;
  readonly slurmdPort: number;
  readonly testUser: string;
  readonly secondUser?: string | undefined;
  readonly serviceUser: string;
  readonly daemons: DaemonRecord[];
  readonly openedDirs: Array<{ path: string; mode: number }>;
  readonly startedAt: string;
  /** The nodes of a multi-node cluster; absent for the single-host layout. */
  readonly nodes?: readonly DevNode[];
  /** `up` made the gateways' runtime root (the mount point of each node's own): `down` removes it when empty. */
  readonly madeGatewayRoot?: boolean;
}

type Say = (line: string) => void;

async function readRecord(paths: ClusterPaths): Promise<ClusterRecord | undefined> {
  try {
    return JSON.parse(await readFile(paths.stateFile, 'utf8')) as ClusterRecord;
  } catch {
    return undefined;
  }
}

async function saveRecord(paths: ClusterPaths, record: ClusterRecord): Promise<void> {
  await writeFile(`${paths.stateFile}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${paths.stateFile}.tmp`, paths.stateFile);
}

function runtimeLayout(runtimeDir: string) {
  return {
    etc: join(runtimeDir, 'etc'),
    lib: join(runtimeDir, 'lib'),
    munge: join(runtimeDir, 'munge'),
    spool: join(runtimeDir, 'spool'),
    ctldState: join(runtimeDir, 'slurmctld'),
    qpuState: join(runtimeDir, 'qpu'),
    jobs: join(runtimeDir, 'jobs'),
  };
}

/** Each node's QPU state directory as seen from the host (one for the single-host layout); CPU-only nodes too (licenses). */
function qpuStateDirs(runtimeDir: string, nodes: readonly DevNode[] | undefined): string[] {
  return nodes === undefined ? [runtimeLayout(runtimeDir).qpuState] : nodes.map((n) => nodeDirs(runtimeDir, n.name).qpuState);
}

async function readCatalogue(path: string): Promise<{ text: string; data: unknown }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new QrunError('CONFIG_NOT_FOUND', `cannot read the catalogue ${path}: ${(error as Error).message}`, {
      hint: 'Pass an existing file with --catalogue, or omit it for slurm-conf/dev-cluster/qpu.json.',
    });
  }
  try {
    return { text, data: JSON.parse(text) };
  } catch (error) {
    throw new QrunError('CONFIG_UNREADABLE', `the catalogue ${path} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * A vqpu entry's registry moves into this cluster's runtime directory (root-owned, 1777 like /tmp):
 * two dev clusters on one machine never see each other's served vqpus.
 */
async function withOwnVqpuRegistry(catalogue: { text: string; data: unknown }, runtimeDir: string): Promise<string> {
  const backends = (catalogue.data as { backends?: Record<string, { type?: unknown; registry?: unknown }> } | null)?.backends ?? {};
  const vqpus = Object.values(backends).filter((entry) => entry.type === 'vqpu');
  if (vqpus.length === 0) return catalogue.text;
  const registry = join(runtimeDir, 'vqpu');
  await mkdir(registry, { mode: 0o755 });
  await chmod(registry, 0o1777);
  for (const entry of vqpus) entry.registry = registry;
  return `${JSON.stringify(catalogue.data, null, 2)}\n`;
}

async function buildArtifacts(say: Say): Promise<void> {
  say('building the TypeScript sources and the SPANK shim');
  await runChecked('npm', ['run', '--silent', 'build:ts'], { cwd: REPO_ROOT });
  await runChecked('node', ['scripts/build-spank.mjs', '--required'], { cwd: REPO_ROOT });
}

/**
 * Each node's own state directory (with the fault switch the tests use) and gateway runtime root,
 * bind-mounted in its namespace over the paths every node names alike. Returns whether the shared
 * mount point of the gateway root had to be made.
 */
async function prepareNodeDirs(runtimeDir: string, nodes: readonly DevNode[]): Promise<boolean> {
  for (const node of nodes) {
    const own = nodeDirs(runtimeDir, node.name);
    await mkdir(own.root, { recursive: true, mode: 0o755 });
    await mkdir(own.qpuState, { mode: 0o700 });
    await writeFile(join(own.qpuState, FAULT_SWITCH), 'enabled\n', { mode: 0o600 });
    await mkdir(own.gatewayRoot, { mode: 0o755 });
  }
  try {
    await stat(GATEWAY_RUNTIME_ROOT);
    return false;
  } catch {
    await mkdir(GATEWAY_RUNTIME_ROOT, { recursive: true, mode: 0o755 });
    return true;
  }
}

export async function up(paths: ClusterPaths, options: UpOptions, say: Say): Promise<ClusterRecord> {
  requireRoot(process.getuid?.() ?? -1);
  if (await readRecord(paths)) {
    say('a dev cluster is already recorded here: stopping it first');
    await down(paths, say);
  }
  const accounting = options.accounting === true;
  await ensurePackages(say, accounting ? ACCOUNTING_PACKAGES : []);
  const ctldPort = options.portBase;
  const slurmdPort = options.portBase + 1;
  const accountingPorts = { database: options.portBase + 2, slurmdbd: options.portBase + 3 };
  const nodes = (options.nodes ?? 1) > 1 ? devNodes(options.nodes ?? 1, options.portBase) : undefined;
  await ensurePortFree(ctldPort, 'slurmctld');
  for (const node of nodes ?? [{ name: 'slurmd', port: slurmdPort }]) await ensurePortFree(node.port, nodes ? `slurmd of ${node.name}` : 'slurmd');
  if (accounting) {
    await ensurePortFree(accountingPorts.database, 'mariadbd');
    await ensurePortFree(accountingPorts.slurmdbd, 'slurmdbd');
  }
  const hostname = await shortHostname();
  const nodeLine = nodeLineFrom((await runChecked('slurmd', ['-C'])).stdout);
  await ensureTestUser(options.testUser, say);
  if (options.secondUser !== undefined) await ensureTestUser(options.secondUser, say);
  await ensureServiceUser(options.serviceUser, say);
  if (options.build) await buildArtifacts(say);

  const catalogue = await readCatalogue(options.catalogue ?? DEFAULT_CATALOGUE);
  const capacity = capacityFromCatalogue(catalogue.data);

  await mkdir(paths.root, { recursive: true });
  await rm(paths.log, { recursive: true, force: true });
  await mkdir(join(paths.log, 'munge'), { recursive: true });
  const munge = await userIds('munge');
  await chown(join(paths.log, 'munge'), munge.uid, munge.gid);

  // Runtime files live outside the checkout, in a fresh private temp dir opened for reading:
  // job users must read slurm.conf and reach the munge socket wherever the checkout is.
  const runtimeDir = await mkdtemp('/tmp/slurm-qpu-dev-');
  await chmod(runtimeDir, 0o755);
  const rt = runtimeLayout(runtimeDir);
  for (const dir of [rt.etc, rt.lib, rt.spool, rt.ctldState]) await mkdir(dir, { mode: 0o755 });
  await mkdir(rt.qpuState, { mode: 0o700 });
  // The dev cluster alone switches the handler's fault points on (src/hook/faults.ts): tests arm them.
  await writeFile(join(rt.qpuState, FAULT_SWITCH), 'enabled\n', { mode: 0o600 });
  await mkdir(rt.jobs);
  await chmod(rt.jobs, 0o1777);
  await mkdir(rt.munge, { mode: 0o700 });
  await chown(rt.munge, munge.uid, munge.gid);
  // The munge socket directory must be reachable by every job user, and writable only by munge.
  await chmod(rt.munge, 0o755);

  const madeGatewayRoot = nodes !== undefined && (await prepareNodeDirs(runtimeDir, nodes));

  const record: ClusterRecord = {
    runtimeDir,
    hostname,
    ctldPort,
    slurmdPort,
    testUser: options.testUser,
    ...(options.secondUser === undefined ? {} : { secondUser: options.secondUser }),
    serviceUser: options.serviceUser,
    daemons: [],
    openedDirs: [],
    startedAt: new Date().toISOString(),
    ...(nodes === undefined ? {} : { nodes, madeGatewayRoot }),
  };
  await saveRecord(paths, record);

  try {
    const catalogueFile = join(rt.etc, 'qpu.json');
    await writeFile(catalogueFile, await withOwnVqpuRegistry(catalogue, runtimeDir), { mode: 0o644 });

    let shim: string | null = null;
    try {
      // Copy, then rename: a plugin .so must never be rewritten in place while Slurm has it mapped.
      shim = join(rt.lib, 'spank_qpu.so');
      await copyFile(SHIM_PATH, `${shim}.tmp`);
      await rename(`${shim}.tmp`, shim);
    } catch {
      say(`no ${SHIM_PATH}: starting plain Slurm without the SPANK plugin`);
      shim = null;
    }
    const slurmConf = join(rt.etc, 'slurm.conf');
    const plugstackConf = join(rt.etc, 'plugstack.conf');
    const mungeSocket = join(rt.munge, 'munge.socket');
    await writeFile(
      slurmConf,
      renderSlurmConf({
        clusterName: 'qpudev',
        hostname,
        nodeLine,
        ctldPort,
        slurmdPort,
        mungeSocket,
        spool: rt.spool,
        ctldState: rt.ctldState,
        logDir: paths.log,
        runDir: runtimeDir,
        plugstackConf,
        capacity,
        ...(nodes === undefined ? {} : { nodes }),
        ...(accounting ? { accounting: accountingSlurmConfLines(accountingPorts, capacity, join(rt.munge, 'munge.socket')) } : {}),
      }),
      { mode: 0o644 },
    );
    await writeFile(join(rt.etc, 'gres.conf'), renderGresConf(capacity, nodes?.filter((n) => n.qpu)), { mode: 0o644 });
    await writeFile(
      plugstackConf,
      renderPlugstackConf(
        shim === null
          ? null
          : {
              shim,
              catalogue: catalogueFile,
              handler: HANDLER_PATH,
              node: process.execPath,
              stateDir: rt.qpuState,
              timeoutSeconds: options.hookTimeout,
              serviceUser: options.serviceUser,
              trace: options.trace === true,
              service: options.hookService !== false,
            },
      ),
      { mode: 0o644 },
    );

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      SLURM_CONF: slurmConf,
      [MARKER_VARIABLE]: runtimeDir,
    };
    say('starting munged');
    record.daemons.push(
      startDaemon({
        name: 'munged',
        command: '/usr/sbin/munged',
        args: [
          '--foreground',
          `--socket=${mungeSocket}`,
          `--pid-file=${join(rt.munge, 'munged.pid')}`,
          `--seed-file=${join(rt.munge, 'munged.seed')}`,
          `--log-file=${join(paths.log, 'munge', 'munged.log')}`,
          '--key-file=/etc/munge/munge.key',
        ],
        logFile: join(paths.log, 'munged.out'),
        env,
        uid: munge.uid,
        gid: munge.gid,
      }),
    );
    await saveRecord(paths, record);
    await waitFor(
      'munged to answer',
      async () => ((await run('munge', ['-n', '-S', mungeSocket])).code === 0 ? true : undefined),
      10_000,
    );

    if (accounting) {
      await startAccounting({
        runtimeDir,
        logDir: paths.log,
        mungeSocket,
        ports: accountingPorts,
        env,
        record: async (daemon) => {
          record.daemons.push(daemon);
          await saveRecord(paths, record);
        },
        say,
      });
      await registerAssociations(env, 'qpudev', ['root', options.testUser, ...(options.secondUser === undefined ? [] : [options.secondUser])]);
    }

    say('starting slurmctld');
    record.daemons.push(
      startDaemon({
        name: 'slurmctld',
        command: '/usr/sbin/slurmctld',
        args: ['-D', '-c', '-f', slurmConf],
        logFile: join(paths.log, 'slurmctld.out'),
        env,
      }),
    );
    await saveRecord(paths, record);
    await waitFor(
      'slurmctld to answer `scontrol ping`',
      async () => ((await run('scontrol', ['ping'], { env })).stdout.includes('is UP') ? true : undefined),
      20_000,
    );

    if (nodes === undefined) {
      say('starting slurmd');
      record.daemons.push(
        startDaemon({
          name: 'slurmd',
          command: '/usr/sbin/slurmd',
          args: ['-D', '-f', slurmConf],
          logFile: join(paths.log, 'slurmd.out'),
          env,
        }),
      );
    } else {
      for (const node of nodes) {
        say(`starting slurmd of ${node.name} (port ${node.port}${node.qpu ? '' : ', CPU only'})`);
        const own = nodeDirs(runtimeDir, node.name);
        const { command, args } = namespacedSlurmd({ node: node.name, slurmConf, stateDir: rt.qpuState, ownStateDir: own.qpuState, ownGatewayRoot: own.gatewayRoot });
        record.daemons.push(startDaemon({ name: `slurmd@${node.name}`, command, args, logFile: join(paths.log, `slurmd-${node.name}.out`), env }));
      }
    }
    await saveRecord(paths, record);
    const expected = nodes?.length ?? 1;
    await waitFor(
      nodes === undefined ? `node ${hostname} to be idle` : `${expected} nodes to be idle`,
      async () => {
        const states = (await run('sinfo', ['-h', '-N', '-o', '%N %t'], { env })).stdout.trim().split('\n').filter(Boolean);
        const idle = new Set(states.filter((line) => line.endsWith(' idle')).map((line) => line.split(' ')[0]));
        return idle.size === expected ? true : undefined;
      },
      30_000,
    );

    if (shim !== null && options.hookService !== false) {
      // Each slurmd started its node's hook service through the shim; the first QPU job should find it.
      const late = await waitForHookServices(qpuStateDirs(runtimeDir, nodes), 15_000);
      for (const dir of late) say(`the hook service of ${dir} is not listening yet; QPU jobs there start handler processes until it is`);
    }
    record.openedDirs.push(...(await openTraversal(REPO_ROOT)));
    await saveRecord(paths, record);
    await writeFile(
      paths.envFile,
      renderEnvFile({
        SLURM_CONF: slurmConf,
        QPU_DEV_CLUSTER_RUNTIME: runtimeDir,
        QPU_DEV_CLUSTER_LOGS: paths.log,
        QPU_DEV_CLUSTER_QPU_STATE: rt.qpuState,
        QPU_DEV_CLUSTER_JOBS: rt.jobs,
        QPU_DEV_CLUSTER_HOST: hostname,
        QPU_DEV_CLUSTER_TEST_USER: options.testUser,
        QPU_DEV_CLUSTER_SECOND_USER: options.secondUser ?? '',
        QPU_DEV_CLUSTER_SERVICE_USER: options.serviceUser,
        QPU_DEV_CLUSTER_ACCOUNTING: accounting ? '1' : '0',
        ...(nodes === undefined
          ? {}
          : {
              QPU_DEV_CLUSTER_NODES: nodes.map((n) => n.name).join(' '),
              QPU_DEV_CLUSTER_QPU_NODES: nodes.filter((n) => n.qpu).map((n) => n.name).join(' '),
              QPU_DEV_CLUSTER_NODE_DIRS: join(runtimeDir, 'nodes'),
            }),
      }),
    );
    return record;
  } catch (error) {
    say(`up failed; stopping what was started (logs stay in ${paths.log})`);
    await down(paths, say).catch(() => undefined);
    throw error;
  }
}

async function cancelAllJobs(env: Record<string, string>, say: Say): Promise<void> {
  const queue = await run('squeue', ['-h', '-o', '%A'], { env, timeoutMs: 10_000 });
  if (queue.code !== 0) return;
  const ids = queue.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) return;
  say(`cancelling ${ids.length} job(s)`);
  await run('scancel', ids, { env, timeoutMs: 10_000 });
  await waitFor(
    'cancelled jobs to end',
    async () => ((await run('squeue', ['-h', '-o', '%A'], { env })).stdout.trim() === '' ? true : undefined),
    20_000,
    200,
  ).catch(() => say('some jobs did not end in 20 s; stopping the daemons anyway'));
}

/** Stops exactly what `up` started, restores what it changed, and removes its runtime files. */
export async function down(paths: ClusterPaths, say: Say): Promise<void> {
  requireRoot(process.getuid?.() ?? -1);
  const record = await readRecord(paths);
  if (!record) {
    say('no dev cluster is recorded here; nothing to stop');
    return;
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    SLURM_CONF: join(record.runtimeDir, 'etc', 'slurm.conf'),
  };
  const ctld = record.daemons.find((d) => d.name === 'slurmctld');
  if (ctld && (await isOurs(ctld.pid, record.runtimeDir))) await cancelAllJobs(env, say);

  // Every slurmd first (each may take ~3 s; together), then the controller, its accounting, then munge that all use.
  const slurmds = record.daemons.filter((d) => d.name === 'slurmd' || d.name.startsWith('slurmd@'));
  await Promise.all(
    slurmds.map(async (daemon) => {
      if (await isOurs(daemon.pid, record.runtimeDir)) say(`${daemon.name} (pid ${daemon.pid}) ${await stopProcess(daemon.pid, 10_000)}`);
    }),
  );
  // The nodes' hook services outlive slurmd, as on a real node: stopped by their pid files.
  await stopHookServices(qpuStateDirs(record.runtimeDir, record.nodes), say);
  for (const name of ['slurmctld', 'slurmdbd', 'mariadbd', 'munged']) {
    const daemon = record.daemons.find((d) => d.name === name);
    if (!daemon || !(await isOurs(daemon.pid, record.runtimeDir))) continue;
    const how = await stopProcess(daemon.pid, 10_000);
    say(`${name} (pid ${daemon.pid}) ${how}`);
  }
  // Anything else ours (a slurmstepd left by a job) goes too.
  for (const pid of await findMarked(record.runtimeDir)) {
    const how = await stopProcess(pid, 3_000);
    say(`leftover process ${pid} ${how}`);
  }
  for (const dir of record.openedDirs) {
    await chmod(dir.path, dir.mode).catch(() => undefined);
  }
  // The node namespaces and their bind mounts ended with their last process; the mount point may go.
  if (record.madeGatewayRoot === true) await rmdir(GATEWAY_RUNTIME_ROOT).catch(() => undefined);
  await rm(record.runtimeDir, { recursive: true, force: true });
  await rm(paths.envFile, { force: true });
  await rm(paths.stateFile, { force: true });
}

export interface ClusterStatus {
  readonly state: 'up' | 'down' | 'degraded';
  readonly record?: ClusterRecord;
  readonly daemons: Array<{ name: string; pid: number; alive: boolean }>;
  readonly nodes?: string;
}

export async function status(paths: ClusterPaths): Promise<ClusterStatus> {
  const record = await readRecord(paths);
  if (!record) return { state: 'down', daemons: [] };
  const daemons = await Promise.all(
    record.daemons.map(async (d) => ({
      name: d.name,
      pid: d.pid,
      alive: (await isAlive(d.pid)) && (await isOurs(d.pid, record.runtimeDir)),
    })),
  );
  const allAlive = daemons.length >= 3 && daemons.every((d) => d.alive);
  let nodes: string | undefined;
  if (allAlive) {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: join(record.runtimeDir, 'etc', 'slurm.conf') };
    nodes = (await run('sinfo', ['-N', '-o', '%N %t %G'], { env, timeoutMs: 10_000 })).stdout.trim();
  }
  return { state: allAlive ? 'up' : 'degraded', record, daemons, ...(nodes === undefined ? {} : { nodes }) };
}

/** The Slurm daemons a test may stop and start again while jobs run (the fault suite). */
export type RestartableDaemon = 'slurmd' | 'slurmctld';

/**
 * Stops one Slurm daemon of the cluster (SIGTERM; slurmstepd processes of running jobs live on),
 * waits `downMs`, and starts it again with its state kept (slurmctld without -c), then waits until
 * it answers. Returns the new pid, saved in the cluster record so `down` stops it.
 */
export async function restartDaemon(paths: ClusterPaths, name: RestartableDaemon, say: Say, options: { downMs?: number; during?: () => Promise<void> } = {}): Promise<number> {
  requireRoot(process.getuid?.() ?? -1);
  const record = await readRecord(paths);
  if (!record) throw new QrunError('DAEMON_FAILED', 'no dev cluster is recorded here');
  const slurmConf = join(record.runtimeDir, 'etc', 'slurm.conf');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', SLURM_CONF: slurmConf, [MARKER_VARIABLE]: record.runtimeDir };
  const index = record.daemons.findIndex((d) => d.name === name);
  const old = record.daemons[index];
  if (old !== undefined && (await isOurs(old.pid, record.runtimeDir))) say(`${name} (pid ${old.pid}) ${await stopProcess(old.pid, 10_000)}`);
  if (options.downMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.downMs));
  await options.during?.();
  const started = startDaemon({
    name,
    command: `/usr/sbin/${name}`,
    // slurmctld without -c: it keeps the jobs it knew.
    args: ['-D', '-f', slurmConf],
    logFile: join(paths.log, `${name}.out`),
    env,
  });
  const daemons = record.daemons.map((d, i) => (i === index ? started : d));
  await saveRecord(paths, { ...record, daemons: index < 0 ? [...daemons, started] : daemons });
  await waitFor(
    `${name} to answer`,
    async () => {
      if (name === 'slurmctld') return (await run('scontrol', ['ping'], { env })).stdout.includes('is UP') ? true : undefined;
      const state = (await run('sinfo', ['-h', '-o', '%t'], { env })).stdout.trim();
      return /^(idle|mix|alloc)$/.test(state) ? true : undefined;
    },
    30_000,
  );
  return started.pid;
}
