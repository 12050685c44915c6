// Memory bandwidth: a STREAM-style triad (bench/peers/triad.c, OpenMP on all CPUs) against the
// native engine's single sweeps. One sweep of an n-qubit complex128 state reads and writes every
// amplitude: 2^(n+5) bytes (2^(n+4) in complex64). Each kernel is timed as (R+1 copies − 1 copy) / R
// inside one native call, so allocation and the JS round trip cancel out.
import { buildPeer, runPeer } from './lib/peers.mjs';
import { nativeBinding } from './lib/engines.mjs';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';
import { performance } from 'node:perf_hooks';

const opts = flags({ qubits: 26, reps: 8, elements: 2 ** 26 });
const n = opts.qubits;
const triadExe = buildPeer('triad', { flags: ['-fopenmp'] });
const triad = runPeer(triadExe, [opts.elements, 5]);
const binding = nativeBinding();
const info = binding.info();

function dense(k) {
  const d = 1 << k;
  const m = new Float64Array(2 * d * d);
  for (let i = 0; i < m.length; i++) m[i] = Math.sin(i * 1.7) / d;
  return m;
}
const h = Float64Array.of(Math.SQRT1_2, 0, Math.SQRT1_2, 0, Math.SQRT1_2, 0, -Math.SQRT1_2, 0);
const rz = Float64Array.of(Math.cos(0.1), -Math.sin(0.1), Math.cos(0.1), Math.sin(0.1));
const cxPerm = Float64Array.of(0, 1, 0, 3, 1, 0, 2, 1, 0, 1, 1, 0); // column c -> row perm[c]: 0,3,2,1
const kernels = [
  ['1q dense, qubit 0 (in-vector)', [1, 1, 0, 0], h],
  ['1q dense, qubit 5', [1, 1, 5, 0], h],
  [`1q dense, qubit ${n - 1}`, [1, 1, n - 1, 0], h],
  ['1q diagonal (rz)', [2, 1, 7, 0], rz],
  [`cx (permutation), qubits ${n - 2},${n - 1}`, [3, 2, n - 2, n - 1, 0], cxPerm],
  [`2q dense, qubits 3,${n - 1}`, [1, 2, 3, n - 1, 0], dense(2)],
  ['3q dense, qubits 4,11,18', [1, 3, 4, 11, 18, 0], dense(3)],
  ['3q dense, qubits 0,9,20', [1, 3, 0, 9, 20, 0], dense(3)],
  ['4q dense, qubits 3,8,14,21', [1, 4, 3, 8, 14, 21, 0], dense(4)],
  ['4q dense, qubits 1,8,14,21', [1, 4, 1, 8, 14, 21, 0], dense(4)],
  ['5q dense, qubits 3,7,11,15,19', [1, 5, 3, 7, 11, 15, 19, 0], dense(5)],
];

async function sweepMs(code, data, precision) {
  const none = { x: new BigUint64Array(0), z: new BigUint64Array(0), ys: new Int32Array(0) };
  const options = { numQubits: n, numClbits: 0, precision, memoryLimitBytes: 2 ** 40, ...none };
  const run = async (copies) => {
    const all = [];
    for (let r = 0; r < copies; r++) all.push(...code);
    const t0 = performance.now();
    await binding.expectation(Int32Array.from(all), data, options);
    return performance.now() - t0;
  };
  let best = Number.POSITIVE_INFINITY;
  // Best of three (R+1 copies − 1 copy) differences, each side its own best of two.
  for (let i = 0; i < 3; i++) {
    const one = Math.min(await run(1), await run(1));
    const many = Math.min(await run(opts.reps + 1), await run(opts.reps + 1));
    best = Math.min(best, Math.max(many - one, 1e-3) / opts.reps);
  }
  return best;
}

console.log(`\ntriad (${triad.threads} threads, ${triad.elements} float64 per array): ${fmt.gbs(triad.triadGBs)} GB/s; in-place scale: ${fmt.gbs(triad.scaleGBs)} GB/s`);
for (const precision of ['complex128', 'complex64']) {
  const bytes = 2 ** (n + (precision === 'complex128' ? 5 : 4));
  const rows = [];
  for (const [label, code, data] of kernels) {
    const ms = await sweepMs(code, data, precision);
    const gbs = bytes / ms / 1e6;
    rows.push([label, fmt.ms(ms), fmt.gbs(gbs), `${Math.round((100 * gbs) / triad.triadGBs)}%`, `${Math.round((100 * gbs) / triad.scaleGBs)}%`]);
  }
  table(`one sweep, ${n} qubits, ${precision} (${bytes / 2 ** 30} GiB moved; ${info.isa} kernels, ${info.threads} threads; ${machine()})`,
    ['kernel', 'ms', 'GB/s', '% of triad', '% of in-place scale'], rows);
}
reproduce('bandwidth.mjs', [`--qubits ${n}`, `--reps ${opts.reps}`, `--elements ${opts.elements}`]);
