// How promptly an exec: secret helper that hangs is killed: the time from the call to its
// SECRET_UNAVAILABLE refusal, less the timeout. The unit test (test/unit/secrets/exec.test.ts)
// checks that the helper and what it started are gone; this prints how long that took.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runSecretHelper } from '../src/secrets/index.js';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ reps: 5 });
const dir = await mkdtemp(join(tmpdir(), 'qpu-bench-secret-'));
try {
  const helper = join(dir, 'hang');
  await writeFile(helper, '#!/bin/sh\nsleep 300 & wait\n');
  await chmod(helper, 0o700);
  const rows = [];
  for (const timeoutMs of [100, 300, 1000]) {
    const over = [];
    for (let i = 0; i < opts.reps; i++) {
      const t0 = performance.now();
      const refused = await runSecretHelper(helper, [], { timeoutMs }).then(() => false, () => true);
      if (!refused) throw new Error('the hanging helper was not refused');
      over.push(performance.now() - t0 - timeoutMs);
    }
    over.sort((a, b) => a - b);
    rows.push([timeoutMs, fmt.ms(over[Math.floor(over.length / 2)]), fmt.ms(over[over.length - 1])]);
  }
  table(`exec: helper that hangs, refused after the timeout (${opts.reps} runs each; ${machine()})`, ['timeout ms', 'median ms past it', 'max ms past it'], rows);
} finally {
  await rm(dir, { recursive: true, force: true });
}
reproduce('secret-timeout.mjs', [`--reps ${opts.reps}`]);
