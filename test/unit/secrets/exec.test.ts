import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSecret, runSecretHelper } from '../../../src/secrets/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qpu-secret-exec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function helper(name: string, body: string, mode = 0o700): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, mode);
  return path;
}

/** Whether a process has ended (a zombie awaiting its reaper counts as ended); SIGKILL lands at once but not synchronously. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    let state: string;
    try {
      state = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '')[0] ?? '';
    } catch {
      return true;
    }
    if (state === 'Z' || state === 'X') return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('exec: secrets', () => {
  it('returns what the helper prints, with its arguments and without a shell', async () => {
    const path = await helper('echo', 'printf "%s-%s\\n" "$1" "$2"');
    expect((await resolveSecret(`exec:${path} a;b c`)).reveal()).toBe('a;b-c');
  });

  it('gives the helper a fixed environment, not the caller’s', async () => {
    process.env['QPU_TEST_LEAK'] = 'leaked';
    try {
      const path = await helper('env', 'printf "%s" "${QPU_TEST_LEAK:-clean}"');
      expect((await runSecretHelper(path, [])).reveal()).toBe('clean');
    } finally {
      delete process.env['QPU_TEST_LEAK'];
    }
  });

  it('kills a helper that hangs, after the timeout, with what it started', async () => {
    // Waiting for the helper instead would outlast the test's own timeout (30 s) by far.
    const pidFile = join(dir, 'hang.pid');
    const path = await helper('hang', `sleep 300 & echo $! > ${pidFile}; wait; echo late`);
    await expect(runSecretHelper(path, [], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('within 300 ms') });
    expect(await gone(Number(await readFile(pidFile, 'utf8')))).toBe(true);
  });

  it('reports a failing helper with the first line of its stderr, never its stdout', async () => {
    const path = await helper('fail', 'echo half-secret; echo "vault: permission denied" >&2; exit 3');
    const error = await runSecretHelper(path, []).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('vault: permission denied') });
    expect(String((error as Error).message)).not.toContain('half-secret');
  });

  it('refuses a helper that prints nothing or is not executable', async () => {
    await expect(runSecretHelper(await helper('silent', 'true'), [])).rejects.toMatchObject({ message: expect.stringContaining('printed nothing') });
    await expect(runSecretHelper(await helper('noexec', 'echo x', 0o600), [])).rejects.toMatchObject({ message: expect.stringContaining('not an executable') });
  });

  it('as root, refuses a helper others can modify', async () => {
    if (process.geteuid?.() !== 0) return;
    const path = await helper('writable', 'echo x', 0o777);
    await expect(runSecretHelper(path, [])).rejects.toMatchObject({ code: 'SECRET_INSECURE', hint: expect.stringContaining('chmod 755') });
  });
});
