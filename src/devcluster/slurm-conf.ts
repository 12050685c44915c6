/**
 * Renders the dev cluster's slurm.conf, gres.conf and plugstack.conf. Pure functions of their
 * inputs, so the exact text is unit-tested; the facts behind each line are in docs/dev-cluster.md.
 */
import { hostlist, type DevNode } from './nodes.js';

/** What the catalogue says about Slurm capacity, read loosely: the hook validates the catalogue. */
export interface CapacityPlan {
  /** GRES `qpu` types and their counts: `Gres=qpu:sim:4`. */
  readonly gres: ReadonlyArray<{ readonly type: string; readonly count: number }>;
  /** Cluster-wide licenses: `Licenses=qpu_sim_shared:2`. */
  readonly licenses: ReadonlyArray<{ readonly name: string; readonly count: number }>;
}

export interface ClusterLayout {
  readonly clusterName: string;
  readonly hostname: string;
  /** The `NodeName=...` line of `slurmd -C`, hardware facts of this machine. */
  readonly nodeLine: string;
  readonly ctldPort: number;
  readonly slurmdPort: number;
  readonly mungeSocket: string;
  readonly spool: string;
  readonly ctldState: string;
  readonly logDir: string;
  readonly runDir: string;
  readonly plugstackConf: string;
  readonly capacity: CapacityPlan;
  /** slurm.conf lines for slurmdbd accounting (accounting.ts); none: accounting_storage/none. */
  readonly accounting?: readonly string[];
  /** Several nodes on this host (nodes.ts); absent: one node named after the host. */
  readonly nodes?: readonly DevNode[];
}

interface CatalogueShape {
  backends?: Record<string, { capacity?: { gres?: unknown; license?: unknown; lanes?: unknown } }>;
}

/** Sums lanes per GRES type and per license over every backend of a catalogue. */
export function capacityFromCatalogue(catalogue: unknown): CapacityPlan {
  const backends = (catalogue as CatalogueShape | null)?.backends ?? {};
  const gres = new Map<string, number>();
  const licenses = new Map<string, number>();
  for (const backend of Object.values(backends)) {
    const capacity = backend.capacity;
    if (!capacity || typeof capacity.lanes !== 'number') continue;
    if (typeof capacity.gres === 'string') gres.set(capacity.gres, Math.max(gres.get(capacity.gres) ?? 0, capacity.lanes));
    if (typeof capacity.license === 'string') {
      licenses.set(capacity.license, Math.max(licenses.get(capacity.license) ?? 0, capacity.lanes));
    }
  }
  return {
    gres: [...gres].map(([type, count]) => ({ type, count })),
    licenses: [...licenses].map(([name, count]) => ({ name, count })),
  };
}

/** Keeps the hardware facts of `slurmd -C` (CPUs, sockets, memory) and drops the UpTime line. */
export function nodeLineFrom(slurmdDashC: string): string {
  const line = slurmdDashC.split('\n').find((l) => l.startsWith('NodeName='));
  if (!line) throw new Error(`slurmd -C printed no NodeName line:\n${slurmdDashC}`);
  return line.trim();
}

/** NodeName and PartitionName lines: one node named after the host, or the dev nodes of nodes.ts. */
function nodeAndPartitionLines(layout: ClusterLayout, gres: string): string[] {
  const hardware = layout.nodeLine.replace(/^NodeName=\S+\s*/, '');
  // With 2 cores, CPUs would run out before the QPU GRES does: share cores so GRES is what counts.
  const partition = (name: string, nodes: string, extra = ''): string =>
    `PartitionName=${name} Nodes=${nodes}${extra} MaxTime=INFINITE State=UP OverSubscribe=FORCE:8`;
  const nodes = layout.nodes;
  if (nodes === undefined) {
    return [`NodeName=${layout.hostname} ${hardware}${gres ? ` Gres=${gres}` : ''} State=UNKNOWN`, partition('debug', layout.hostname, ' Default=YES')];
  }
  const qpuNodes = nodes.filter((n) => n.qpu);
  const cpuNodes = nodes.filter((n) => !n.qpu);
  return [
    // Every slurmd of this host answers on 127.0.0.1 at its own port (slurmd -N <name>).
    ...nodes.map((n) => `NodeName=${n.name} NodeHostname=${n.name} NodeAddr=127.0.0.1 Port=${n.port} ${hardware}${n.qpu && gres ? ` Gres=${gres}` : ''} State=UNKNOWN`),
    partition('debug', hostlist(nodes), ' Default=YES'),
    ...(qpuNodes.length > 0 ? [partition('qpu', hostlist(qpuNodes))] : []),
    ...(cpuNodes.length > 0 ? [partition('cpu', hostlist(cpuNodes))] : []),
  ];
}

