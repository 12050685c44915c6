// The native engine (complex128 and complex64) against the TypeScript engine on the three benchmark
// families, 16..24 qubits (TypeScript) and up to --native-max qubits (native only). Each run builds
// the state from |0...0>, applies the circuit and evaluates <I...I>.
import { gateCount, hCxRz, qft, quantumVolume } from './lib/circuits.mjs';
import { engines, nativeBinding, simulate } from './lib/engines.mjs';
import { bestOf, flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ min: 16, max: 24, 'native-max': 28, layers: 4, reps: 3 });
const { ts, native, native32 } = engines();
const info = nativeBinding().info();
const families = [
  ['quantum volume', (n) => quantumVolume(n, opts.layers, 7)],
  ['H + CX chain + RZ', (n) => hCxRz(n, 2)],
  ['QFT', (n) => qft(n)],
];
for (const [label, make] of families) {
  const rows = [];
  for (let n = opts.min; n <= opts['native-max']; n += 2) {
    const c = make(n);
    // Native runs up to 24 qubits take well under a second: best of `reps` after a warm-up run (the
    // first touch of fresh pages by a process costs up to seconds per GiB). Larger native runs and
    // the slow TS runs from 22 qubits are timed once, warm-up included.
    const nativeReps = n <= 24 ? { reps: opts.reps, warmup: 1 } : { reps: 1, warmup: 0 };
    const tsReps = n >= 22 ? { reps: 1, warmup: 0 } : { reps: opts.reps, warmup: 1 };
    const t128 = await bestOf(() => simulate(native, c), nativeReps);
    const t64 = await bestOf(() => simulate(native32, c), nativeReps);
    const tts = n <= opts.max ? await bestOf(() => simulate(ts, c), tsReps) : null;
    rows.push([n, gateCount(c), tts === null ? '-' : fmt.ms(tts), fmt.ms(t128), fmt.ms(t64), tts === null ? '-' : fmt.x(tts / t128), tts === null ? '-' : fmt.x(tts / t64)]);
  }
  table(`${label}: ms per run (${opts.layers} layers for QV, 2 for H+CX+RZ; ${info.isa} kernels, ${info.threads} threads; ${machine()})`, ['qubits', 'gates', 'TS', 'native c128', 'native c64', 'speedup c128', 'speedup c64'], rows);
}
reproduce('native-vs-ts.mjs', [`--min ${opts.min}`, `--max ${opts.max}`, `--native-max ${opts['native-max']}`, `--layers ${opts.layers}`, `--reps ${opts.reps}`]);
