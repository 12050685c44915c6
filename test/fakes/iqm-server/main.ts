/**
 * Runs the fake on its own, for tests that start it as a separate process (e2e, next to a Slurm
 * cluster):
 *
 *   npx tsx test/fakes/iqm-server/main.ts --port 17331 [--token TOKEN] [--queue-delay MS]
 *     [--run-delay MS] [--log FILE.jsonl]
 *
 * Prints one JSON line on stdout once it listens ({url, token, computers}) and serves until SIGINT
 * or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startIqmServerFake } from './index.js';

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, token: { type: 'string' }, 'queue-delay': { type: 'string' }, 'run-delay': { type: 'string' }, log: { type: 'string' } },
    strict: true,
  });
  const port = integer('port', values.port);
  const queueDelayMs = integer('queue-delay', values['queue-delay']);
  const runDelayMs = integer('run-delay', values['run-delay']);
  const fake = await startIqmServerFake({
    ...(port === undefined ? {} : { port }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...(queueDelayMs === undefined ? {} : { queueDelayMs }),
    ...(runDelayMs === undefined ? {} : { runDelayMs }),
    ...(values.log === undefined ? {} : { logFile: values.log }),
  });
  process.stdout.write(`${JSON.stringify({ url: fake.url, token: fake.token, computers: fake.computers.map((c) => c.alias) })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void fake.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`iqm-server fake: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
