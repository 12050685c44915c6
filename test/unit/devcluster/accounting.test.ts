import { describe, expect, it } from 'vitest';
import { accountingSlurmConfLines, accountingTres, renderSlurmdbdConf } from '../../../src/devcluster/accounting.js';
import { renderSlurmConf } from '../../../src/devcluster/slurm-conf.js';

const capacity = { gres: [{ type: 'sim', count: 4 }], licenses: [{ name: 'qpu_sim_shared', count: 2 }] };

describe('dev cluster accounting', () => {
  it('tracks the qpu GRES, each of its types and every QPU license as TRES', () => {
    expect(accountingTres(capacity)).toBe('gres/qpu,gres/qpu:sim,license/qpu_sim_shared');
    const conf = renderSlurmConf({
      clusterName: 'qpudev', hostname: 'vm', nodeLine: 'NodeName=vm CPUs=2', ctldPort: 7717, slurmdPort: 7718, mungeSocket: '/run/m.sock',
      spool: '/s', ctldState: '/c', logDir: '/l', runDir: '/r', plugstackConf: '/p', capacity,
      accounting: accountingSlurmConfLines({ database: 7719, slurmdbd: 7720 }, capacity, '/run/m.sock'),
    });
    expect(conf).toContain('AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=localhost\nAccountingStoragePort=7720\nAccountingStoragePass=/run/m.sock\nAccountingStorageTRES=gres/qpu,gres/qpu:sim,license/qpu_sim_shared\n');
    expect(conf).not.toContain('accounting_storage/none');
  });

  it('points slurmdbd at the loopback database', () => {
    const conf = renderSlurmdbdConf({ ports: { database: 7719, slurmdbd: 7720 }, password: 'pw', logDir: '/l', runDir: '/r', mungeSocket: '/run/m.sock' });
    expect(conf).toMatch(/^AuthInfo=socket=\/run\/m\.sock$/m);
    expect(conf).toMatch(/^DbdPort=7720$/m);
    expect(conf).toMatch(/^StorageHost=127\.0\.0\.1$/m);
    expect(conf).toMatch(/^StoragePort=7719$/m);
  });
});
