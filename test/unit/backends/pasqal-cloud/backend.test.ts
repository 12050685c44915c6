/** The hook side of `pasqal-cloud` against the fake: access checks, no session, cleanup at release. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pasqalCloudBackend } from '../../../../src/backends/pasqal-cloud/index.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { startPasqalCloudFake, type PasqalCloudFake } from '../../../fakes/pasqal-cloud/index.js';
import { entryFor, piPulsePayload } from './helpers.js';

let fake: PasqalCloudFake;

beforeEach(async () => {
  fake = await startPasqalCloudFake({ queueDelayMs: 60_000 });
});

afterEach(async () => {
  await fake.close();
});

const ctx = (secret = fake.clientSecret, jobId = 91) => ({ jobId, alias: 'fresnel', entry: entryFor(fake), deadline: null, secret: new SecretValue(secret) });

describe('pasqal-cloud backend (hook side)', () => {
  it('is accessible with a good secret while the device is UP, and says why not otherwise', async () => {
    expect(await pasqalCloudBackend.accessible(ctx())).toEqual({ ok: true });
    fake.setDeviceStatus('DOWN');
    const down = await pasqalCloudBackend.accessible(ctx());
    expect(down).toMatchObject({ ok: false, reason: expect.stringContaining('FRESNEL is DOWN') });
    const refused = await pasqalCloudBackend.accessible(ctx('wrong-secret'));
    expect(refused.ok).toBe(false);
    expect(refused.reason).toMatch(/token endpoint refused the service account \(access_denied: Unauthorized\)/);
    expect(refused.reason).not.toContain('wrong-secret');
  });

  it('takes the client secret from a JSON file too', async () => {
    expect(await pasqalCloudBackend.accessible(ctx(JSON.stringify({ client_id: fake.clientId, client_secret: fake.clientSecret })))).toEqual({ ok: true });
  });

  it('opens no session, and cancels at release what the job left at Pasqal, only that', async () => {
    expect(await pasqalCloudBackend.acquire(ctx())).toEqual({ session: null });
    const sequence = JSON.stringify(piPulsePayload().sequence);
    const mine = fake.store.create({ project_id: fake.projectId, device_type: 'FRESNEL', sequence_builder: sequence, jobs: [{ runs: 5 }], tags: ['slurm-job-91'] }, 'normal');
    const other = fake.store.create({ project_id: fake.projectId, device_type: 'FRESNEL', sequence_builder: sequence, jobs: [{ runs: 5 }], tags: ['slurm-job-92'] }, 'normal');
    await pasqalCloudBackend.release({ jobId: 91, alias: 'fresnel', entry: entryFor(fake), session: null, secret: new SecretValue(fake.clientSecret) });
    expect(fake.store.status(mine)).toBe('CANCELED');
    expect(fake.store.status(other)).toBe('PENDING');
    // Idempotent: nothing is left, so a second release cancels nothing.
    await pasqalCloudBackend.release({ jobId: 91, alias: 'fresnel', entry: entryFor(fake), session: null, secret: new SecretValue(fake.clientSecret) });
    expect(fake.counts()['PATCH /core-fast/api/v2/batches/{id}/cancel']).toBe(1);
  });

  it('runs no task in the job: the secret stays in the gateway', () => {
    expect(pasqalCloudBackend.runsInJob(entryFor(fake))).toBe(false);
  });
});
