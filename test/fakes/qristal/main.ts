/**
 * Runs the fake QB device on its own, for tests that start it as a separate process (e2e):
 *
 *   npx tsx test/fakes/qristal/main.ts --port 17341 [--secret S | --secret-file F] [--model QB-QDK2-CZ]
 *     [--qubits 4] [--run-delay MS] [--log FILE.jsonl]
 *
 * Prints one JSON line on stdout once it listens ({url, model, qubits}) and serves until SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startQristalFake } from './index.js';

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
      secret: { type: 'string' },
      'secret-file': { type: 'string' },
      model: { type: 'string' },
      qubits: { type: 'string' },
      'run-delay': { type: 'string' },
      log: { type: 'string' },
    },
    strict: true,
  });
  const model = values.model ?? 'QB-QDK2-CZ';
  if (model !== 'QB-QDK2-CZ' && model !== 'QB-QDK2-ACZ') throw new Error(`--model must be QB-QDK2-CZ or QB-QDK2-ACZ, got ${model}`);
  const secret = values['secret-file'] === undefined ? values.secret : readFileSync(values['secret-file'], 'utf8').replace(/\r?\n$/, '');
  const port = integer('port', values.port);
  const qubits = integer('qubits', values.qubits);
  const runDelayMs = integer('run-delay', values['run-delay']);
  const fake = await startQristalFake({
    model: model,
    ...(port === undefined ? {} : { port }),
    ...(secret === undefined ? {} : { secret }),
    ...(qubits === undefined ? {} : { qubits }),
    ...(runDelayMs === undefined ? {} : { runDelayMs }),
    ...(values.log === undefined ? {} : { logFile: values.log }),
  });
  process.stdout.write(`${JSON.stringify({ url: fake.url, model: fake.model, qubits: qubits ?? 4 })}\n`);
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
  process.stderr.write(`qristal fake: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
