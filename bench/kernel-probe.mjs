// Single-threaded kernel timings without Node (bench/peers/kernel-probe.cc linked with the addon's
// kernel files), for every instruction set this CPU runs: how much a dense k-qubit sweep costs
// against an in-place scale, i.e. where fused kernels turn from memory-bound to compute-bound.
import { fileURLToPath } from 'node:url';
import { nativeBinding } from './lib/engines.mjs';
import { buildPeer, runPeer } from './lib/peers.mjs';
import { machine, reproduce, table } from './lib/report.mjs';

const native = fileURLToPath(new URL('../native/sim/', import.meta.url));
const exe = buildPeer('kernel-probe', {
  cxx: true,
  sources: ['kernel-probe.cc', `${native}kernels.cc`, `${native}kernels_generic.cc`, `${native}kernels_avx2.cc`, `${native}kernels_avx512.cc`],
  flags: ['-std=gnu++17', '-ffp-contract=fast', '-Wno-psabi', `-I${native}`],
});
const isas = nativeBinding().info().isas;
const results = isas.map((isa) => runPeer(exe, [isa]));
const labels = Object.keys(results[0].nsPerAmp);
table(`kernel cost, 1 thread, 22 qubits complex128: ns per amplitude (${machine()})`, ['kernel', ...isas],
  labels.map((l) => [l, ...results.map((r) => r.nsPerAmp[l].toFixed(2))]));
reproduce('kernel-probe.mjs');
