/** A served vqpu: its registration, its lanes, its stop. */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../src/backends/job-gateway/client.js';
import { readRegistration } from '../../../src/backends/vqpu/registration.js';
import { createLogger } from '../../../src/log/logger.js';
import { serveVqpu, type ServedVqpu } from '../../../src/vqpu/serve.js';

const uid = process.geteuid?.() ?? 0;
/**
 * A 16-qubit circuit: long enough on the simulator that two tasks overlap when the lanes let them
 * (the engine runs off the main thread, so the server takes the second request meanwhile).
 */
const WIDE = `OPENQASM 3.0; include "stdgates.inc"; qubit[16] q; bit[16] c; ${Array.from({ length: 16 }, (_, i) => `h q[${i}];`).join(' ')} ${Array.from({ length: 15 }, (_, i) => `cx q[${i}], q[${i + 1}];`).join(' ')} c = measure q;`;

let registry = '';
let served: ServedVqpu | undefined;

beforeEach(async () => {
  registry = await mkdtemp(join(tmpdir(), 'vqpu-serve-'));
  await chmod(registry, 0o1777);
});

afterEach(async () => {
  await served?.stop('test over');
  served = undefined;
  await rm(registry, { recursive: true, force: true });
});

async function serve(lanes: number): Promise<{ served: ServedVqpu; client: GatewayClient }> {
  served = await serveVqpu({ alias: 'vq', registry, qubits: 16, lanes, jobId: 41, uid, deadline: null, host: '127.0.0.1', logger: createLogger({ name: 'vqpu-test', level: 'silent' }) });
  const registration = await readRegistration(registry, uid, 'vq');
  return { served, client: new GatewayClient(registration.endpoint, registration.token, { connections: 4 }) };
}

async function bothDone(client: GatewayClient): Promise<{ started: number; finished: number }[]> {
  const submit = () => client.submit({ program_id: 'sampler', params: { pubs: [[WIDE, null, 200]], version: 2 } });
  const tasks = await Promise.all([submit(), submit()]);
  const views = [];
  for (const task of tasks) {
    await client.result(task.id);
    views.push(await client.status(task.id));
  }
  return views.map((v) => ({ started: Date.parse(v.started ?? ''), finished: Date.parse(v.finished ?? '') }));
}

describe('qrun vqpu serve', () => {
  it('registers where the hook reads it, and answers with the token only', async () => {
    const { served: vqpu, client } = await serve(1);
    const registration = await readRegistration(registry, uid, 'vq');
    expect(registration).toMatchObject({ job_id: 41, qubits: 16, lanes: 1, endpoint: vqpu.endpoint });
    expect((await client.backends()).backends.map((b) => [b.name, b.metadata.num_qubits])).toEqual([['vq', 16]]);
    const stranger = new GatewayClient(vqpu.endpoint, `qpu1.41.${uid}.${'x'.repeat(43)}`);
    await expect(stranger.backends()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await Promise.all([client.close(), stranger.close()]);
  });

  it('runs one task at a time on one lane: the second starts when the first has finished', async () => {
    const { client } = await serve(1);
    const [first, second] = await bothDone(client);
    expect(second?.started).toBeGreaterThanOrEqual(first?.finished ?? Infinity);
    await client.close();
  });

  it('runs two at once on two lanes', async () => {
    const { client } = await serve(2);
    const [first, second] = await bothDone(client);
    expect(second?.started).toBeLessThan(first?.finished ?? 0);
    await client.close();
  });

  it('removes its registration when it stops, and refuses work from then on', async () => {
    const { served: vqpu, client } = await serve(1);
    const usage = await vqpu.stop('told to');
    served = undefined;
    expect(usage.job_id).toBe(41);
    expect(existsSync(join(registry, `${uid}.vq.json`))).toBe(false);
    await expect(client.backends()).rejects.toBeTruthy();
    await client.close();
  });
});
