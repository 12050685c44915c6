/**
 * The fake as a process, for e2e tests that run it next to a Slurm cluster:
 *   npx tsx test/fakes/ibm-quantum-system/main.ts [--port N] [--s3-port N] [--host H] [--log FILE] [--run-delay MS]
 * prints one JSON line on stdout ({url, credentials, backends, qrmiEnv}) once it listens, and stops on
 * SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { startIbmSystemFake } from './index.js';

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      's3-port': { type: 'string' },
      log: { type: 'string' },
      'run-delay': { type: 'string' },
      python: { type: 'string' },
    },
    strict: true,
  });
  const fake = await startIbmSystemFake({
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.port !== undefined ? { port: port(values.port, '--port') } : {}),
    ...(values['s3-port'] !== undefined ? { s3Port: port(values['s3-port'], '--s3-port') } : {}),
    ...(values.log !== undefined ? { logFile: values.log } : {}),
    ...(values['run-delay'] !== undefined ? { runDelayMs: Number(values['run-delay']) } : {}),
    ...(values.python !== undefined ? { python: values.python } : {}),
  });
  const backends = fake.backends.list().map((b) => ({ name: b.name, status: b.status, lanes: b.lanes, queue: b.queue }));
  const qrmiEnv = Object.assign({}, ...backends.map((b) => fake.qrmiEnv(b.name))) as Record<string, string>;
  process.stdout.write(`${JSON.stringify({ url: fake.url, credentials: fake.credentials, backends, qrmiEnv })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void fake.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`ibm-quantum-system fake: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
