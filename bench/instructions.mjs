// Instructions per amplitude of the native gate kernels under callgrind: a count, not a time, so it
// is the same on a quiet and on a loaded machine and a kernel that got slower shows as a larger
// number. The harness (bench/peers/kernel-instructions.cc) prepares each gate as the addon does and
// applies it on one thread to a 2^14-amplitude state.
//
//   npm run bench:instructions
//
// Needs valgrind: where it is missing and this runs as root on Debian, it installs the pinned
// package (apt-get install valgrind=1:3.19.0-1, Debian 12's); elsewhere it says what to install.
// Valgrind's CPU has no AVX-512, so the AVX2 and baseline kernels are counted (the AVX-512 ones
// are the same code on wider vectors).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPeer } from './lib/peers.mjs';
import { machine, table } from './lib/report.mjs';

const VALGRIND = 'valgrind=1:3.19.0-1';

function ensureValgrind() {
  if (spawnSync('valgrind', ['--version']).status === 0) return true;
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0) {
    console.log(`valgrind is missing: apt-get install -y ${VALGRIND}`);
    const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', VALGRIND], { stdio: 'inherit' });
    if (r.status === 0) return true;
  }
  console.log(`instructions skipped: valgrind is not installed (as root on Debian 12: apt-get install -y ${VALGRIND})`);
  return false;
}

if (!ensureValgrind()) process.exit(1);

const native = fileURLToPath(new URL('../native/', import.meta.url));
// The error class without N-API (bench/peers/include/common/errors.h) comes first on the include path.
const peersInclude = fileURLToPath(new URL('./peers/include/', import.meta.url));
const exe = buildPeer('kernel-instructions', {
  cxx: true,
  sources: ['kernel-instructions.cc', ...['kernels.cc', 'kernels_generic.cc', 'kernels_avx2.cc', 'kernels_avx512.cc', 'statevector.cc', 'memory.cc', 'thread_pool.cc'].map((f) => `${native}sim/${f}`)],
  flags: ['-std=gnu++17', '-ffp-contract=fast', '-fno-math-errno', '-Wno-psabi', '-g', '-pthread', `-I${peersInclude}`, `-I${native}`, `-I${native}sim`],
});

const isas = ['avx2', 'generic'];
const counts = new Map(); // label -> { kernel, [isa]: instructions per amplitude }, in the harness's order
for (const isa of isas) {
  const dir = mkdtempSync(join(tmpdir(), 'qrun-callgrind-'));
  const r = spawnSync('valgrind', ['--tool=callgrind', '--collect-atstart=no', `--callgrind-out-file=${dir}/cg.out`, exe, isa], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`${isa}: the harness failed under valgrind:\n${r.stderr.slice(-2000)}`);
    continue;
  }
  const shape = new Map();
  for (const line of r.stdout.trim().split('\n').slice(1)) {
    const [label, amps, reps, kernel] = line.split('\t');
    shape.set(label, { amps: Number(amps), reps: Number(reps), kernel });
    if (!counts.has(label)) counts.set(label, { kernel });
  }
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    const label = /^desc: Trigger: Client Request: (.*)$/m.exec(text)?.[1];
    const total = Number(/^(?:totals|summary): (\d+)/m.exec(text)?.[1]);
    const s = label === undefined ? undefined : shape.get(label);
    if (s === undefined) continue;
    counts.get(label)[isa] = total / (s.amps * s.reps);
  }
  rmSync(dir, { recursive: true, force: true });
}

table(`instructions per amplitude, one application on 2^14 amplitudes, callgrind (${machine()})`, ['gate', 'kernel', ...isas],
  [...counts].map(([label, row]) => [label, row.kernel, ...isas.map((i) => (row[i] === undefined ? '–' : row[i].toFixed(2)))]));
console.log('\nreproduce: npm run bench:instructions');
