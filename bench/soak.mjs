// Soak: many QPU jobs on the dev cluster with random faults at random points, then a count of what
// leaked. Not part of CI. Needs root and a running dev cluster (sudo npm run dev-cluster -- up), and
// dist/ built (npm run build:ts): the cluster runs the handler from dist/.
//
//   node --import tsx bench/soak.mjs [--jobs 1000] [--minutes 0] [--concurrency 6] [--ibm 0.2] [--seed 1]
//
// Each job is a sim job (`qrun sample` of a Bell pair) or, with probability --ibm, an IBM job on the
// contract fake (run in this process); each gets one fault, drawn at random: none, the handler
// killed at a random fault point of acquire or release, its gateway SIGKILLed while it runs, or
// scancel at a random moment (pending, starting, running). A sampler reads the node's lane files
// every 200 ms: lanes in use must never exceed the lanes the catalogue gives. At the end, after the
// queue drains and one reap (what the next QPU job's acquire would do), it counts leases, lanes and
// gateway directories left, vendor sessions left open at the fake, and jobs released twice.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterPaths, REPO_ROOT } from '../src/devcluster/paths.js';
import { gatewayDir } from '../src/gateway/launch.js';
import { FAULT_DIR, FAULT_POINTS } from '../src/hook/faults.js';
import { startIbmComputeFake } from '../test/fakes/ibm-quantum-compute/index.js';
import { flags, machine, table } from './lib/report.mjs';

const opts = flags({ jobs: 1000, minutes: 0, concurrency: 6, ibm: 0.2, seed: 1 });
const QRUN = join(REPO_ROOT, 'bin', 'qrun.js');
const BELL = join(REPO_ROOT, 'examples', 'bell.json');

// A small seeded generator: a run can be repeated.
let state = opts.seed >>> 0 || 1;
function random() {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
}
const pick = (items) => items[Math.floor(random() * items.length)];

function readEnv() {
  const file = clusterPaths().envFile;
  if (!existsSync(file)) throw new Error(`no dev cluster (${file}); start one: sudo npm run dev-cluster -- up`);
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return vars;
}

const cluster = readEnv();
const stateDir = cluster.QPU_DEV_CLUSTER_QPU_STATE;
const jobsDir = cluster.QPU_DEV_CLUSTER_JOBS;
const user = cluster.QPU_DEV_CLUSTER_TEST_USER ?? 'qputest';
const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', SLURM_CONF: cluster.SLURM_CONF, HOME: '/tmp' };

