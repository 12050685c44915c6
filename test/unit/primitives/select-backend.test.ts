import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/primitives/select-backend.js';
import { SIM_MAX_SHOTS, simMetadata } from '../../../src/backends/sim/metadata.js';

function code(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('selectBackend', () => {
  it('runs locally on sim outside a job and with QRUN_ENDPOINT=local:', () => {
    expect(selectBackend({})).toMatchObject({ kind: 'local', name: 'sim' });
    expect(selectBackend({}, 'sim')).toMatchObject({ kind: 'local', name: 'sim' });
    const env = { QRUN_ENDPOINT: 'local:', QRUN_BACKENDS: 'sim_shared, sim' };
    expect(selectBackend(env).name).toBe('sim_shared');
    expect(selectBackend(env, 'sim').name).toBe('sim');
    expect(selectBackend({ ...env, QRUN_NATIVE: '0' })).toMatchObject({ engine: { name: 'ts' } });
    expect(selectBackend({ ...env, QRUN_NATIVE: '1' })).toMatchObject({ engine: { name: 'native' } });
  });

  it('refuses backends that do not exist or were not granted', () => {
    expect(code(() => selectBackend({}, 'ibm_fez'))).toBe('BACKEND_UNKNOWN');
    expect(code(() => selectBackend({ QRUN_ENDPOINT: 'local:', QRUN_BACKENDS: 'sim' }, 'ibm_fez'))).toBe('BACKEND_NOT_GRANTED');
  });

  it('selects the job gateway for unix:/http: endpoints (with the token), and refuses unknown endpoint forms', () => {
    for (const endpoint of ['unix:/run/qpu.sock', 'http://127.0.0.1:8080', 'https://gw:443']) {
      expect(selectBackend({ QRUN_ENDPOINT: endpoint, QRUN_BACKENDS: 'ibm_fez', QRUN_TOKEN: 't' })).toEqual({ kind: 'gateway', name: 'ibm_fez', endpoint, token: 't' });
      expect(code(() => selectBackend({ QRUN_ENDPOINT: endpoint, QRUN_BACKENDS: 'ibm_fez' }))).toBe('AUTH_FAILED');
    }
    expect(code(() => selectBackend({ QRUN_ENDPOINT: 'ftp://x' }))).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('simMetadata', () => {
  it('offers as many qubits as half the memory holds as a statevector, at most 30', () => {
    expect(simMetadata(2 ** 30)).toEqual({ num_qubits: 25, max_shots: SIM_MAX_SHOTS }); // 1 GiB: 0.5 GiB / 16 B = 2^25
    expect(simMetadata(2 ** 50).num_qubits).toBe(30);
  });
});
