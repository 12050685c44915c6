import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';
import { readKeyringSecret, resolveSecret, SecretValue } from '../../../src/secrets/index.js';

describe('env: secrets', () => {
  it('reads the resolving process’s environment', async () => {
    expect((await resolveSecret('env:VENDOR_KEY', { env: { VENDOR_KEY: 'k1' } })).reveal()).toBe('k1');
  });
  it('says when the variable is missing', async () => {
    await expect(resolveSecret('env:VENDOR_KEY', { env: {} })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('env:VENDOR_KEY') });
  });
});

describe('keyring: secrets', () => {
  it('explains that keyring support is missing when keytar cannot load', async () => {
    const error = await readKeyringSecret('slurm-qpu', 'ibm', () => Promise.reject(new Error('Cannot find module ../build/Release/keytar.node'))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('keytar'), hint: expect.stringContaining('file: or exec:') });
  });
  it('reads through keytar and reports a missing entry', async () => {
    const keytar = { getPassword: (service: string, account: string) => Promise.resolve(service === 's' && account === 'a' ? 'pw' : null) };
    expect((await resolveSecret('keyring:s/a', { loadKeytar: () => Promise.resolve(keytar) })).reveal()).toBe('pw');
    await expect(resolveSecret('keyring:s/b', { loadKeytar: () => Promise.resolve(keytar) })).rejects.toMatchObject({ message: expect.stringContaining('no such entry') });
  });
  it('fails clearly with the real optional dependency on this machine (not built here)', async () => {
    const outcome = await resolveSecret('keyring:slurm-qpu/none').then(
      () => 'resolved',
      (error: unknown) => (error as { code?: string }).code,
    );
    expect(outcome).toBe('SECRET_UNAVAILABLE');
  });
});

describe('a resolved secret never renders', () => {
  const secret = new SecretValue('canary-4f1c');
  it('in String(), JSON and util.inspect', () => {
    expect(String(secret)).toBe('[secret]');
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- what interpolation shows is the point
    expect(`${secret}`).toBe('[secret]');
    expect(JSON.stringify({ secret, nested: { s: secret } })).not.toContain('canary');
    expect(inspect({ a: secret })).not.toContain('canary');
    expect(secret.reveal()).toBe('canary-4f1c');
  });

  it('in pino logs, where tokens and keys are also redacted by path', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ name: 'test', destination });
    log.info({ value: secret, token: 'tok-abc', config: { token: 'tok-def', apiKey: 'k', secrets: { sim: 's' } }, QRUN_TOKEN: 'tok-ghi' }, 'event');
    const text = lines.join('');
    for (const leaked of ['canary', 'tok-abc', 'tok-def', 'tok-ghi', '"k"', '"s"']) expect(text).not.toContain(leaked);
  });
});
