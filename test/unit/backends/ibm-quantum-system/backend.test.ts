/**
 * The hook's side of `ibm-quantum-system` against the contract fake: registered under its type, never
 * run in the job's own process, acquire opens no session but refuses a device that takes no jobs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ibmQuantumSystemBackend } from '../../../../src/backends/ibm-quantum-system/index.js';
import type { IbmQuantumSystemEntry } from '../../../../src/backends/ibm-quantum-system/schema.js';
import { backendFor } from '../../../../src/backends/registry.js';
import type { AcquireContext } from '../../../../src/backends/types.js';
import { startIbmSystemFake, type IbmSystemFake } from '../../../fakes/ibm-quantum-system/index.js';
import { fakeEntry, fakeSecret } from './helpers.js';

let fake: IbmSystemFake;

beforeEach(async () => {
  fake = await startIbmSystemFake();
});

afterEach(async () => {
  await fake.close();
});

function context(overrides: Record<string, unknown> = {}, secret = fakeSecret(fake)): AcquireContext<IbmQuantumSystemEntry> {
  const entry = ibmQuantumSystemBackend.entrySchema.parse(fakeEntry(fake, overrides));
  return { jobId: 7, alias: 'qs', entry, deadline: null, secret };
}

describe('the ibm-quantum-system backend', () => {
  it('is the registry\'s backend for its type and always runs behind the gateway', () => {
    expect(backendFor('ibm-quantum-system')).toBe(ibmQuantumSystemBackend);
    expect(ibmQuantumSystemBackend.runsInJob(context().entry)).toBe(false);
  });

  it('acquires an online device without a session (the API has none)', async () => {
    await expect(ibmQuantumSystemBackend.acquire(context())).resolves.toEqual({ session: null });
    expect(fake.requests.filter((r) => r.server === 'api').map((r) => r.route)).toEqual(['POST /identity/token', 'GET /v1/backends/:name']);
  });

  it('refuses to acquire a paused or offline device, saying what to do in the message', async () => {
    await expect(ibmQuantumSystemBackend.acquire(context({ device: 'fake_torino' }))).rejects.toMatchObject({
      code: 'DEVICE_NOT_ACCEPTING',
      message: 'fake_torino is paused (Calibration in progress) and accepts no jobs now; submit again when it is online, or request another backend',
    });
    await expect(ibmQuantumSystemBackend.acquire(context({ device: 'fake_kyiv' }))).rejects.toMatchObject({ code: 'DEVICE_NOT_ACCEPTING', message: expect.stringContaining('fake_kyiv is offline (Maintenance)') });
  });

  it('reports accessibility: online, reserved, offline, a refused key', async () => {
    await expect(ibmQuantumSystemBackend.accessible(context())).resolves.toEqual({ ok: true });
    fake.backends.reserve('fake_fez');
    await expect(ibmQuantumSystemBackend.accessible(context())).resolves.toEqual({ ok: true, reason: 'fake_fez is reserved: only jobs of its reservation run now' });
    await expect(ibmQuantumSystemBackend.accessible(context({ device: 'fake_kyiv' }))).resolves.toMatchObject({ ok: false, reason: expect.stringContaining('fake_kyiv is offline') });
    const refused = await ibmQuantumSystemBackend.accessible(context({}, fakeSecret(fake, { api_key: 'wrong-key-789' })));
    expect(refused).toMatchObject({ ok: false, reason: expect.stringContaining('IAM refused the API key') });
    expect(refused.reason).not.toContain('wrong-key-789');
  });

  it('releases without calling the API: the job\'s gateway cancels its own vendor jobs', async () => {
    await ibmQuantumSystemBackend.release({ jobId: 7, alias: 'qs', entry: context().entry, session: null, secret: fakeSecret(fake) });
    expect(fake.requests).toHaveLength(0);
  });
});
