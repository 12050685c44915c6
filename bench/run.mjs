// Runs every benchmark, one after the other, each in its own process (npm run bench). The sizes are
// bounded for this 2-core, 24 GiB machine; `--quick` runs small sizes only (a smoke test, minutes).
// Each script prints its own table and the exact command that reproduces it. spank-overhead.mjs and
// gateway-start.mjs run only when a dev cluster is up (the service user, root); quantum-circuit.mjs and qsharp.mjs only when the benchmark peers are
// installed (npm run bench:peers), and each says when it skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const here = fileURLToPath(new URL('.', import.meta.url));
const runs = quick
  ? [
      ['kernel-probe.mjs'],
      ['fusion-width.mjs', '--qubits', '18'],
      ['native-vs-ts.mjs', '--min', '14', '--max', '18', '--native-max', '20'],
      ['bandwidth.mjs', '--qubits', '22', '--elements', String(2 ** 24)],
      ['sampling.mjs', '--shots', '100000', '--paulis', '100'],
      ['libquantum.mjs', '--min', '12', '--max', '16'],
      ['quantum-circuit.mjs', '--min', '8', '--max', '12'],
      ['qsharp.mjs', '--min', '10', '--max', '14'],
      ['gateway-latency.mjs', '--calls', '200', '--seconds', '1'],
      ['vendor-latency.mjs', '--calls', '10'],
      ['event-loop.mjs', '--min', '14', '--max', '18', '--reps', '2'],
      ['qasm-parse.mjs', '--runs', '300'],
      ['secret-timeout.mjs', '--reps', '2'],
    ]
  : [
      ['kernel-probe.mjs'],
      ['fusion-width.mjs', '--qubits', '24', '--reps', '2'],
      ['bandwidth.mjs', '--qubits', '26'],
      ['sampling.mjs'],
      ['native-vs-ts.mjs', '--min', '16', '--max', '24', '--native-max', '28', '--layers', '4'],
      ['libquantum.mjs', '--min', '16', '--max', '22'],
      ['quantum-circuit.mjs', '--min', '8', '--max', '16'],
      ['qsharp.mjs', '--min', '12', '--max', '18'],
      ['memory.mjs', '--qubits', '29'],
      ['gateway-latency.mjs'],
      ['vendor-latency.mjs'],
      ['event-loop.mjs'],
      ['qasm-parse.mjs'],
      ['secret-timeout.mjs'],
    ];
// The SPANK shim's overhead needs a running dev cluster (npm run dev-cluster -- up), and root.
const clusterEnv = process.env.QPU_DEV_CLUSTER_ENV ?? fileURLToPath(new URL('../.dev-cluster/env', import.meta.url));
if (existsSync(clusterEnv)) runs.push(['gateway-start.mjs', '--runs', quick ? '3' : '10'], ['spank-overhead.mjs']);
else console.log(`# spank-overhead.mjs skipped: no dev cluster (${clusterEnv} missing; start one with npm run dev-cluster -- up)`);

let failed = 0;
for (const [script, ...args] of runs) {
  console.log(`\n# ${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${here}${script}`, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`# ${script} exited with ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
