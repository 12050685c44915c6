/**
 * Runs the fake on its own, for tests that start it as a separate process (e2e, next to a Slurm
 * cluster):
 *
 *   npx tsx test/fakes/ibm-quantum-compute/main.ts --port 8123 [--queue-delay MS] [--run-delay MS]
 *     [--devices FILE.json] [--log FILE.jsonl] [--api-key KEY] [--instance CRN]
 *     [--token-lifetime SECONDS] [--python PATH] [--hold]
 *
 * Prints one JSON line on stdout once it listens ({url, iamUrl, globalSearchUrl, globalCatalogUrl,
 * apiKey, instance, devices, env}) and serves until SIGINT or SIGTERM. With --hold, jobs stay Queued
 * until the process gets SIGUSR2 (a test's "now the vendor gets to it").
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startIbmComputeFake, type DeviceSpec } from './index.js';

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${raw}`);
  return n;
}

function devicesFrom(file: string | undefined): DeviceSpec[] | undefined {
  if (file === undefined) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`--devices ${file}: expected a JSON list of {name, numQubits, ...}`);
  return parsed as DeviceSpec[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'queue-delay': { type: 'string' },
      'run-delay': { type: 'string' },
      devices: { type: 'string' },
      log: { type: 'string' },
      'api-key': { type: 'string' },
      instance: { type: 'string' },
      'token-lifetime': { type: 'string' },
      python: { type: 'string' },
      hold: { type: 'boolean' },
    },
    strict: true,
  });
  const port = integer('port', values.port);
  const queueDelayMs = integer('queue-delay', values['queue-delay']);
  const runDelayMs = integer('run-delay', values['run-delay']);
  const tokenLifetimeSeconds = integer('token-lifetime', values['token-lifetime']);
  const devices = devicesFrom(values.devices);
  const fake = await startIbmComputeFake({
    ...(port === undefined ? {} : { port }),
    ...(queueDelayMs === undefined ? {} : { queueDelayMs }),
    ...(runDelayMs === undefined ? {} : { runDelayMs }),
    ...(tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds }),
    ...(devices === undefined ? {} : { devices }),
    ...(values.log === undefined ? {} : { logFile: values.log }),
    ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
    ...(values.instance === undefined ? {} : { instance: values.instance }),
    ...(values.python === undefined ? {} : { python: values.python }),
    holdQueue: values.hold === true,
  });
  process.on('SIGUSR2', () => fake.releaseHeld());
  process.stdout.write(
    `${JSON.stringify({
      url: fake.url,
      iamUrl: fake.iamUrl,
      globalSearchUrl: fake.globalSearchUrl,
      globalCatalogUrl: fake.globalCatalogUrl,
      apiKey: fake.apiKey,
      instance: fake.instance,
      devices: fake.devices.map((d) => d.name),
      env: fake.clientEnv(),
    })}\n`,
  );
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
  process.stderr.write(`ibm-quantum-compute fake: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
