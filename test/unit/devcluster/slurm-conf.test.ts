import { describe, expect, it } from 'vitest';
import {
  capacityFromCatalogue,
  nodeLineFrom,
  renderEnvFile,
  renderGresConf,
  renderPlugstackConf,
  renderSlurmConf,
  type ClusterLayout,
} from '../../../src/devcluster/slurm-conf.js';
import { devNodes, hostlist, namespacedSlurmd } from '../../../src/devcluster/nodes.js';

const catalogue = {
  version: 1,
  backends: {
    sim: { type: 'sim', capacity: { gres: 'sim', lanes: 4 } },
    sim_shared: { type: 'sim', capacity: { license: 'qpu_sim_shared', lanes: 2 } },
    ibm: { type: 'ibm', capacity: { license: 'qpu_ibm_fez', lanes: 1 } },
  },
};

const layout: ClusterLayout = {
  clusterName: 'qpudev',
  hostname: 'node1',
  nodeLine: 'NodeName=whatever CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105',
  ctldPort: 6817,
  slurmdPort: 6818,
  mungeSocket: '/tmp/x/munge/munge.socket',
  spool: '/tmp/x/spool',
  ctldState: '/tmp/x/slurmctld',
  logDir: '/repo/.dev-cluster/log',
  runDir: '/tmp/x',
  plugstackConf: '/tmp/x/etc/plugstack.conf',
  capacity: capacityFromCatalogue(catalogue),
};

describe('dev cluster configuration', () => {
  it('turns catalogue capacity into GRES types and licenses', () => {
    expect(capacityFromCatalogue(catalogue)).toEqual({
      gres: [{ type: 'sim', count: 4 }],
      licenses: [
        { name: 'qpu_sim_shared', count: 2 },
        { name: 'qpu_ibm_fez', count: 1 },
      ],
    });
    expect(capacityFromCatalogue(null)).toEqual({ gres: [], licenses: [] });
  });

  it('writes the slurm.conf lines a single host needs', () => {
    const conf = renderSlurmConf(layout);
    for (const line of [
      'SlurmctldHost=node1',
      'AuthInfo=socket=/tmp/x/munge/munge.socket',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SchedulerParameters=batch_sched_delay=0',
      'SelectType=select/cons_tres',
      'GresTypes=qpu',
      'Licenses=qpu_sim_shared:2,qpu_ibm_fez:1',
      'PlugStackConfig=/tmp/x/etc/plugstack.conf',
    ]) {
      expect(conf.split('\n')).toContain(line);
    }
    expect(conf).toMatch(/^NodeName=node1 CPUs=2 .* RealMemory=24105 Gres=qpu:sim:4 State=UNKNOWN$/m);
    expect(conf).toMatch(/^PartitionName=debug Nodes=node1 Default=YES .*OverSubscribe=FORCE:8$/m);
    // Would make slurmctld exit without slurmdbd.
    expect(conf).not.toContain('AccountingStorageTRES');
  });

  it('writes count-only typed GRES to gres.conf', () => {
    expect(renderGresConf(layout.capacity)).toContain('Name=qpu Type=sim Count=4');
  });

  it('loads the shim with every plugstack argument, or nothing when it was not built', () => {
    const line = renderPlugstackConf({
      shim: '/x/spank_qpu.so',
      catalogue: '/x/qpu.json',
      handler: '/repo/dist/hook/main.js',
      node: '/usr/bin/node',
      stateDir: '/x/qpu',
      timeoutSeconds: 30,
      serviceUser: 'qpu-gateway',
    });
    expect(line).toContain(
      'required /x/spank_qpu.so config=/x/qpu.json handler=/repo/dist/hook/main.js node=/usr/bin/node state_dir=/x/qpu timeout=30 service_user=qpu-gateway',
    );
    expect(renderPlugstackConf(null)).not.toMatch(/^required/m);
  });

  it('keeps only the hardware line of slurmd -C', () => {
    expect(nodeLineFrom('NodeName=vm CPUs=2 RealMemory=100\nUpTime=0-00:08:02\n')).toBe('NodeName=vm CPUs=2 RealMemory=100');
    expect(() => nodeLineFrom('garbage')).toThrow(/no NodeName/);
  });

  it('quotes env file values that need it', () => {
    expect(renderEnvFile({ A: '/plain/path', B: "it's spaced" })).toContain(`export B='it'\\''s spaced'`);
    expect(renderEnvFile({ A: '/plain/path' })).toContain('export A=/plain/path');
  });
});

