#!/usr/bin/env node
// What the SPANK shim costs, measured on the dev cluster:
//
//   1. a job that does not ask for a QPU: `srun true` with spank_qpu.so loaded vs an empty
//      plugstack, interleaved in the same run (goal: ratio <= 1.05);
//   2. a QPU job: `srun --gres=qpu:sim:1 --q_backend=sim true` minus `srun true` (the added ms:
//      acquire through the node's resident hook service, and the epilog's release; beside it
//      `srun --gres=qpu:sim:1 true`, the part that is Slurm's own GRES handling) vs one
//      `node -e 0` (goal: <= 1.25x one Node start); how long after the QPU srun returned its lane
//      and its lease are gone (goal: lane <= 100 ms); and a plain `srun true` started the moment the
//      QPU srun returned, against one started after the release (goal: no wait charged to it);
//      then the same with service=no in plugstack.conf (a handler process per hook call), side by side;
//   3. a QPU job whose hook handler hangs (test/e2e/fixtures/hook-hangs.mjs, timeout=3): how long
//      after the timeout the shim has killed it and srun has failed (the e2e test checks only that
//      it fails with the timeout's message and leaves no handler behind).
//
// Reproduce:  npm run dev-cluster -- up && node bench/spank-overhead.mjs [--runs 30]
// (QPU_DEV_CLUSTER_ENV=<env file> points it at another dev cluster.) Needs root, like the cluster.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsIndex = args.indexOf('--runs');
const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 30;
if (!Number.isInteger(runs) || runs < 3) {
  console.error('usage: node bench/spank-overhead.mjs [--runs N>=3]');
  process.exit(2);
}

const envFile = process.env.QPU_DEV_CLUSTER_ENV ?? join(root, '.dev-cluster', 'env');
if (!existsSync(envFile)) {
  console.error(`no dev cluster: ${envFile} is missing. Start one with: npm run dev-cluster -- up`);
  process.exit(1);
}
const vars = {};
for (const line of readFileSync(envFile, 'utf8').split('\n')) {
  const m = /^export (\w+)=(.*)$/.exec(line);
  if (m) vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
}
const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: '/root', SLURM_CONF: vars.SLURM_CONF };
const plugstack = join(vars.QPU_DEV_CLUSTER_RUNTIME, 'etc', 'plugstack.conf');
const original = readFileSync(plugstack, 'utf8');
if (!/spank_qpu\.so/.test(original)) {
  console.error(`${plugstack} does not load spank_qpu.so; build the shim and restart the dev cluster`);
  process.exit(1);
}

