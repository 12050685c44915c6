/**
 * The hook side of `iqm-server` and its catalogue entry: an entry is accepted or refused field by
 * field; acquire checks the device's health and books a timeslot where the entry asks for one
 * (release frees it); the credential is read from the secret and never echoed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseToken } from '../../../../src/backends/iqm-server/connection.js';
import { iqmServerBackend } from '../../../../src/backends/iqm-server/index.js';
import type { IqmServerEntry } from '../../../../src/backends/iqm-server/schema.js';
import { catalogueSchema } from '../../../../src/config/catalogue.js';
import { describeIssues } from '../../../../src/config/load.js';
import { isQrunError } from '../../../../src/errors.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { startIqmServerFake, type IqmServerFake } from '../../../fakes/iqm-server/index.js';

const entry = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'iqm-server',
  capacity: { gres: 'iqm_garnet', lanes: 1 },
  secret: 'file:/etc/slurm/qpu-secrets/iqm.token',
  endpoint: 'https://resonance.example.org',
  ...overrides,
});

function problems(backend: Record<string, unknown>): Array<{ path: string; message: string }> {
  const result = catalogueSchema.safeParse({ version: 1, backends: { iqm: backend } });
  return result.success ? [] : describeIssues(result.error);
}

describe('the catalogue entry', () => {
  it('accepts the documented fields and names every bad one', () => {
    expect(problems(entry())).toEqual([]);
    expect(problems(entry({ device: 'garnet', timeslot: true, timeslot_minutes: 30, calibration_set_id: '9a1b9e1c-7d6f-4c7e-9a43-1c0e2b8a4f10', metadata_ttl_secs: 60, https_proxy: 'http://proxy.example:3128', metadata: { num_qubits: 20 } }))).toEqual([]);
    const bad = problems(entry({ endpoint: 'http://resonance.example.org', timeslot: 'yes', timeslot_minutes: 0, calibration_set_id: 'latest', colour: 'blue' }));
    const paths = bad.map((p) => `${p.path} ${p.message}`).join(' ');
    for (const field of ['endpoint', 'timeslot', 'timeslot_minutes', 'calibration_set_id', 'colour']) expect(paths).toContain(field);
    expect(problems(entry({ secret: undefined })).map((p) => p.path).join(' ')).toContain('secret');
  });

  it('reads the token alone or as {"token"}, and never echoes a malformed one', () => {
    expect(parseToken('iqm', new SecretValue('abc.def\n')).reveal()).toBe('abc.def');
    expect(parseToken('iqm', new SecretValue('{"token": "xyz"}')).reveal()).toBe('xyz');
    for (const text of ['two words', '{"token": 1}', '{not json']) {
      try {
        parseToken('iqm', new SecretValue(text));
        expect.unreachable();
      } catch (error) {
        expect(isQrunError(error) && error.code).toBe('SECRET_UNAVAILABLE');
        expect(String((error as Error).message)).not.toContain(text);
      }
    }
  });
});

describe('acquire and release', () => {
  let fake: IqmServerFake;
  beforeEach(async () => {
    fake = await startIqmServerFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  const ctx = (fields: Record<string, unknown> = {}, token = fake.token) => {
    const parsed = catalogueSchema.parse({ version: 1, backends: { iqm: entry({ endpoint: fake.url, device: 'iqm_loopback', ...fields }) } });
    return { jobId: 7, alias: 'iqm', entry: parsed.backends['iqm'] as IqmServerEntry, deadline: Math.floor(Date.now() / 1000) + 600, secret: new SecretValue(token) };
  };

  it('books a timeslot no longer than the job has left when the entry asks for one, and release frees it', async () => {
    const { session } = await iqmServerBackend.acquire(ctx({ timeslot: true, timeslot_minutes: 120 }));
    expect(session).not.toBeNull();
    const slot = fake.timeslots.get(session ?? '');
    expect(slot?.released).toBe(false);
    const minutes = (Date.parse(slot?.end ?? '') - Date.parse(slot?.start ?? '')) / 60_000;
    expect(minutes).toBeLessThanOrEqual(10);
    await iqmServerBackend.release({ ...ctx({ timeslot: true }), session });
    expect(fake.timeslots.get(session ?? '')?.released).toBe(true);
    // A second release (epilog after exit) is harmless.
    await iqmServerBackend.release({ ...ctx({ timeslot: true }), session });
  });

  it('opens nothing for the on-demand queue, and refuses an unhealthy device, a full calendar and a bad token with coded errors', async () => {
    expect(await iqmServerBackend.acquire(ctx())).toEqual({ session: null });
    expect(fake.counts()['POST /timeslots/{qc}']).toBeUndefined();

    fake.setTimeslotsAvailable(false);
    await expect(iqmServerBackend.acquire(ctx({ timeslot: true }))).rejects.toMatchObject({ code: 'TIMESLOT_UNAVAILABLE' });
    fake.setHealthy('iqm_loopback', false);
    await expect(iqmServerBackend.acquire(ctx())).rejects.toMatchObject({ code: 'DEVICE_NOT_ACCEPTING' });
    const access = await iqmServerBackend.accessible(ctx({}, 'not-the-token'));
    expect(access.ok).toBe(false);
    expect(access.reason).toContain('refused the API token');
    expect(access.reason).not.toContain('not-the-token');
    expect(fake.secretsInUrls()).toEqual([]);
  });
});
