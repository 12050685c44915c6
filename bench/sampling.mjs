// Sampling and expectation values, the two results users read: 10^6 shots from a 20-qubit state
// (targets: ≤ 0.3 s) and 1,000 Pauli strings on a 20-qubit state (≤ 1 s), native against TypeScript.
// Both include simulating the circuit (a 20-qubit H + CX chain + RZ layer, a few ms).
import { circuit, hCxRz, rng, withMeasurements } from './lib/circuits.mjs';
import { engines, nativeBinding } from './lib/engines.mjs';
import { bestOf, flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ qubits: 20, shots: 1_000_000, paulis: 1000, reps: 3 });
const n = opts.qubits;
const { ts, native, native32 } = engines();
const info = nativeBinding().info();
const prepared = hCxRz(n, 1);
const measured = withMeasurements(prepared);
const random = rng(11);
const labels = Array.from({ length: opts.paulis }, () => Array.from({ length: n }, () => 'IXYZ'[Math.floor(random() * 4)]).join(''));
const observables = labels.map((label) => ({ terms: [{ label, coeff: 1 }] }));
const circuitOnly = circuit(n, prepared.ops);

const rows = [];
for (const [label, engine] of [['native c128', native], ['native c64', native32], ['TypeScript', ts]]) {
  const sample = await bestOf(() => engine.sample(measured, [], { shots: opts.shots, seed: 1 }), { reps: opts.reps });
  const evs = await bestOf(() => engine.expectationValues(circuitOnly, [], observables), { reps: engine === ts ? 1 : opts.reps, warmup: engine === ts ? 0 : 1 });
  rows.push([label, fmt.ms(sample), fmt.ms(evs)]);
}
table(`${opts.shots} shots and ${opts.paulis} random Pauli strings on ${n} qubits: ms (circuit included; native ${info.isa}, ${info.threads} threads; ${machine()})`,
  ['engine', `sample ${opts.shots} shots`, `${opts.paulis} expectation values`], rows);
console.log('\ntargets: sampling ≤ 300 ms, expectation values ≤ 1000 ms');
reproduce('sampling.mjs', [`--qubits ${n}`, `--shots ${opts.shots}`, `--paulis ${opts.paulis}`]);
