/**
 * The fuzz targets' short seeded run, part of `npm test`: a fixed seed and a few hundred inputs per
 * target, then every input in test/fuzz/corpus/<target>/ (each once broke a door). The long runs are
 * `npm run fuzz` (docs/reliability.md has their figures).
 */
import { describe, expect, it } from 'vitest';
import { campaign, corpusOf } from './campaign.js';
import { feed } from './harness.js';
import { payloadRegressions, payloadTarget } from './targets/payload.js';
import { TARGETS } from './targets/index.js';

const SEED = 20_260_515;
const RUNS: Record<string, number> = { qasm: 2000, payload: 600, 'qiskit-result': 1000, catalogue: 1000, gateway: 800 };

describe.each(TARGETS.map((t) => [t.name, t] as const))('fuzz target %s', (name, target) => {
  it(`answers ${RUNS[name] ?? 300} seeded inputs with a result or a catalogued error`, async () => {
    const result = await campaign(target, RUNS[name] ?? 300, SEED);
    expect(result.failure, result.failure === null ? '' : `${result.failure.error}\ninput: ${result.failure.input.slice(0, 2000)}`).toBeNull();
  }, 120_000);

  const corpus = corpusOf(name);
  it.skipIf(corpus.length === 0)(`replays its corpus (${corpus.length} inputs)`, async () => {
    const close = (await target.open?.()) ?? (async () => undefined);
    try {
      for (const { name: file, text } of corpus) {
        await expect(feed(target, target.decode(text)), file).resolves.toBeUndefined();
      }
    } finally {
      await close();
    }
  }, 120_000);
});

it('refuses a zlib bomb in an ndarray envelope with a catalogued error', async () => {
  for (const input of payloadRegressions()) await expect(feed(payloadTarget, input)).resolves.toBeUndefined();
});
