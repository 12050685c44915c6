#!/usr/bin/env node
// A burst of jobs across the multi-node dev cluster, three kinds side by side in the same run:
// plain jobs (`sbatch --wrap true`), QPU jobs on a per-node GRES (`--gres=qpu:sim:1 --q_backend=sim`)
// and QPU jobs on a cluster-wide license (`-L qpu_sim_shared:1 --q_backend=sim_shared`). For each:
// jobs/s from the first submit to the last job gone from the queue (its epilog, so its release,
// done), and the lanes sampled every 20 ms on every node: the most jobs holding a lane at once (per
// node for GRES, across all nodes for the license) and the samples that saw more than the lanes.
//
// Reproduce:  npm run dev-cluster -- up --nodes 3 --catalogue test/e2e/fixtures/multinode-qpu.json
//             node bench/multinode-burst.mjs [--jobs 40] [--rounds 2]
// (QPU_DEV_CLUSTER_ENV=<env file> points it at another dev cluster.) Needs root, like the cluster.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const jobs = Number(opt('--jobs', '40'));
const rounds = Number(opt('--rounds', '2'));
if (!Number.isInteger(jobs) || jobs < 2 || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node bench/multinode-burst.mjs [--jobs N>=2] [--rounds R>=1]');
  process.exit(2);
}
const envFile = process.env.QPU_DEV_CLUSTER_ENV ?? join(root, '.dev-cluster', 'env');
if (!existsSync(envFile)) {
  console.error(`no dev cluster: ${envFile} is missing. Start one with: npm run dev-cluster -- up --nodes 3`);
  process.exit(1);
}
const vars = {};
for (const line of readFileSync(envFile, 'utf8').split('\n')) {
  const m = /^export (\w+)=(.*)$/.exec(line);
  if (m) vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
}
if (!vars.QPU_DEV_CLUSTER_NODES) {
  console.error('the dev cluster has one node; start one with: npm run dev-cluster -- up --nodes 3');
  process.exit(1);
}
const nodes = vars.QPU_DEV_CLUSTER_NODES.split(' ');
const catalogue = JSON.parse(readFileSync(join(vars.QPU_DEV_CLUSTER_RUNTIME, 'etc', 'qpu.json'), 'utf8'));
const gresLanes = catalogue.backends?.sim?.capacity?.lanes;
const licenseLanes = catalogue.backends?.sim_shared?.capacity?.lanes;
if (typeof gresLanes !== 'number' || typeof licenseLanes !== 'number') {
  console.error('the cluster catalogue needs backends sim (GRES) and sim_shared (license)');
  process.exit(1);
}
const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: '/root', SLURM_CONF: vars.SLURM_CONF };

function run(command, argv) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, argv, { env, cwd: vars.QPU_DEV_CLUSTER_JOBS, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', () => undefined);
    child.on('close', (code) => resolvePromise({ code, out }));
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function holders(node, alias) {
  const dir = join(vars.QPU_DEV_CLUSTER_NODE_DIRS, node, 'qpu', 'lanes', alias);
  let names = [];
  try {
    names = readdirSync(dir).filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  return names.map((n) => {
    try {
      return readFileSync(join(dir, n), 'utf8').trim();
    } catch {
      return '';
    }
  }).filter(Boolean);
}

const KINDS = {
  plain: { args: [], lanes: null },
  gres: { args: ['--gres=qpu:sim:1', '--q_backend=sim'], alias: 'sim', perNode: true, lanes: gresLanes },
  license: { args: ['-L', 'qpu_sim_shared:1', '--q_backend=sim_shared'], alias: 'sim_shared', perNode: false, lanes: licenseLanes },
};

async function burst(kind) {
  const spec = KINDS[kind];
  let most = 0;
  let over = 0;
  let samples = 0;
  let sampling = spec.alias !== undefined;
  const sampler = (async () => {
    while (sampling) {
      const perNode = nodes.map((n) => holders(n, spec.alias));
      const count = spec.perNode ? Math.max(...perNode.map((h) => new Set(h).size)) : new Set(perNode.flat()).size;
      most = Math.max(most, count);
      if (count > spec.lanes) over++;
      samples++;
      await sleep(20);
    }
  })();
  const started = performance.now();
  const ids = (await Promise.all(Array.from({ length: jobs }, () => run('sbatch', ['--parsable', '-t', '2', '-o', '/dev/null', ...spec.args, '--wrap', 'true'])))).map((r) => r.out.trim());
  for (;;) {
    const queue = (await run('squeue', ['-h', '-o', '%i'])).out.split('\n').map((s) => s.trim());
    if (!ids.some((id) => queue.includes(id))) break;
    await sleep(50);
  }
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  const states = await Promise.all(ids.map(async (id) => /JobState=(\S+)/.exec((await run('scontrol', ['show', 'job', '-o', id])).out)?.[1] ?? 'GONE'));
  const failed = states.filter((s) => s !== 'COMPLETED' && s !== 'GONE').length;
  return { kind, seconds, perSecond: jobs / seconds, most, over, samples, failed, lanes: spec.lanes };
}

const results = [];
for (let round = 1; round <= rounds; round++) {
  for (const kind of Object.keys(KINDS)) results.push({ round, ...(await burst(kind)) });
}
console.log(`Burst of ${jobs} jobs on the ${nodes.length}-node dev cluster (${nodes.join(' ')}), ${rounds} round(s), kinds interleaved`);
console.log(`${'round'.padEnd(5)} ${'kind'.padEnd(8)} ${'s'.padStart(6)} ${'jobs/s'.padStart(7)} ${'lanes'.padStart(6)} ${'most'.padStart(5)} ${'over'.padStart(5)} ${'samples'.padStart(8)} ${'failed'.padStart(6)}`);
for (const r of results) {
  const lanes = r.lanes === null ? '-' : `${r.lanes}${r.kind === 'gres' ? '/node' : ''}`;
  console.log(`${String(r.round).padEnd(5)} ${r.kind.padEnd(8)} ${r.seconds.toFixed(1).padStart(6)} ${r.perSecond.toFixed(2).padStart(7)} ${lanes.padStart(6)} ${(r.lanes === null ? '-' : String(r.most)).padStart(5)} ${(r.lanes === null ? '-' : String(r.over)).padStart(5)} ${(r.lanes === null ? '-' : String(r.samples)).padStart(8)} ${String(r.failed).padStart(6)}`);
}
console.log('\nmost: jobs holding a lane at once (GRES: on one node; license: across all nodes); over: samples above the lanes (must be 0)');
console.log(`reproduce: npm run dev-cluster -- up --nodes 3 --catalogue test/e2e/fixtures/multinode-qpu.json && node bench/multinode-burst.mjs --jobs ${jobs} --rounds ${rounds}`);
