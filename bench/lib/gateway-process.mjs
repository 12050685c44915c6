// A gateway process as the launcher starts it (config on fd 3, ready on fd 4), as this user, for the
// benchmarks that measure what the gateway adds. `stop()` ends it and removes its directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { mintToken } from '../../src/gateway/token.js';

const root = new URL('../..', import.meta.url).pathname;

export async function startGatewayProcess(backends) {
  const dir = mkdtempSync(join(tmpdir(), 'qpu-bench-gw-'));
  const token = mintToken(1, process.getuid());
  const built = join(root, 'dist', 'gateway', 'main.js');
  const [script, execArgv] = existsSync(built) ? [built, []] : [join(root, 'src', 'gateway', 'main.ts'), ['--import', 'tsx']];
  const child = spawn(process.execPath, [...execArgv, script, '--job=1'], { stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'] });
  child.stdio[3].end(
    JSON.stringify({
      version: 1,
      jobId: 1,
      uid: process.getuid(),
      token,
      deadline: null,
      socketPath: join(dir, 'gateway.sock'),
      backends,
      limits: { maxTasks: 1024 },
      usageFile: join(dir, 'usage.json'),
      jobCheckSeconds: 0,
      logLevel: 'warn',
    }),
  );
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  for await (const line of createInterface({ input: child.stdio[4] })) {
    const ready = JSON.parse(line);
    if (!ready.ready) {
      await stop();
      throw new Error(`gateway failed: ${JSON.stringify(ready.error)}`);
    }
    return { endpoint: `unix:${ready.socketPath}`, token, script, stop };
  }
  await stop();
  throw new Error('gateway exited before it was ready');
}
