// How long the OpenQASM parser takes on valid programs and on the near-programs the property tests
// feed it (test/unit/qasm/arbitrary.ts): the median, the 99th percentile and the slowest input per
// family. The tests check that every input parses or fails with a coded error; a slow input shows up
// here as a large max (and its text is printed, to turn into a regression test).
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { parseQasm } from '../src/qasm/index.js';
import { binaryString, CORPUS, mutated, tokenSoup } from '../test/unit/qasm/arbitrary.ts';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ runs: 2000, seed: 1 });

function timeParse(source) {
  const t0 = performance.now();
  try {
    parseQasm(source);
  } catch {
    // refusals are what most of these inputs get; only the time matters here
  }
  return performance.now() - t0;
}

const families = [
  ['corpus (valid programs)', CORPUS],
  ['arbitrary strings', fc.sample(binaryString, { numRuns: opts.runs, seed: opts.seed })],
  ['token soup', fc.sample(tokenSoup, { numRuns: opts.runs, seed: opts.seed })],
  ['mutated programs', fc.sample(mutated, { numRuns: opts.runs, seed: opts.seed })],
];
for (const source of CORPUS) timeParse(source); // warm-up: the parser's first call compiles it
const rows = [];
let slowest = { ms: -1, source: '' };
for (const [label, inputs] of families) {
  const times = inputs.map((source) => {
    const ms = timeParse(source);
    if (ms > slowest.ms) slowest = { ms, source };
    return ms;
  });
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  rows.push([label, inputs.length, fmt.ms(at(0.5)), fmt.ms(at(0.99)), fmt.ms(sorted[sorted.length - 1])]);
}
table(`parseQasm time per input, ms (${machine()})`, ['inputs', 'count', 'median', 'p99', 'max'], rows);
console.log(`\nslowest input (${fmt.ms(slowest.ms)} ms): ${JSON.stringify(slowest.source.slice(0, 200))}${slowest.source.length > 200 ? '…' : ''}`);
reproduce('qasm-parse.mjs', [`--runs ${opts.runs}`, `--seed ${opts.seed}`]);
