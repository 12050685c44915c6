import { describe, expect, it } from 'vitest';
import { parseShowLicenses, parseShowNodes } from '../../../src/slurm/capacity.js';

describe('scontrol show node / lic', () => {
  it("reads each node's configured GRES", () => {
    const nodes = parseShowNodes(
      'NodeName=vm Arch=x86_64 CoresPerSocket=2 Gres=qpu:sim:4,qpu:ibm_fake:2 NodeAddr=vm State=IDLE Partitions=debug\n' +
        'NodeName=n2 Arch=x86_64 Gres=(null) State=DOWN+DRAIN\n',
    );
    expect(nodes).toEqual([
      { node: 'vm', state: 'IDLE', gres: [{ name: 'qpu', type: 'sim', count: 4 }, { name: 'qpu', type: 'ibm_fake', count: 2 }] },
      { node: 'n2', state: 'DOWN+DRAIN', gres: [] },
    ]);
  });

  it('reads license totals', () => {
    expect(parseShowLicenses('LicenseName=qpu_sim_shared Total=2 Used=1 Free=1 Reserved=0 Remote=no\n')).toEqual([{ name: 'qpu_sim_shared', total: 2 }]);
  });
});
