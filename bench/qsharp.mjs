// The native engine against qsharp-lang (the Microsoft QDK's npm package: Q# compiled and simulated
// in WebAssembly by its sparse-state simulator) on H + CX chain + RZ and QFT. Each Q# run compiles the
// program first, so the compile time of a 1-qubit program of the same shape is measured and taken
// off. qsharp-lang is a benchmark peer (bench/package.json, `npm run bench:peers`), used only here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hCxRz, qft } from './lib/circuits.mjs';
import { engines, simulate } from './lib/engines.mjs';
import { findPeerPackage } from './lib/peer-packages.mjs';
import { bestOf, flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ min: 12, max: 22, reps: 2 });
const peer = findPeerPackage('qsharp-lang');
if (peer === null) process.exit(0);
const { version } = peer;
let qsharp;
try {
  qsharp = await import('qsharp-lang');
  const wasm = readFileSync(join(peer.dir, 'lib', 'web', 'qsc_wasm_bg.wasm'));
  await qsharp.loadWasmModule(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
} catch (error) {
  console.log(`\n## qsharp-lang: skipped — it does not load here (${error instanceof Error ? error.message : String(error)})`);
  process.exit(0);
}
const compiler = await qsharp.getCompiler();

function qsharpSource(family, n) {
  const body =
    family === 'hcxrz'
      ? `for _ in 1..2 { for q in qs { H(q); } for i in 0..${n - 2} { CNOT(qs[i], qs[i + 1]); } for i in 0..${n - 1} { Rz(0.1 + 0.01 * IntAsDouble(i), qs[i]); } }`
      : `for i in 0..${n - 1} { H(qs[i]); Rz(0.1 + 0.01 * IntAsDouble(i), qs[i]); }
         for j in ${n - 1}..-1..0 { H(qs[j]); for k in j - 1..-1..0 { Controlled R1([qs[k]], (PI() / IntAsDouble(1 <<< (j - k)), qs[j])); } }
         for q in 0..${(n >> 1) - 1} { SWAP(qs[q], qs[${n - 1} - q]); }`;
  return `namespace Bench { import Std.Math.*; import Std.Convert.*; operation Main() : Result[] { use qs = Qubit[${n}]; ${body} return MResetEachZ(qs); } }`;
}

async function runQsharp(source) {
  const events = new qsharp.QscEventTarget(true);
  await compiler.run({ sources: [['bench.qs', source]], languageFeatures: [] }, 'Bench.Main()', 1, events);
  const result = events.getResults()[0];
  if (result === undefined || !result.success) throw new Error(`Q# run failed: ${JSON.stringify(result?.result).slice(0, 300)}`);
}

const { native } = engines();
const families = [
  ['H + CX chain + RZ', 'hcxrz', (n) => hCxRz(n, 2)],
  ['QFT', 'qft', (n) => qft(n)],
];
for (const [label, key, make] of families) {
  const rows = [];
  const compileOnly = await bestOf(() => runQsharp(qsharpSource(key, 2)), { reps: 5, warmup: 2 });
  for (let n = opts.min; n <= opts.max; n += 2) {
    const total = await bestOf(() => runQsharp(qsharpSource(key, n)), { reps: n >= 20 ? 1 : opts.reps, warmup: 0 });
    const tn = await bestOf(() => simulate(native, make(n)), { reps: opts.reps });
    const sim = Math.max(total - compileOnly, 0.01);
    rows.push([n, fmt.ms(total), fmt.ms(sim), fmt.ms(tn), fmt.x(sim / tn)]);
  }
  table(`${label} vs qsharp-lang ${version}: ms per run (compile of a 2-qubit program: ${fmt.ms(compileOnly)} ms; ${machine()})`,
    ['qubits', 'Q# total', 'Q# minus compile', 'native c128', 'speedup'], rows);
}
console.log('\nnote: the Q# programs are the same circuits (Controlled R1 is CP); "Q# total" includes compiling, "Q# minus compile" subtracts the compile-and-run time of the 2-qubit version.');
reproduce('qsharp.mjs', [`--min ${opts.min}`, `--max ${opts.max}`]);
