import { describe, expect, it } from 'vitest';
import { catalogueSchema } from '../../../../src/config/catalogue.js';
import { validateConfig } from '../../../../src/config/load.js';

const parseCatalogue = (data: unknown, source: string) => validateConfig(catalogueSchema, data, source);

function catalogue(entry: Record<string, unknown>) {
  return { version: 1, backends: { qb_qdk: { type: 'qristal', capacity: { gres: 'qb_qdk', lanes: 1 }, ...entry } } };
}

describe('qristal catalogue entry', () => {
  it('takes a reserved QB device with the CZ model and three shot top-ups by default', () => {
    const parsed = parseCatalogue(catalogue({ endpoint: 'https://qb-qdk.example.org:8443', secret: 'file:/etc/slurm/qpu-secrets/qb.secret' }), 'qpu.json');
    expect(parsed.backends['qb_qdk']).toMatchObject({ endpoint: 'https://qb-qdk.example.org:8443', model: 'QB-QDK2-CZ', shot_topups: 3 });
  });

  it("takes a site's open vQPU on loopback, with no secret", () => {
    const parsed = parseCatalogue(catalogue({ endpoint: 'http://127.0.0.1:8080', metadata: { num_qubits: 12 } }), 'qpu.json');
    expect(parsed.backends['qb_qdk']).toMatchObject({ endpoint: 'http://127.0.0.1:8080', metadata: { num_qubits: 12 } });
    expect(parsed.backends['qb_qdk']?.secret).toBeUndefined();
  });

  it('names every bad field at once', () => {
    let message = '';
    try {
      parseCatalogue(
        catalogue({
          endpoint: 'http://qb-qdk.example.org:8443',
          device: '-bad',
          model: 'QB-QDK3',
          secret: 'inline-shared-secret',
          shot_topups: 99,
          https_proxy: 'ftp://proxy:21',
          metadata: { num_qubits: 2, coupling_map: [[0, 5]] },
          exclusive_access_token: 'eyJhbGciOi.inline.token',
        }),
        'qpu.json',
      );
    } catch (error) {
      message = (error as Error).message;
    }
    for (const field of ['endpoint', 'device', 'model', 'secret', 'shot_topups', 'https_proxy', 'coupling_map', 'exclusive_access_token']) {
      expect(message, field).toContain(field);
    }
    expect(message).not.toContain('inline-shared-secret');
    expect(message).not.toContain('eyJhbGciOi.inline.token');
  });

  it('needs an endpoint', () => {
    expect(() => parseCatalogue(catalogue({}), 'qpu.json')).toThrow(/endpoint/);
  });
});
