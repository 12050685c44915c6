import { describe, expect, it } from 'vitest';
import { describeCapacityProblems, missingCapacity, nodeShare } from '../../../src/hook/capacity.js';
import { CATALOGUE, facts } from './fixtures.js';

const want = (...aliases: string[]) =>
  aliases.map((alias) => {
    const entry = CATALOGUE.backends[alias];
    if (!entry) throw new Error(alias);
    return { alias, entry };
  });

describe('capacity check', () => {
  it('passes when the job holds the GRES type or the license', () => {
    expect(missingCapacity(want('sim', 'sim_shared'), facts(1))).toEqual([]);
  });

  it('fails closed without the GRES, naming the line to add', () => {
    const problems = missingCapacity(want('sim'), facts(1, { gres: [] }));
    expect(problems).toEqual([{ alias: 'sim', need: 'GRES qpu:sim', fix: '#SBATCH --gres=qpu:sim:1' }]);
    expect(describeCapacityProblems(problems)).toMatch(/add `#SBATCH --gres=qpu:sim:1` to the job script/);
  });

  it('does not accept an untyped or other-typed qpu GRES for a typed backend', () => {
    expect(missingCapacity(want('sim'), facts(1, { gres: [{ name: 'qpu', type: undefined, count: 1 }] }))).toHaveLength(1);
    expect(missingCapacity(want('sim'), facts(1, { gres: [{ name: 'qpu', type: 'ibm', count: 1 }] }))).toHaveLength(1);
    expect(missingCapacity(want('sim'), facts(1, { gres: [{ name: 'gpu', type: 'sim', count: 1 }] }))).toHaveLength(1);
  });

  it('fails closed without the license', () => {
    const problems = missingCapacity(want('sim_shared'), facts(1, { licenses: [{ name: 'other', count: 1 }] }));
    expect(problems).toEqual([{ alias: 'sim_shared', need: 'license qpu_sim_shared', fix: '#SBATCH -L qpu_sim_shared:1' }]);
  });
});

describe('per-node capacity', () => {
  const twoNodes = facts(1, {
    gres: [{ name: 'qpu', type: 'sim', count: 2 }],
    perNode: [{ nodes: ['qn1', 'qn2'], gres: [{ name: 'qpu', type: 'sim', count: 1 }] }],
  });

  it("checks the node's own share, not the job-wide sum", () => {
    // Two backends on one GRES type need two units on this node; JOB_GRES=qpu:sim:2 is one per node.
    const twins = want('sim').flatMap((w) => [w, { ...w, alias: 'sim_twin' }]);
    expect(missingCapacity(twins, { gres: twoNodes.gres, licenses: [] })).toEqual([]);
    const share = nodeShare(twoNodes, 'qn2');
    expect(share).toEqual([{ name: 'qpu', type: 'sim', count: 1 }]);
    expect(missingCapacity(twins, { gres: share ?? [], licenses: [] })).toHaveLength(2);
  });

  it('finds the node by full or short host name, or takes the one group every node shares', () => {
    const uneven = facts(1, {
      perNode: [
        { nodes: ['qn1'], gres: [{ name: 'qpu', type: 'sim', count: 2 }] },
        { nodes: ['qn2'], gres: [] },
      ],
    });
    expect(nodeShare(uneven, 'qn2.cluster.example')).toEqual([]);
    expect(nodeShare(uneven, 'qn1')).toEqual([{ name: 'qpu', type: 'sim', count: 2 }]);
    expect(nodeShare(uneven, 'elsewhere')).toBeUndefined();
    expect(nodeShare(twoNodes, 'renamed-host')).toEqual([{ name: 'qpu', type: 'sim', count: 1 }]);
    expect(nodeShare(facts(1), 'any')).toEqual(facts(1).gres);
  });
});