function writePlugstack(text) {
  const tmp = `${plugstack}.bench-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, plugstack);
}
const restore = () => writePlugstack(original);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    restore();
    process.exit(130);
  });
}

function timed(command, argv, { fails = false } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, argv, { env, cwd: vars.QPU_DEV_CLUSTER_JOBS, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if ((result.status !== 0) !== fails) {
    restore();
    console.error(`${command} ${argv.join(' ')} ${fails ? 'should have failed but' : 'failed'} (exit ${result.status}):\n${result.stderr}`);
    process.exit(1);
  }
  return ms;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0] };
};

const plain = ['-Q', '-N1', 'true'];
const qpu = ['-Q', '-N1', '--gres=qpu:sim:1', '--q_backend=sim', 'true'];
// The same GRES without --q_backend: what Slurm's own GRES handling adds, which the plugin does not touch.
const gresOnly = ['-Q', '-N1', '--gres=qpu:sim:1', 'true'];
const samples = { gresOnly: [], plainNextGres: [], loaded: [], empty: [], qpu: [], plainLoaded: [], plainNext: [], node: [], release: [], laneFree: [], hang: [], qpuProcess: [], laneFreeProcess: [], plainNextProcess: [] };
const HANG_TIMEOUT_S = 3;
const hangRuns = Math.min(runs, 5);
const withArg = (line, key, value) => `${line.replace(new RegExp(`\\s${key}=\\S*`), '')} ${key}=${value}`;
const hanging = original
  .split('\n')
  .map((line) =>
    line.startsWith('required ')
      ? withArg(withArg(line, 'handler', join(root, 'test', 'e2e', 'fixtures', 'hook-hangs.mjs')), 'timeout', String(HANG_TIMEOUT_S))
      : line,
  )
  .join('\n');
// The same plugin line without the node's resident hook service: a handler process per hook call.
const noService = original
  .split('\n')
  .map((line) => (line.startsWith('required ') ? withArg(line, 'service', 'no') : line))
  .join('\n');
if (!existsSync(join(vars.QPU_DEV_CLUSTER_QPU_STATE, 'hook.sock'))) {
  console.error('the dev cluster runs no hook service (up --no-hook-service?): the service rows would measure handler processes');
  process.exit(1);
}
const leaseDir = join(vars.QPU_DEV_CLUSTER_QPU_STATE, 'leases');
const laneDir = join(vars.QPU_DEV_CLUSTER_QPU_STATE, 'lanes');

/** Lane files held now (lanes/<backend>/<n>), each naming its job. */
function heldLanes() {
  if (!existsSync(laneDir)) return [];
  return readdirSync(laneDir).flatMap((backend) => readdirSync(join(laneDir, backend)).filter((n) => /^[0-9]+$/.test(n)));
}

/** ms until `gone()` holds, polled every 2 ms. */
function waitUntil(gone, startedAt, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const held = gone();
    if (held.length === 0) return Number(process.hrtime.bigint() - startedAt) / 1e6;
    if (Date.now() > deadline) {
      restore();
      console.error(`${what} still held after 30 s: ${held.join(' ')}`);
      process.exit(1);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  }
}

/** ms until the QPU job's lease is gone (the release finished), so it cannot slow the next sample. */
const waitReleased = (startedAt) => waitUntil(() => (existsSync(leaseDir) ? readdirSync(leaseDir).filter((n) => n.endsWith('.json')) : []), startedAt, 'leases');
const waitLaneFree = (startedAt) => waitUntil(heldLanes, startedAt, 'lanes');

try {
  // Warm-up: page cache, munge, slurmctld's first scheduling pass, the catalogue cache.
  for (let i = 0; i < 3; i++) {
    timed('srun', plain);
    timed('srun', qpu);
    waitReleased(process.hrtime.bigint());
    timed(process.execPath, ['-e', '0']);
  }
  // 1. Non-QPU jobs, plugin loaded vs empty plugstack, interleaved so drift hits both alike.
  for (let i = 0; i < runs; i++) {
    writePlugstack(original);
    samples.loaded.push(timed('srun', plain));
    writePlugstack('# empty plugstack (bench/spank-overhead.mjs)\n');
    samples.empty.push(timed('srun', plain));
  }
  writePlugstack(original);
  // 2. QPU jobs vs plain jobs with the plugin loaded, and one Node start.
  for (let i = 0; i < runs; i++) {
    samples.qpu.push(timed('srun', qpu));
    const returned = process.hrtime.bigint();
    samples.laneFree.push(waitLaneFree(returned));
    samples.release.push(waitReleased(returned));
    samples.plainLoaded.push(timed('srun', plain));
    samples.gresOnly.push(timed('srun', gresOnly));
    samples.node.push(timed(process.execPath, ['-e', '0']));
    // The node's next job, started the moment a QPU srun returns: does it wait for the release?
    timed('srun', qpu);
    samples.plainNext.push(timed('srun', plain));
    waitReleased(process.hrtime.bigint());
    // The same after a GRES job without --q_backend: what Slurm's own end of a job charges the next one.
    timed('srun', gresOnly);
    samples.plainNextGres.push(timed('srun', plain));
  }
  // 2b. The same QPU jobs with service=no: what the resident service saves.
  writePlugstack(noService);
  for (let i = 0; i < runs; i++) {
    samples.qpuProcess.push(timed('srun', qpu));
    const returned = process.hrtime.bigint();
    samples.laneFreeProcess.push(waitLaneFree(returned));
    waitReleased(returned);
    timed('srun', qpu);
    samples.plainNextProcess.push(timed('srun', plain));
    waitReleased(process.hrtime.bigint());
  }
  writePlugstack(original);
  // 3. A hanging handler: the job fails once the shim has killed it at timeout=.
  writePlugstack(hanging);
  for (let i = 0; i < hangRuns; i++) samples.hang.push(timed('srun', qpu, { fails: true }));
  writePlugstack(original);
} finally {
  restore();
}

const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
const added = s.qpu.median - s.plainLoaded.median;
const fmt = (x) => x.toFixed(1).padStart(8);
const rows = [
  ['srun true, empty plugstack', s.empty],
  ['srun true, spank_qpu.so loaded', s.loaded],
  ['srun true (loaded, phase 2)', s.plainLoaded],
  ['srun --gres=qpu:sim:1 true (no --q_backend)', s.gresOnly],
  ['srun --gres=qpu:sim:1 --q_backend=sim true', s.qpu],
  ['node -e 0', s.node],
  ['  lane free after the QPU srun returned', s.laneFree],
  ['  release done after the QPU srun returned', s.release],
  ['srun true, started as a QPU srun returns', s.plainNext],
  ['srun true, started as a GRES-only srun returns', s.plainNextGres],
  ['srun QPU, service=no (handler processes)', s.qpuProcess],
  ['  lane free after the QPU srun returned', s.laneFreeProcess],
  ['srun true, started as a QPU srun returns', s.plainNextProcess],
  [`srun, QPU job, handler hangs (timeout=${HANG_TIMEOUT_S})`, s.hang],
];
console.log(`spank_qpu overhead, ${runs} runs each, interleaved (ms)\n`);
console.log(`${'what'.padEnd(44)}${'median'.padStart(8)}${'p90'.padStart(8)}${'min'.padStart(8)}`);
for (const [name, st] of rows) console.log(`${name.padEnd(44)}${fmt(st.median)}${fmt(st.p90)}${fmt(st.min)}`);
console.log('');
const ratio = s.loaded.median / s.empty.median;
console.log(`non-QPU srun, loaded / empty plugstack:  ${ratio.toFixed(3)}x   (goal <= 1.05x)`);
console.log(
  `QPU srun added over plain srun:          ${added.toFixed(1)} ms = ${(added / s.node.median).toFixed(2)}x node -e 0   (goal <= 1.25x)`,
);
const gresPart = s.gresOnly.median - s.plainLoaded.median;
console.log(`  of which Slurm's GRES alone:          ${gresPart.toFixed(1)} ms (srun --gres=qpu:sim:1 true, no --q_backend); the plugin's part ${(added - gresPart).toFixed(1)} ms = ${((added - gresPart) / s.node.median).toFixed(2)}x node -e 0`);
console.log(`QPU srun's lane free again:               ${s.laneFree.median.toFixed(1)} ms after srun returned (median; goal <= 100 ms)`);
console.log(
  `next plain srun right after a QPU srun:  ${(s.plainNext.median - s.plainLoaded.median).toFixed(1)} ms slower than one after the release (median; goal ~0)`,
);
console.log(
  `  after a GRES-only srun (Slurm's own):  ${(s.plainNextGres.median - s.plainLoaded.median).toFixed(1)} ms; the plugin's part ${(s.plainNext.median - s.plainNextGres.median).toFixed(1)} ms`,
);
const addedProcess = s.qpuProcess.median - s.plainLoaded.median;
console.log(
  `same with service=no (handler processes): ${addedProcess.toFixed(1)} ms = ${(addedProcess / s.node.median).toFixed(2)}x node -e 0; lane free ${s.laneFreeProcess.median.toFixed(1)} ms; next plain srun +${(s.plainNextProcess.median - s.plainLoaded.median).toFixed(1)} ms`,
);
console.log(`hanging handler: srun failed ${(s.hang.median - HANG_TIMEOUT_S * 1000).toFixed(0)} ms after the ${HANG_TIMEOUT_S} s timeout (median of ${hangRuns})`);
console.log('\nThe shim defines job_epilog (release), so slurmd execs `slurmstepd spank epilog` once per job; that');
console.log('runs after srun has returned: the lane and lease columns time it. Swapping plugstack.conf does not');
console.log("change slurmd's own copy, so the epilog exec happens in both columns of phase 1.");
console.log(`\nReproduce: npm run dev-cluster -- up && node bench/spank-overhead.mjs --runs ${runs}`);
