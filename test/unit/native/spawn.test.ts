/**
 * The addon's posix_spawn runner (native/proc/spawn.cc, src/native/spawn.ts) against child_process
 * (src/process/run-captured.ts): the same answers for the same commands, the exact environment, no
 * blocked signals in the program, a timeout that kills, output limits.
 */
import { describe, expect, it } from 'vitest';
import { nativeCommandRunner } from '../../../src/native/spawn.js';
import { forkRunner, type CaptureOptions } from '../../../src/process/run-captured.js';

const native = nativeCommandRunner();
const options = (extra: Partial<CaptureOptions> = {}): CaptureOptions => ({ env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, timeoutMs: 10_000, maxBuffer: 1 << 20, ...extra });

describe.skipIf(native === null && process.env.CI !== 'true')('native command runner', () => {
  const run = native ?? (() => Promise.reject(new Error('CI=true: the native addon has no runCaptured')));

  it('gives what child_process gives: stdout, stderr, success and failure', async () => {
    for (const script of ['echo out; echo err >&2', 'echo partial; echo why >&2; exit 3', 'printf "%s" "$0 $1"']) {
      const args = ['-c', script, 'x', 'y'];
      const [a, b] = await Promise.all([run('sh', args, options()), forkRunner('sh', args, options())]);
      expect({ ok: a.ok, stdout: a.stdout, stderr: a.stderr }, script).toEqual({ ok: b.ok, stdout: b.stdout, stderr: b.stderr });
      if (!b.ok) expect(a.error).toBe('why');
    }
  });

  it('gives the program exactly the environment asked for, and no blocked or ignored signal', async () => {
    const env = await run('env', [], options({ env: { PATH: '/usr/bin:/bin', ONLY: 'this' } }));
    expect(env.stdout.trim().split('\n').sort()).toEqual(['ONLY=this', 'PATH=/usr/bin:/bin']);
    const status = await run('grep', ['-E', '^Sig(Blk|Ign)', '/proc/self/status'], options());
    expect(status.stdout).toMatch(/SigBlk:\s+0+\n/);
    // Signals 32 and 33 are glibc's own (threads); no program can use them, and posix_spawn leaves them.
    const ignored = BigInt(`0x${/SigIgn:\s+([0-9a-f]+)/.exec(status.stdout)?.[1] ?? 'ff'}`) & ~0x180000000n;
    expect(ignored).toBe(0n);
  });

  it('kills a program that runs past its timeout, and whatever it started', async () => {
    const started = Date.now();
    const slow = await run('sh', ['-c', 'sleep 30 & sleep 30'], options({ timeoutMs: 300 }));
    expect(slow.ok).toBe(false);
    expect(slow.error).toBe('sh timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('fails a program that writes more than maxBuffer, and one not on PATH', async () => {
    const big = await run('sh', ['-c', 'head -c 100000 /dev/zero'], options({ maxBuffer: 1000 }));
    expect(big).toMatchObject({ ok: false, error: 'sh wrote more than 1000 bytes' });
    expect(big.stdout).toHaveLength(1000);
    expect(await run('no-such-command-here', [], options())).toMatchObject({ ok: false, error: 'spawn no-such-command-here ENOENT' });
  });

  it('runs many at once without mixing their output', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run('sh', ['-c', `echo ${i}`], options())));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });
});
