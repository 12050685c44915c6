import { describe, expect, it } from 'vitest';
import { pasqalCloudEntrySchema } from '../../../../src/backends/pasqal-cloud/schema.js';
import { catalogueSchema } from '../../../../src/config/catalogue.js';

const good = {
  type: 'pasqal-cloud',
  capacity: { gres: 'pasqal_fresnel', lanes: 1 },
  secret: 'file:/etc/slurm/qpu-secrets/pasqal.secret',
  client_id: 'svc-account-id',
  project_id: '5a1f0c2e-1111-4000-8000-000000000000',
};

describe('pasqal-cloud catalogue entry', () => {
  it("fills Pasqal's endpoints, audience and device by default", () => {
    expect(pasqalCloudEntrySchema.parse(good)).toMatchObject({
      endpoint: 'https://apis.pasqal.cloud',
      auth_endpoint: 'https://authenticate.pasqal.cloud/oauth/token',
      audience: 'https://apis.pasqal.cloud/account/api/v1',
      device: 'FRESNEL',
    });
  });

  it('names every bad field at once', () => {
    const result = pasqalCloudEntrySchema.safeParse({
      ...good,
      endpoint: 'http://apis.pasqal.cloud',
      auth_endpoint: 'not a url',
      project_id: 'has spaces in it',
      device: 'fresnel',
      client_id: '',
      secret: 'the-secret-itself',
      surprise: true,
    });
    expect(result.success).toBe(false);
    const paths = (result.error?.issues ?? []).map((i) => i.path.join('.') || i.message);
    expect(paths).toEqual(expect.arrayContaining(['endpoint', 'auth_endpoint', 'project_id', 'device', 'client_id', 'secret']));
    expect(JSON.stringify(result.error?.issues)).toContain('surprise');
  });

  it('requires the client id, the project and a secret reference', () => {
    const { client_id: _c, project_id: _p, secret: _s, ...rest } = good;
    const paths = (pasqalCloudEntrySchema.safeParse(rest).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(paths.sort()).toEqual(['client_id', 'project_id', 'secret']);
  });

  it('is one of the types a catalogue composes', () => {
    const parsed = catalogueSchema.safeParse({ version: 1, backends: { fresnel: good } });
    expect(parsed.success).toBe(true);
  });
});