describe('multi-node dev cluster configuration', () => {
  const nodes = devNodes(3, 7200);

  it('names qn1..qnN, keeps node 1 on base+1 and leaves base+2, base+3 to accounting', () => {
    expect(nodes).toEqual([
      { name: 'qn1', port: 7201, qpu: true },
      { name: 'qn2', port: 7204, qpu: true },
      { name: 'qn3', port: 7205, qpu: false },
    ]);
    expect(devNodes(1, 7200)).toEqual([{ name: 'qn1', port: 7201, qpu: true }]);
  });

  it('writes one NodeName line per slurmd, GRES only on QPU nodes, and a partition per kind', () => {
    const conf = renderSlurmConf({ ...layout, nodes }).split('\n');
    expect(conf).toContain('NodeName=qn1 NodeHostname=qn1 NodeAddr=127.0.0.1 Port=7201 CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105 Gres=qpu:sim:4 State=UNKNOWN');
    expect(conf).toContain('NodeName=qn3 NodeHostname=qn3 NodeAddr=127.0.0.1 Port=7205 CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105 State=UNKNOWN');
    expect(conf).toContain('PartitionName=debug Nodes=qn[1-3] Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8');
    expect(conf).toContain('PartitionName=qpu Nodes=qn[1-2] MaxTime=INFINITE State=UP OverSubscribe=FORCE:8');
    expect(conf).toContain('PartitionName=cpu Nodes=qn3 MaxTime=INFINITE State=UP OverSubscribe=FORCE:8');
    expect(conf).toContain('SlurmdSpoolDir=/tmp/x/spool/%n');
    expect(conf).toContain('SlurmdLogFile=/repo/.dev-cluster/log/slurmd-%n.log');
  });

  it('leaves the single-host slurm.conf as it was', () => {
    const conf = renderSlurmConf(layout).split('\n');
    expect(conf).toContain('NodeName=node1 CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105 Gres=qpu:sim:4 State=UNKNOWN');
    expect(conf).toContain('SlurmdSpoolDir=/tmp/x/spool');
    expect(conf).toContain('SlurmdLogFile=/repo/.dev-cluster/log/slurmd.log');
    expect(conf.filter((l) => l.startsWith('PartitionName='))).toHaveLength(1);
  });

  it('names the QPU nodes in gres.conf, which every node reads', () => {
    expect(renderGresConf(layout.capacity, nodes.filter((n) => n.qpu))).toContain('NodeName=qn[1-2] Name=qpu Type=sim Count=4');
    expect(renderGresConf(layout.capacity)).toContain('\nName=qpu Type=sim Count=4');
  });

  it('starts each slurmd in its own mount and UTS namespace over the shared state paths', () => {
    const { command, args } = namespacedSlurmd({ node: 'qn2', slurmConf: '/tmp/x/etc/slurm.conf', stateDir: '/tmp/x/qpu', ownStateDir: '/tmp/x/nodes/qn2/qpu', ownGatewayRoot: '/tmp/x/nodes/qn2/run' });
    expect(command).toBe('/usr/bin/unshare');
    expect(args.slice(0, 4)).toEqual(['--mount', '--uts', '--propagation', 'private']);
    expect(args.slice(-6)).toEqual(['qn2', '/tmp/x/nodes/qn2/qpu', '/tmp/x/qpu', '/tmp/x/nodes/qn2/run', '/run/slurm-qpu', '/tmp/x/etc/slurm.conf']);
    expect(hostlist(nodes)).toBe('qn[1-3]');
  });
});
