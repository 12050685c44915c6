/**
 * `npm run fuzz [-- --runs N] [--seconds T] [--seed S] [--target NAME[,NAME]]`: long runs of the JS
 * fuzz targets (default 10^6 inputs each; --seconds stops each target after T seconds). Prints inputs/s and the count per target; a failure is shrunk, saved
 * under test/fuzz/corpus/<target>/ (then replayed by `npm test`) and makes the exit code 1.
 */
import { campaign, saveToCorpus } from './campaign.js';
import { TARGETS } from './targets/index.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const runs = Number(option('runs') ?? 1_000_000);
const seed = Number(option('seed') ?? Date.now() % 2 ** 31);
const only = option('target')?.split(',');
const seconds = option('seconds') === undefined ? undefined : Number(option('seconds'));
const targets = TARGETS.filter((t) => only === undefined || only.includes(t.name));
if (!Number.isSafeInteger(runs) || runs < 1 || targets.length === 0) {
  console.error(`usage: npm run fuzz -- [--runs N] [--seconds T] [--seed S] [--target ${TARGETS.map((t) => t.name).join(',')}]`);
  process.exit(2);
}

let failed = 0;
process.stdout.write(`seed ${seed}, ${runs} inputs per target\n`);
for (const target of targets) {
  const result = await campaign(target, runs, seed, seconds, (inputs, elapsed) =>
    process.stderr.write(`${target.name}: ${inputs} inputs in ${elapsed.toFixed(0)} s (${Math.round(inputs / elapsed)} inputs/s)\n`),
  );
  const rate = Math.round(result.runs / result.seconds);
  process.stdout.write(`${target.name.padEnd(14)} ${String(result.runs).padStart(9)} inputs  ${result.seconds.toFixed(1).padStart(7)} s  ${String(rate).padStart(7)} inputs/s  ${result.failure === null ? 'no failure' : 'FAILED'}  (${target.door})\n`);
  if (result.failure !== null) {
    failed += 1;
    process.stdout.write(`  ${result.failure.error}\n  saved: ${saveToCorpus(target.name, result.failure.input)}\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
