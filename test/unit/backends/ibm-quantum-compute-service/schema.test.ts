import { describe, expect, it } from 'vitest';
import { catalogueSchema } from '../../../../src/config/catalogue.js';
import { validateConfig } from '../../../../src/config/load.js';

const parseCatalogue = (data: unknown, source: string) => validateConfig(catalogueSchema, data, source);

const CRN = 'crn:v1:bluemix:public:quantum-computing:us-east:a/abc123:0f0e0d0c-0b0a-0908-0706-050403020100::';

function catalogue(entry: Record<string, unknown>) {
  return { version: 1, backends: { ibm_fez: { type: 'ibm-quantum-compute-service', capacity: { license: 'qpu_ibm_fez', lanes: 4 }, ...entry } } };
}

describe('ibm-quantum-compute-service catalogue entry', () => {
  it('fills in IBM Cloud endpoints, a batch session and the alias as device', () => {
    const parsed = parseCatalogue(catalogue({ instance: CRN, secret: 'file:/etc/slurm/qpu-secrets/ibm.key' }), 'qpu.json');
    expect(parsed.backends['ibm_fez']).toMatchObject({
      endpoint: 'https://quantum.cloud.ibm.com/api',
      auth_endpoint: 'https://iam.cloud.ibm.com',
      session: 'batch',
      instance: CRN,
    });
    expect(parsed.backends['ibm_fez']?.metadata).toBeUndefined();
  });

  it('names every bad field at once', () => {
    let message = '';
    try {
      parseCatalogue(
        catalogue({
          endpoint: 'http://quantum.example.com/api',
          auth_endpoint: 'not a url',
          instance: 'my-instance',
          device: '-bad',
          session: 'forever',
          https_proxy: 'ftp://proxy:21',
          metadata: { num_qubits: 2, coupling_map: [[0, 5]] },
          token: 'inline-secret',
        }),
        'qpu.json',
      );
    } catch (error) {
      message = (error as Error).message;
    }
    for (const field of ['endpoint', 'auth_endpoint', 'instance', 'device', 'session', 'https_proxy', 'secret', 'coupling_map', 'token']) {
      expect(message, field).toContain(field);
    }
    expect(message).not.toContain('inline-secret');
  });
});
