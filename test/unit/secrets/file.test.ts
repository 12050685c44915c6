import { chmod, chown, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecretFile } from '../../../src/secrets/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qpu-secret-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function secretFile(name: string, content: string, mode: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  await chmod(path, mode);
  return path;
}

describe('file: secrets', () => {
  it.each([0o600, 0o400])('reads a file of mode 0%o and drops one trailing newline', async (mode) => {
    const path = await secretFile(`ok-${mode}`, 'canary-value\n', mode);
    const secret = await readSecretFile(path);
    expect(secret.reveal()).toBe('canary-value');
  });

  it.each([0o644, 0o640, 0o604, 0o660])('refuses mode 0%o and says which chmod fixes it', async (mode) => {
    const path = await secretFile(`loose-${mode}`, 'x', mode);
    await expect(readSecretFile(path)).rejects.toMatchObject({ code: 'SECRET_INSECURE', hint: `Run: chmod 600 ${path} (0600 or 0400 only)` });
  });

  it('refuses a file owned by someone else and gives the chown', async () => {
    const path = await secretFile('foreign', 'x', 0o600);
    await chown(path, 4242, 4242);
    await expect(readSecretFile(path, { ownerUid: 0 })).rejects.toMatchObject({ code: 'SECRET_INSECURE', hint: expect.stringContaining(`chown root:root ${path}`) });
  });

  it('accepts a file owned by the given non-root owner (a workstation user)', async () => {
    const path = await secretFile('mine', 'x', 0o600);
    await chown(path, 4242, 4242);
    expect((await readSecretFile(path, { ownerUid: 4242 })).reveal()).toBe('x');
  });

  it('checks what it reads: a symlink to a loose file is refused', async () => {
    const target = await secretFile('loose-target', 'x', 0o644);
    const link = join(dir, 'link');
    await symlink(target, link);
    await expect(readSecretFile(link)).rejects.toMatchObject({ code: 'SECRET_INSECURE' });
  });

  it('refuses a missing file, an empty file, a directory and a FIFO without hanging', async () => {
    await expect(readSecretFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('does not exist') });
    await expect(readSecretFile(await secretFile('empty', '\n', 0o600))).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('empty') });
    await expect(readSecretFile(dir)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    await expect(readSecretFile(fifo)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('not a regular file') });
  });
});
