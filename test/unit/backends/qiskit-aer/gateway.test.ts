/**
 * A qiskit-aer backend in a real job gateway (in this process, on a Unix socket), reached the way
 * qrun and the Python client reach it: the target read from Aer, counts, cancel through the API, and
 * the worker gone once the gateway closes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../../src/backends/job-gateway/client.js';
import { QrunError } from '../../../../src/errors.js';
import { pythonSkipReason, venvPython } from '../../../helpers/python.js';
import { startTestGateway, type TestGateway } from '../../gateway/helpers.js';
import { BELL, countsOf, slowCircuit } from './helpers.js';

const skip = pythonSkipReason();

/** Aer workers that are children of this process (the gateway runs in it here). */
function workerPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (ppid === process.pid && state !== 'Z' && cmdline.includes('qiskit-aer/worker.py')) pids.push(Number(name));
    } catch {
      // The process ended while we read it.
    }
  }
  return pids;
}

describe.skipIf(skip !== '')('qiskit-aer in the job gateway', () => {
  let gateway: TestGateway;
  let client: GatewayClient;

  beforeAll(async () => {
    const python = venvPython();
    gateway = await startTestGateway({
      config: {
        backends: [
          {
            name: 'aer',
            type: 'qiskit-aer',
            settings: { python, method: 'statevector', device: 'CPU', precision: 'double', max_parallel_threads: 1 },
          },
        ],
      },
    });
    client = new GatewayClient(gateway.endpoint, gateway.token);
  });
  afterAll(async () => {
    await client.close();
    await gateway.stop();
  });

  it("lists the backend with the qubits Aer's state vector fits in this node's memory", async () => {
    const { backends } = await client.backends();
    expect(backends).toHaveLength(1);
    expect(backends[0]).toMatchObject({ name: 'aer', type: 'qiskit-aer' });
    expect(backends[0]?.metadata.num_qubits).toBeGreaterThanOrEqual(20);
  });

  it('runs a Bell sampler: only 00 and 11', async () => {
    const outcome = await client.run({ program_id: 'sampler', params: { pubs: [[BELL, null, 256]], version: 2 } });
    expect(Object.keys(countsOf(outcome)).sort()).toEqual(['00', '11']);
  });

  it('cancels a running task through the API, and the next task works', async () => {
    const task = await client.submit({ program_id: 'sampler', params: { pubs: [[slowCircuit(), null, 1_000_000]], version: 2 } });
    await expect.poll(async () => (await client.status(task.id)).status, { timeout: 30_000, interval: 100 }).toBe('Running');
    await client.cancel(task.id);
    const error = await client.result(task.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QrunError);
    expect((error as QrunError).code).toBe('TASK_CANCELLED');
    const outcome = await client.run({ program_id: 'sampler', params: { pubs: [[BELL, null, 64]], version: 2 } });
    expect(Object.keys(countsOf(outcome)).sort()).toEqual(['00', '11']);
    expect(workerPids()).toHaveLength(1);
  });

  it('stops its worker when the gateway closes', async () => {
    expect(workerPids()).toHaveLength(1);
    await gateway.server.close(new QrunError('TASK_CANCELLED', 'released'));
    expect(workerPids()).toEqual([]);
  });
});
