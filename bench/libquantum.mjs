// The native engine against libquantum 1.1.1 (Debian's libquantum-dev, driven by the C harness
// bench/peers/libquantum-bench.c) on H + CX chain + RZ, QFT and quantum-volume circuits. libquantum
// keeps single-precision amplitudes, so native complex64 is the like-for-like column; complex128 is
// shown too. Needs: apt-get install libquantum-dev.
import { existsSync } from 'node:fs';
import { hCxRz, qft, quantumVolume } from './lib/circuits.mjs';
import { engines, nativeBinding, simulate } from './lib/engines.mjs';
import { buildPeer, runPeer } from './lib/peers.mjs';
import { bestOf, flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ min: 16, max: 22, layers: 2, reps: 2 });
if (!existsSync('/usr/include/quantum.h')) {
  console.log('\n## libquantum: skipped — libquantum-dev is not installed (apt-get install libquantum-dev)');
  process.exit(0);
}
const exe = buildPeer('libquantum-bench', { libs: ['-lquantum', '-lm', '-fopenmp'] });
const { native, native32 } = engines();
const info = nativeBinding().info();
const families = [
  ['H + CX chain + RZ', 'hcxrz', (n) => hCxRz(n, opts.layers)],
  ['QFT', 'qft', (n) => qft(n)],
  ['quantum volume', 'qv', (n) => quantumVolume(n, opts.layers, 7)],
];
for (const [label, key, make] of families) {
  const rows = [];
  for (let n = opts.min; n <= opts.max; n += 2) {
    // libquantum's QV at 22 qubits takes minutes (hash-table state); stop it at 20.
    if (key === 'qv' && n > 20) continue;
    const c = make(n);
    const lq = runPeer(exe, [key, n, n >= 20 ? 1 : opts.reps, opts.layers, 7]).ms;
    const t128 = await bestOf(() => simulate(native, c), { reps: opts.reps });
    const t64 = await bestOf(() => simulate(native32, c), { reps: opts.reps });
    rows.push([n, fmt.ms(lq), fmt.ms(t128), fmt.ms(t64), fmt.x(lq / t128), fmt.x(lq / t64)]);
  }
  table(`${label} vs libquantum: ms per run (${key === 'qft' ? 'prepared input' : `${opts.layers} layers`}; native ${info.isa}, ${info.threads} threads; libquantum OpenMP; ${machine()})`,
    ['qubits', 'libquantum', 'native c128', 'native c64', 'speedup c128', 'speedup c64'], rows);
}
reproduce('libquantum.mjs', [`--min ${opts.min}`, `--max ${opts.max}`, `--layers ${opts.layers}`, `--reps ${opts.reps}`]);