export function renderSlurmConf(layout: ClusterLayout): string {
  const gres = layout.capacity.gres.map((g) => `qpu:${g.type}:${g.count}`).join(',');
  const licenses = layout.capacity.licenses.map((l) => `${l.name}:${l.count}`).join(',');
  // Several slurmd on one host: %n (the node's name) keeps their spools, pid files and logs apart.
  const perNode = layout.nodes === undefined ? '' : '-%n';
  const lines = [
    '# Written by `npm run dev-cluster -- up`; rewritten on every up.',
    `ClusterName=${layout.clusterName}`,
    `SlurmctldHost=${layout.hostname}`,
    `SlurmctldPort=${layout.ctldPort}`,
    `SlurmdPort=${layout.slurmdPort}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    // Our own munged on our own socket: the cluster never touches a site's munge.
    `AuthInfo=socket=${layout.mungeSocket}`,
    `StateSaveLocation=${layout.ctldState}`,
    `SlurmdSpoolDir=${layout.spool}${layout.nodes === undefined ? '' : '/%n'}`,
    `SlurmctldPidFile=${layout.runDir}/slurmctld.pid`,
    `SlurmdPidFile=${layout.runDir}/slurmd${perNode}.pid`,
    `SlurmctldLogFile=${layout.logDir}/slurmctld.log`,
    `SlurmdLogFile=${layout.logDir}/slurmd${perNode}.log`,
    'SlurmctldDebug=info',
    'SlurmdDebug=info',
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    ...(layout.accounting ?? ['AccountingStorageType=accounting_storage/none']),
    'JobAcctGatherType=jobacct_gather/none',
    'JobCompType=jobcomp/none',
    'MailProg=/bin/true',
    'MpiDefault=none',
    'ReturnToService=2',
    // Batch jobs start at once instead of after the default scheduling delay (~1 s vs ~3 s). Only the
    // backfill scheduler starts heterogeneous jobs: with several nodes it runs every second, not 30 s.
    `SchedulerParameters=batch_sched_delay=0${layout.nodes === undefined ? '' : ',bf_interval=1'}`,
    'SchedulerType=sched/backfill',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    // Short waits so cancelled and timed-out jobs finish within a test's patience.
    'KillWait=2',
    'InactiveLimit=0',
    'MinJobAge=300',
    `PlugStackConfig=${layout.plugstackConf}`,
    'GresTypes=qpu',
    ...(licenses ? [`Licenses=${licenses}`] : []),
    ...nodeAndPartitionLines(layout, gres),
    '',
  ];
  return lines.join('\n');
}

export function renderGresConf(capacity: CapacityPlan, qpuNodes?: readonly DevNode[]): string {
  // Count-only GRES (no File=): a QPU is not a device node on this host. Several nodes share this
  // file, so it names the QPU nodes: a CPU-only node has none.
  const nodes = qpuNodes === undefined ? '' : `NodeName=${hostlist(qpuNodes)} `;
  const lines = qpuNodes?.length === 0 ? [] : capacity.gres.map((g) => `${nodes}Name=qpu Type=${g.type} Count=${g.count}`);
  return `# Written by \`npm run dev-cluster -- up\`.\n${lines.join('\n')}\n`;
}

export interface PlugstackArgs {
  readonly shim: string;
  readonly catalogue: string;
  readonly handler: string;
  readonly node: string;
  readonly stateDir: string;
  readonly timeoutSeconds: number;
  readonly serviceUser: string;
  /** plugstack `trace=yes`: the hook log gets each handler run's start-up timestamps. */
  readonly trace?: boolean;
  /** false: plugstack `service=no` (no resident hook service; a handler process per hook call). */
  readonly service?: boolean;
}

/** An empty plugstack (no shim) is legal: the cluster then runs plain Slurm. */
export function renderPlugstackConf(args: PlugstackArgs | null): string {
  const header = '# Written by `npm run dev-cluster -- up`.\n';
  if (!args) return `${header}# spank_qpu.so was not built; no SPANK plugin is loaded.\n`;
  return (
    header +
    `required ${args.shim} config=${args.catalogue} handler=${args.handler} node=${args.node} ` +
    `state_dir=${args.stateDir} timeout=${args.timeoutSeconds} service_user=${args.serviceUser}${args.trace === true ? ' trace=yes' : ''}${args.service === false ? ' service=no' : ''}\n`
  );
}

export function renderEnvFile(vars: Readonly<Record<string, string>>): string {
  const lines = Object.entries(vars).map(([key, value]) => `export ${key}=${shellQuote(value)}`);
  return `# Source this file to use the dev cluster: . .dev-cluster/env\n${lines.join('\n')}\n`;
}

function shellQuote(value: string): string {
  return /^[\w./:=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
