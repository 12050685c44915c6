// How long the JS event loop stalls while the native engine runs a circuit: the addon copies its
// inputs on the JS thread and simulates on a worker, so the loop should keep turning. A 1 ms timer
// records the largest gap between its callbacks during each run; a run that held the JS thread
// would show a gap as long as the run itself. (The unit test checks only that the loop turns.)
import { performance } from 'node:perf_hooks';
import { hCxRz } from './lib/circuits.mjs';
import { engines } from './lib/engines.mjs';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ min: 16, max: 22, layers: 12, reps: 3 });
const { native } = engines();

async function measure(c) {
  let last = performance.now();
  let worst = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    ticks++;
  }, 1);
  const t0 = performance.now();
  await native.statevector(c, []);
  const run = performance.now() - t0;
  clearInterval(timer);
  worst = Math.max(worst, performance.now() - last);
  return { run, worst, ticks };
}

const rows = [];
for (let n = opts.min; n <= opts.max; n += 2) {
  const c = hCxRz(n, opts.layers);
  await measure(c); // warm-up: first-call set-up (kernel choice, thread pool)
  const runs = [];
  for (let i = 0; i < opts.reps; i++) runs.push(await measure(c));
  const best = runs.reduce((a, b) => (b.run < a.run ? b : a));
  const worst = Math.max(...runs.map((r) => r.worst));
  rows.push([n, fmt.ms(best.run), fmt.ms(worst), best.ticks, fmt.x(best.run / Math.max(worst, 1e-3))]);
}
table(`event loop during native statevector runs, H + CX chain + RZ x${opts.layers} (${machine()})`,
  ['qubits', 'run ms (best)', 'largest loop gap ms', '1 ms ticks during run', 'run / gap'], rows);
console.log('\nnote: on an idle machine the largest gap stays a few ms (the JS-side lowering and the copies) while runs grow; a gap that grows with the run means the JS thread was held. On a loaded machine the gap also counts the time the process was not scheduled.');
reproduce('event-loop.mjs', [`--min ${opts.min}`, `--max ${opts.max}`, `--layers ${opts.layers}`]);
