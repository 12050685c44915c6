/** The root-side reader of a vqpu registration trusts nothing a user wrote. */
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRegistration, registrationPath, REGISTRATION_FORMAT, writeRegistration, type Registration } from '../../../../src/backends/vqpu/registration.js';

const uid = process.geteuid?.() ?? 0;
let registry = '';

const good = (): Registration => ({
  format: REGISTRATION_FORMAT,
  alias: 'vqpu',
  uid,
  job_id: 12,
  endpoint: 'http://node1:40123',
  token: `qpu1.12.${uid}.${'a'.repeat(43)}`,
  qubits: 6,
  lanes: 2,
  started: new Date().toISOString(),
});

beforeEach(async () => {
  registry = await mkdtemp(join(tmpdir(), 'vqpu-registry-'));
  await chmod(registry, 0o1777);
});

afterEach(async () => {
  await rm(registry, { recursive: true, force: true });
});

async function refusal(): Promise<string> {
  return readRegistration(registry, uid, 'vqpu').then(
    () => 'accepted',
    (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
  );
}

describe('vqpu registration', () => {
  it('reads back what serve wrote (mode 0600)', async () => {
    const written = good();
    await writeRegistration(registry, written);
    expect(await readRegistration(registry, uid, 'vqpu')).toEqual(written);
  });

  it('says no vqpu is served when nothing registered', async () => {
    expect(await refusal()).toMatch(/^VQPU_NOT_SERVED: .*no serving job has registered/);
  });

  it('does not follow a symbolic link', async () => {
    const elsewhere = join(registry, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify(good()), { mode: 0o600 });
    await symlink(elsewhere, registrationPath(registry, uid, 'vqpu'));
    expect(await refusal()).toMatch(/^VQPU_REGISTRATION_INVALID: .*symbolic link/);
  });

  it('refuses a registration others may read (it holds the token)', async () => {
    await writeFile(registrationPath(registry, uid, 'vqpu'), JSON.stringify(good()), { mode: 0o644 });
    await chmod(registrationPath(registry, uid, 'vqpu'), 0o644);
    expect(await refusal()).toMatch(/mode is 0644/);
  });

  it.each([
    ['another uid inside', { uid: uid + 1 }, /names another user/],
    ['a privileged port', { endpoint: 'http://node1:0080' }, /port is not an unprivileged one/],
    ['a path in the endpoint', { endpoint: 'http://node1:40123/x' }, /bad fields: endpoint/],
    ['an unknown field', { command: 'rm -rf /' }, /bad fields/],
  ])('refuses %s without repeating the content', async (_what, change, pattern) => {
    await writeFile(registrationPath(registry, uid, 'vqpu'), JSON.stringify({ ...good(), ...change }), { mode: 0o600 });
    const message = await refusal();
    expect(message).toMatch(pattern);
    expect(message).not.toContain('rm -rf');
    expect(message).not.toContain('qpu1.');
  });

  it('refuses a registry others may write that is not sticky', async () => {
    await chmod(registry, 0o777);
    await writeRegistration(registry, good());
    expect(await refusal()).toMatch(/sticky/);
  });
});
