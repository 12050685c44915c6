import { describe, expect, it } from 'vitest';
import { capacityFindings } from '../../../../src/admin/doctor/capacity.js';
import { catalogueSchema } from '../../../../src/config/catalogue.js';

const catalogue = catalogueSchema.parse({
  version: 1,
  backends: {
    sim: { type: 'sim', capacity: { gres: 'sim', lanes: 4 }, metadata: { num_qubits: 4 } },
    shared: { type: 'sim', capacity: { license: 'qpu_shared', lanes: 2 }, metadata: { num_qubits: 4 } },
  },
});

describe('doctor: Slurm capacity against the catalogue', () => {
  it('is ok when GRES and licenses equal the lanes', () => {
    const findings = capacityFindings(catalogue, {
      gresTypes: ['qpu'],
      nodes: [{ node: 'n1', state: 'IDLE', gres: [{ name: 'qpu', type: 'sim', count: 4 }] }],
      licenses: [{ name: 'qpu_shared', total: 2 }],
    });
    expect(findings.map((f) => f.status)).toEqual(['ok', 'ok']);
  });

  it('names the node and says how to make the counts equal', () => {
    const findings = capacityFindings(catalogue, {
      gresTypes: ['gpu'],
      nodes: [{ node: 'n1', state: 'IDLE', gres: [{ name: 'qpu', type: 'sim', count: 3 }] }],
      licenses: [{ name: 'qpu_shared', total: 5 }],
    });
    expect(findings).toEqual([
      expect.objectContaining({ check: 'capacity.gres_types', status: 'fail', fix: expect.stringContaining('GresTypes=qpu') }),
      expect.objectContaining({ check: 'capacity.sim', status: 'fail', message: 'sim: the catalogue gives 4 lanes but n1 has qpu:sim:3', fix: expect.stringContaining('Gres=qpu:sim:4') }),
      expect.objectContaining({ check: 'capacity.shared', status: 'fail', fix: expect.stringContaining('Licenses=qpu_shared:2') }),
    ]);
  });

  it('reports capacity Slurm lacks altogether', () => {
    const findings = capacityFindings(catalogue, { gresTypes: ['qpu'], nodes: [], licenses: [] });
    expect(findings.map((f) => [f.check, f.status, f.message])).toEqual([
      ['capacity.sim', 'fail', 'sim: no node offers GRES qpu:sim'],
      ['capacity.shared', 'fail', 'shared: Slurm has no license qpu_shared'],
    ]);
  });
});
