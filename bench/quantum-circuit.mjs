// The native engine against the npm package quantum-circuit (a pure-JS simulator; ≤ 16 qubits) on
// the benchmark families. quantum-circuit is a benchmark peer (bench/package.json, `npm run bench:peers`),
// used only here.
import { createRequire } from 'node:module';
import { hCxRz, qft, quantumVolume } from './lib/circuits.mjs';
import { engines, simulate } from './lib/engines.mjs';
import { findPeerPackage } from './lib/peer-packages.mjs';
import { bestOf, flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ min: 8, max: 16, layers: 2, reps: 2 });
const require = createRequire(import.meta.url);
if (findPeerPackage('quantum-circuit') === null) process.exit(0);
const QuantumCircuit = require('quantum-circuit');
// It prints warnings through console on load and on run; keep the table readable.
const quiet = (fn) => {
  const warn = console.warn;
  const log = console.log;
  console.warn = () => undefined;
  console.log = () => undefined;
  try {
    return fn();
  } finally {
    console.warn = warn;
    console.log = log;
  }
};

/** The same circuit in quantum-circuit's API (gates in order, one column each). */
function toQc(c) {
  const qc = quiet(() => new QuantumCircuit(c.numQubits));
  let column = 0;
  for (const op of c.ops) {
    const p = op.params.map((e) => e.value);
    const q = op.qubits;
    switch (op.name) {
      case 'h': qc.addGate('h', column++, q[0]); break;
      case 'rz': qc.addGate('rz', column++, q[0], { params: { phi: p[0] } }); break;
      case 'u': qc.addGate('u3', column++, q[0], { params: { theta: p[0], phi: p[1], lambda: p[2] } }); break;
      case 'cx': qc.addGate('cx', column++, [q[0], q[1]]); break;
      case 'cp': qc.addGate('cu1', column++, [q[0], q[1]], { params: { lambda: p[0] } }); break;
      case 'swap': qc.addGate('swap', column++, [q[0], q[1]]); break;
      default: throw new Error(`no mapping for ${op.name}`);
    }
  }
  return qc;
}

const { native } = engines();
const families = [
  ['H + CX chain + RZ', (n) => hCxRz(n, opts.layers)],
  ['QFT', (n) => qft(n)],
  ['quantum volume', (n) => quantumVolume(n, opts.layers, 7)],
];
for (const [label, make] of families) {
  const rows = [];
  for (let n = opts.min; n <= opts.max; n += 4) {
    const c = make(n);
    const qc = toQc(c);
    const tq = await bestOf(async () => quiet(() => qc.run()), { reps: n >= 16 ? 1 : opts.reps, warmup: n >= 16 ? 0 : 1 });
    const tn = await bestOf(() => simulate(native, c), { reps: opts.reps });
    rows.push([n, fmt.ms(tq), fmt.ms(tn), fmt.x(tq / tn)]);
  }
  table(`${label} vs quantum-circuit ${require('quantum-circuit/package.json').version}: ms per run (${machine()})`, ['qubits', 'quantum-circuit', 'native c128', 'speedup'], rows);
}
reproduce('quantum-circuit.mjs', [`--min ${opts.min}`, `--max ${opts.max}`, `--layers ${opts.layers}`]);