function sh(cmd, args, asUser = false) {
  const [c, a] = asUser ? ['runuser', ['-u', user, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => execFile(c, a, { env, cwd: jobsDir, timeout: 60_000 }, (error, stdout, stderr) => resolve({ ok: error === null, stdout, stderr })));
}

async function laneCounts() {
  const counts = {};
  const root = join(stateDir, 'lanes');
  for (const alias of await readdir(root).catch(() => [])) {
    counts[alias] = (await readdir(join(root, alias)).catch(() => [])).filter((n) => /^\d+$/.test(n)).length;
  }
  return counts;
}

async function leaseOf(id) {
  try {
    return JSON.parse(await readFile(join(stateDir, 'leases', `${id}.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

async function queueEmpty() {
  return (await sh('squeue', ['-h', '-o', '%A'])).stdout.trim() === '';
}

// The IBM fake, and the catalogue entry pointed at it for the run (restored at the end).
const catalogueFile = join(cluster.QPU_DEV_CLUSTER_RUNTIME, 'etc', 'qpu.json');
const originalCatalogue = await readFile(catalogueFile, 'utf8');
const catalogue = JSON.parse(originalCatalogue);
const lanesOf = Object.fromEntries(Object.entries(catalogue.backends).map(([alias, e]) => [alias, e.capacity.lanes]));
const port = Number(process.env.QPU_E2E_PORT_BASE ?? 6817) + 41;
const fake = await startIbmComputeFake({ port, queueDelayMs: 20 });
const keyFile = join(stateDir, '..', 'ibm-soak.key');
await writeFile(keyFile, `${fake.apiKey}\n`, { mode: 0o600 });
catalogue.backends.ibm_fake = { ...catalogue.backends.ibm_fake, endpoint: `http://127.0.0.1:${port}/api`, auth_endpoint: `http://127.0.0.1:${port}`, instance: fake.instance, secret: `file:${keyFile}` };
await writeFile(`${catalogueFile}.soak`, JSON.stringify(catalogue, null, 2), { mode: 0o644 });
await rename(`${catalogueFile}.soak`, catalogueFile);

const samples = { taken: 0, over: 0, max: {} };
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const counts = await laneCounts();
    samples.taken += 1;
    for (const [alias, n] of Object.entries(counts)) {
      samples.max[alias] = Math.max(samples.max[alias] ?? 0, n);
      if (n > (lanesOf[alias] ?? Infinity)) samples.over += 1;
    }
    await sleep(200);
  }
})();

const faults = { none: 0, handler: 0, 'gateway-kill': 0, scancel: 0 };
const ended = {};
const ids = [];
const startedAt = Date.now();
const stopAt = opts.minutes > 0 ? startedAt + opts.minutes * 60_000 : Infinity;

async function oneJob(n) {
  const ibm = random() < opts.ibm;
  const fault = pick(['none', 'none', 'handler', 'gateway-kill', 'scancel']);
  faults[fault] += 1;
  if (fault === 'handler') {
    await mkdir(join(stateDir, FAULT_DIR), { recursive: true, mode: 0o700 });
    await writeFile(join(stateDir, FAULT_DIR, pick(FAULT_POINTS)), 'kill\n', { mode: 0o600 });
  }
  const work = ibm ? 'sleep 1' : `node ${QRUN} sample ${BELL} /dev/null; sleep 1`;
  const capacity = ibm ? ['--gres=qpu:ibm_fake:1', '--q_backend=ibm_fake'] : ['--gres=qpu:sim:1', '--q_backend=sim'];
  const sub = await sh('sbatch', ['--parsable', `--chdir=${jobsDir}`, '-o', '/dev/null', '-t', '2', `-J`, `soak${n}`, ...capacity, '--wrap', work], true);
  const id = sub.stdout.trim().split(';')[0];
  if (!sub.ok || id === '') return;
  ids.push(id);
  if (fault === 'scancel') {
    await sleep(random() * 3000);
    await sh('scancel', [id]);
  }
  if (fault === 'gateway-kill') {
    for (let i = 0; i < 100; i++) {
      const lease = await leaseOf(id);
      if (lease?.state === 'held' && lease.gateway?.pid) {
        try {
          process.kill(lease.gateway.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        break;
      }
      await sleep(100);
    }
  }
  for (;;) {
    const shown = (await sh('scontrol', ['show', 'job', '-o', id])).stdout;
    const s = /JobState=(\S+)/.exec(shown)?.[1];
    if (s === undefined || /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)$/.test(s)) {
      ended[s ?? 'gone'] = (ended[s ?? 'gone'] ?? 0) + 1;
      progress();
      return;
    }
    await sleep(250);
  }
}

// A line every 50 jobs, so a run cut short still says how far it got and at what rate.
function progress() {
  const done = Object.values(ended).reduce((a, b) => a + b, 0);
  if (done % 50 !== 0) return;
  const minutes = (Date.now() - startedAt) / 60_000;
  process.stderr.write(`soak: ${done} jobs ended in ${minutes.toFixed(1)} min (${(done / minutes).toFixed(1)} jobs/min)\n`);
}

let next = 0;
await Promise.all(
  Array.from({ length: opts.concurrency }, async () => {
    while (next < opts.jobs && Date.now() < stopAt) {
      const n = next++;
      await oneJob(n);
    }
  }),
);
for (let i = 0; i < 600 && !(await queueEmpty()); i++) await sleep(100);
// Epilogs finish after the job leaves the queue's running states; give them a moment, then the reap
// that the next QPU job's acquire would run.
await sleep(5000);
const reaped = await sh('node', [QRUN, 'admin', 'reap', '--json', '--state-dir', stateDir]);
sampling = false;
await sampler;

const leftLeases = (await readdir(join(stateDir, 'leases')).catch(() => [])).filter((n) => /^\d+\.json$/.test(n));
const leftLanes = Object.values(await laneCounts()).reduce((a, b) => a + b, 0);
const leftGateways = ids.filter((id) => existsSync(gatewayDir({ stateDir, jobId: Number(id) }))).length;
const openSessions = [...fake.sessions.values()].filter((s) => s.state !== 'closed').length;
const released = {};
for (const line of (await readFile(join(stateDir, 'hook.log'), 'utf8')).split('\n')) {
  if (!line.includes('"lease released"')) continue;
  const e = JSON.parse(line);
  if (ids.includes(String(e.jobId))) released[e.jobId] = (released[e.jobId] ?? 0) + 1;
}
const twice = Object.values(released).filter((n) => n > 1).length;
const armedLeft = (await readdir(join(stateDir, FAULT_DIR)).catch(() => [])).length;

await writeFile(`${catalogueFile}.soak`, originalCatalogue, { mode: 0o644 });
await rename(`${catalogueFile}.soak`, catalogueFile);
await fake.close();

const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
table(`soak: ${ids.length} QPU jobs in ${minutes} min (${machine()})`, ['measure', 'value'], [
  ['jobs submitted', ids.length],
  ['faults: none / handler killed / gateway SIGKILL / scancel', `${faults.none} / ${faults.handler} / ${faults['gateway-kill']} / ${faults.scancel}`],
  ['jobs ended as', Object.entries(ended).map(([k, v]) => `${k} ${v}`).join(', ')],
  ['capacity samples (lanes in use > lanes)', `${samples.taken} (${samples.over})`],
  ['most lanes in use at once', Object.entries(samples.max).map(([k, v]) => `${k} ${v}/${lanesOf[k]}`).join(', ')],
  ['vendor sessions opened / left open', `${fake.sessions.size} / ${openSessions}`],
  ['leases left (after one reap)', leftLeases.length],
  ['lanes left', leftLanes],
  ['gateway directories left', leftGateways],
  ['jobs released more than once', twice],
  ['armed faults never reached', armedLeft],
  ['final reap', reaped.ok ? `${(JSON.parse(reaped.stdout || '{"jobs":[]}').jobs ?? []).filter((j) => j.action === 'released').length} released` : `failed: ${reaped.stderr.trim()}`],
]);
console.log(`\nreproduce: sudo node --import tsx bench/soak.mjs --jobs ${opts.jobs} --concurrency ${opts.concurrency} --ibm ${opts.ibm} --seed ${opts.seed}`);
process.exit(samples.over === 0 && leftLeases.length === 0 && openSessions === 0 && twice === 0 ? 0 : 1);
