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
