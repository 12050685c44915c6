/**
 * The fake checked against IQM's reading of its own API: iqm-client 36 (IQMClient and its Qiskit
 * adapter, the former qiskit-iqm) from the pinned `iqm` Python set submit a Bell circuit and read
 * its counts, and cancel a job. A client that cannot talk to the fake means the fake is wrong.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { startIqmServerFake, type IqmServerFake } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const skip = pythonSkipReason('iqm');

describe.skipIf(skip !== '')(`iqm-server fake driven by iqm-client 36${skip === '' ? '' : ` (skipped: ${skip})`}`, () => {
  let fake: IqmServerFake;
  beforeAll(async () => {
    fake = await startIqmServerFake({ queueDelayMs: 20 });
  });
  afterAll(async () => {
    await fake.close();
  });

  // Asynchronous: the fake answers from this process's event loop while the client runs.
  function runClient(): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(venvPython('iqm'), [join(here, 'iqm_client_bell.py'), fake.url, fake.token, 'iqm_loopback'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  it('submits a Bell circuit, reads its counts and measurements, cancels a job, and runs a transpiled Qiskit circuit', async () => {
    const run = await runClient();
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(out['qubits']).toEqual(['QB1', 'QB2', 'QB3', 'QB4', 'QB5']);
    expect(out['status']).toBe('completed');
    const counts = out['counts'] as { keys: string[]; counts: Record<string, number> };
    expect(counts.keys).toEqual(['m']);
    expect(Object.keys(counts.counts).sort()).toEqual(['00', '11']);
    expect(out['agree']).toBe(200);
    expect(out['cancelled']).toBe('cancelled');
    const qiskit = out['qiskit_counts'] as Record<string, number>;
    expect(Object.keys(qiskit).sort()).toEqual(['00', '11']);
    expect(Object.values(qiskit).reduce((a, b) => a + b, 0)).toBe(300);
    // The client authenticated with the token as a bearer, never in a URL.
    expect(fake.requests.every((r) => r.authorization === 'Bearer')).toBe(true);
    expect(fake.secretsInUrls()).toEqual([]);
    expect(fake.counts()['POST /jobs/{qc}/circuit']).toBe(3);
  }, 240_000);
});
