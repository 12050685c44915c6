import fc from 'fast-check';
import { TARGETS } from './targets/index.ts';
for (const name of process.argv.slice(2)) {
  const target = TARGETS.find((t) => t.name === name)!;
  let t = performance.now();
  const samples = fc.sample(target.arbitrary(), { numRuns: 1000, seed: 2 });
  const gen = performance.now() - t;
  const times: [number, string][] = [];
  for (const s of samples) { const t0 = performance.now(); try { await target.run(s); } catch {} times.push([performance.now() - t0, target.encode(s).slice(0, 300)]); }
  times.sort((a, b) => b[0] - a[0]);
  console.log(name, 'gen ms', gen.toFixed(0), 'run ms', times.reduce((a, b) => a + b[0], 0).toFixed(0));
  for (const [ms, s] of times.slice(0, 4)) console.log(ms.toFixed(1), JSON.stringify(s).slice(0, 300));
}
