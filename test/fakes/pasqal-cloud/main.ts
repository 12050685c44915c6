/**
 * Runs the Pasqal Cloud fake on its own (e2e, next to a Slurm cluster):
 *
 *   npx tsx test/fakes/pasqal-cloud/main.ts --port 17351 [--queue-delay MS] [--run-delay MS]
 *     [--log FILE.jsonl] [--client-id ID] [--client-secret SECRET] [--project-id ID]
 *
 * Prints one JSON line once it listens ({url, coreUrl, tokenUrl, clientId, projectId, deviceType})
 * and serves until SIGINT or SIGTERM. The client secret is not printed: pass it, or read the default
 * from index.ts.
 */
import { parseArgs } from 'node:util';
import { startPasqalCloudFake } from './index.js';

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'queue-delay': { type: 'string' },
      'run-delay': { type: 'string' },
      log: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'project-id': { type: 'string' },
    },
    strict: true,
  });
  const port = integer('port', values.port);
  const queueDelayMs = integer('queue-delay', values['queue-delay']);
  const runDelayMs = integer('run-delay', values['run-delay']);
  const fake = await startPasqalCloudFake({
    ...(port === undefined ? {} : { port }),
    ...(queueDelayMs === undefined ? {} : { queueDelayMs }),
    ...(runDelayMs === undefined ? {} : { runDelayMs }),
    ...(values.log === undefined ? {} : { logFile: values.log }),
    ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
    ...(values['client-secret'] === undefined ? {} : { clientSecret: values['client-secret'] }),
    ...(values['project-id'] === undefined ? {} : { projectId: values['project-id'] }),
  });
  process.stdout.write(`${JSON.stringify({ url: fake.url, coreUrl: fake.coreUrl, tokenUrl: fake.tokenUrl, clientId: fake.clientId, projectId: fake.projectId, deviceType: fake.deviceType })}\n`);
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
  process.stderr.write(`pasqal-cloud fake: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
