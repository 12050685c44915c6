// Chooses the native engine's fusion width by measurement: the same circuits run with dense blocks
// of at most k qubits (k = 2..6), complex128 and complex64. The default (src/native/fusion.ts,
// DEFAULT_FUSION) is the k with the best times here; docs/performance.md records the run. Each run
// simulates the circuit and evaluates <I...I> (one read pass), so no 2^n-sized result is copied out.
import { createNativeEngine } from '../src/native/engine.js';
import { quantumVolume, hCxRz, qft, gateCount, identityObservable } from './lib/circuits.mjs';
import { bestOf, flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ qubits: 22, reps: 3 });
const n = opts.qubits;
const circuits = [
  ['quantum volume (4 layers)', quantumVolume(n, 4, 7)],
  ['H + CX chain + RZ', hCxRz(n, 2)],
  ['QFT', qft(n)],
];
const widths = [2, 3, 4, 5, 6];
for (const precision of ['complex128', 'complex64']) {
  const rows = [];
  for (const [label, c] of circuits) {
    const row = [`${label} (${gateCount(c)} gates)`];
    for (const k of widths) {
      const engine = createNativeEngine({ precision, fusion: { maxQubits: k, maxDiagonalQubits: Math.max(k, 10) } });
      row.push(fmt.ms(await bestOf(() => engine.expectationValues(c, [], [identityObservable(n)]), { reps: opts.reps })));
    }
    rows.push(row);
  }
  table(`fusion width, ${n} qubits, ${precision}: ms per run (best of ${opts.reps}; ${machine()})`, ['circuit', ...widths.map((k) => `k=${k}`)], rows);
}
reproduce('fusion-width.mjs', [`--qubits ${n}`, `--reps ${opts.reps}`]);
