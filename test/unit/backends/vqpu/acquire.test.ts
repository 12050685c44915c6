/** What the hook grants for a vqpu: only a running serving job of the same user, on its own node. */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vqpuBackend } from '../../../../src/backends/vqpu/index.js';
import { REGISTRATION_FORMAT, writeRegistration } from '../../../../src/backends/vqpu/registration.js';
import type { VqpuEntry } from '../../../../src/backends/vqpu/schema.js';
import { decodeSession } from '../../../../src/backends/vqpu/session.js';

const uid = process.geteuid?.() ?? 0;
let registry = '';

beforeEach(async () => {
  registry = await mkdtemp(join(tmpdir(), 'vqpu-acquire-'));
  await chmod(registry, 0o1777);
  await writeRegistration(registry, {
    format: REGISTRATION_FORMAT,
    alias: 'vqpu',
    uid,
    job_id: 40,
    endpoint: 'http://node1:40123',
    token: `qpu1.40.${uid}.${'b'.repeat(43)}`,
    qubits: 8,
    lanes: 2,
    started: new Date().toISOString(),
  });
});

afterEach(async () => {
  await rm(registry, { recursive: true, force: true });
});

function acquire(serving: { uid: number; state: string; batchHost?: string | null }) {
  const entry: VqpuEntry = { type: 'vqpu', capacity: { license: 'qpu_vqpu', lanes: 4 }, registry };
  return vqpuBackend.acquire({ jobId: 41, alias: 'vqpu', entry, deadline: null, secret: undefined, uid, slurmJob: () => Promise.resolve(serving) });
}

describe('vqpu acquire', () => {
  it('hands the gateway the endpoint and token of a running serving job of the same user on its node', async () => {
    const { session } = await acquire({ uid, state: 'RUNNING', batchHost: 'node1' });
    expect(decodeSession('vqpu', session)).toEqual({ endpoint: 'http://node1:40123', token: `qpu1.40.${uid}.${'b'.repeat(43)}`, servingJob: 40, qubits: 8 });
  });

  it.each([
    ['another user', { uid: uid + 1, state: 'RUNNING', batchHost: 'node1' }, 'VQPU_NOT_SERVED'],
    ['an ended job', { uid, state: 'COMPLETED', batchHost: 'node1' }, 'VQPU_NOT_SERVED'],
    ['another node than the endpoint names', { uid, state: 'RUNNING', batchHost: 'node2' }, 'VQPU_REGISTRATION_INVALID'],
  ])('refuses a serving job of %s', async (_what, serving, code) => {
    await expect(acquire(serving)).rejects.toMatchObject({ code });
  });
});
