#!/usr/bin/env node
// Acquire+release throughput of the QPU hook handler on one node, without Slurm around it: how many
// QPU jobs per second one node's handler can take in and give back (issue #16's goal: >= 200/s).
// Each row does real work on a real state directory (lease journal with fsync, lane files, job
// locks, the hook log) and asks a stand-in `scontrol` (a shell script printing one job line,
// first on PATH) for the job's facts, so no slurmctld is needed. Rows, side by side:
//
//   in-process, no gateway   acquire()+release() of dist/hook in this process, service_user empty
//                            (the sim backend then runs in the job: nothing is started); Slurm's
//                            commands by the native addon's posix_spawn when it is built, as the
//                            hook service runs them (src/hook/service.ts)
//   in-process, gateway      the same with service_user=qpu-gateway: one gateway process per job
//   hook service             the node's resident hook service (main.js serve), asked over its
//                            socket as the shim asks it (spank/service.c): the path QPU jobs take
//   handler processes        `node dist/hook/main.js acquire|release` per job, as the shim runs it
//                            without the service (plugstack service=no, or the service gone)
//   node -e 0 / scontrol     the floor under the rows above: one Node start, one scontrol start
//
// Reproduce:  npm run -s build:ts && node bench/hook-throughput.mjs [--jobs 200] [--concurrency 1,8] [--baseline DIR]
// --baseline DIR adds the in-process and hook service rows of another built checkout (its dist/ and
// addon, e.g. the main branch's), measured in the same run beside this one's.
// Needs root (the state directory is root's; the gateway runs as qpu-gateway, created if missing).
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const jobs = Number(opt('--jobs', '200'));
const concurrencies = opt('--concurrency', '1,8').split(',').map(Number);
if (!Number.isInteger(jobs) || jobs < 4 || concurrencies.some((c) => !Number.isInteger(c) || c < 1)) {
  console.error('usage: node bench/hook-throughput.mjs [--jobs N>=4] [--concurrency 1,8]');
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('hook-throughput: needs root (a root-only state directory, a gateway as qpu-gateway)');
  process.exit(1);
}
if (spawnSync('id', ['-u', 'qpu-gateway']).status !== 0) {
  spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'qpu-gateway']);
}

const loadAtStart = loadavg();
const work = mkdtempSync(join(tmpdir(), 'qpu-hook-bench-'));
chmodSync(work, 0o755);
const bin = join(work, 'bin');
mkdirSync(bin);
// One job line as `scontrol show job -d -o <id>` prints it on Slurm 22.05, for whatever id is asked.
writeFileSync(
  join(bin, 'scontrol'),
  '#!/bin/sh\n' +
    'id="$5"\n' +
    'echo "JobId=$id JobName=bench UserId=root(0) GroupId=root(0) JobState=RUNNING TimeLimit=00:10:00 EndTime=1900000000 ' +
    'NodeList=bench NumNodes=1 JOB_GRES=qpu:sim:1   Nodes=bench CPU_IDs=0 Mem=0 GRES=qpu:sim(CNT:1) Licenses=(null)"\n',
  { mode: 0o755 },
);
const catalogue = join(work, 'qpu.json');
// Lanes enough for every job in flight: this measures the handler, not a queue for lanes.
writeFileSync(catalogue, JSON.stringify({ version: 1, backends: { sim: { type: 'sim', capacity: { gres: 'sim', lanes: 64 }, metadata: { num_qubits: 8 } } } }));
const env = { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`, SLURM_CONF: '/nonexistent/slurm.conf' };

/** The hook of one checkout (its dist/ and native addon): this one, or a --baseline to compare with. */
async function hookOf(checkout) {
  const dist = (path) => pathToFileURL(join(checkout, 'dist', path)).href;
  const { useCommandRunner } = await import(dist('process/run-captured.js'));
  const { nativeCommandRunner } = await import(dist('native/spawn.js'));
  const runner = nativeCommandRunner(checkout);
  if (runner !== null) useCommandRunner(runner);
  return {
    checkout,
    main: join(checkout, 'dist', 'hook', 'main.js'),
    spawn: runner === null ? 'fork (the native addon is not built)' : 'posix_spawn (the native addon)',
    ...(await import(dist('hook/acquire.js'))),
    ...(await import(dist('hook/release.js'))),
    ...(await import(dist('hook/node-deps.js'))),
    ...(await import(dist('hook/paths.js'))),
    ...(await import(dist('hook/fsutil.js'))),
    ...(await import(dist('hook/protocol.js'))),
  };
}
const baselineDir = opt('--baseline', undefined);
const hooks = [await hookOf(root), ...(baselineDir === undefined ? [] : [await hookOf(resolve(baselineDir))])];
const { PROTOCOL_VERSION } = hooks[0];

let nextJob = 1;
function request(action, jobId, stateDir, serviceUser) {
  return {
    version: PROTOCOL_VERSION,
    action,
    jobId,
    stepId: action === 'acquire' ? 0xfffffffb : 0xffffffff,
    uid: 0,
    gid: 0,
    backends: action === 'acquire' ? ['sim'] : [],
    config: catalogue,
    stateDir,
    serviceUser,
    timeoutSeconds: 30,
    hostname: 'bench',
  };
}
const wire = (r) => JSON.stringify({ version: r.version, action: r.action, job_id: r.jobId, step_id: r.stepId, uid: r.uid, gid: r.gid, backends: r.backends, config: r.config, state_dir: r.stateDir, service_user: r.serviceUser, timeout: r.timeoutSeconds, hostname: r.hostname });

async function inProcess(hook, stateDir, serviceUser) {
  const paths = hook.statePaths(stateDir);
  await hook.ensurePrivateDir(paths.root);
  const deps = await hook.nodeHookDeps({ paths, env, timeoutSeconds: 30, bindings: { action: 'bench' } });
  return async () => {
    const jobId = nextJob++;
    const got = await hook.acquire(request('acquire', jobId, stateDir, serviceUser), deps);
    if (!got.ok) throw new Error(`acquire refused: ${got.message}`);
    const gave = await hook.release(request('release', jobId, stateDir, serviceUser), deps);
    if (!gave.ok) throw new Error(`release failed: ${gave.message}`);
  };
}

function runProcess(command, argv, input) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, argv, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${command} ${argv.join(' ')} exited ${code}: ${err}`))));
    if (input !== undefined) child.stdin.end(input);
  });
}

function handlerProcesses(stateDir, serviceUser) {
  const { main } = hooks[0];
  return async () => {
    const jobId = nextJob++;
    const got = await runProcess(process.execPath, [main, 'acquire'], wire(request('acquire', jobId, stateDir, serviceUser)));
    if (!/^qpu-reply \d+ ok/.test(got)) throw new Error(`acquire: ${got}`);
    const gave = await runProcess(process.execPath, [main, 'release'], wire(request('release', jobId, stateDir, serviceUser)));
    if (!/^qpu-reply \d+ ok/.test(gave)) throw new Error(`release: ${gave}`);
  };
}

/** One call as the shim makes it to the node's hook service (spank/service.c): connect, send, half-close, read to EOF. */
function askService(socket, body) {
  return new Promise((resolvePromise, reject) => {
    const client = connect(socket);
    let out = '';
    client.on('connect', () => client.end(body));
    client.on('data', (d) => (out += d));
    client.on('error', reject);
    client.on('close', () => resolvePromise(out));
  });
}

const services = [];

/** The resident hook service (main.js serve, as slurmd's start runs it) on its own state directory. */
async function hookService(hook, stateDir, serviceUser) {
  const { main } = hook;
  const start = { ...request('reap', 0, stateDir, serviceUser), backends: [] };
  const body = (r) => JSON.stringify({ ...JSON.parse(wire(r)), handler: main, service: true, caller_pid: process.pid });
  const keeper = spawn(process.execPath, [main, 'serve'], { env, stdio: ['pipe', 'ignore', 'inherit'], detached: true });
  keeper.stdin.end(body(start));
  services.push(keeper);
  const socket = join(stateDir, 'hook.sock');
  for (let i = 0; ; i++) {
    if ((await askService(socket, body(start)).catch(() => '')).startsWith('qpu-reply')) break;
    if (i > 400) throw new Error(`the hook service on ${stateDir} did not answer`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return async () => {
    const jobId = nextJob++;
    const got = await askService(socket, body(request('acquire', jobId, stateDir, serviceUser)));
    if (!/^qpu-reply \d+ ok/.test(got)) throw new Error(`acquire: ${got}`);
    const gave = await askService(socket, body(request('release', jobId, stateDir, serviceUser)));
    if (!/^qpu-reply \d+ ok/.test(gave)) throw new Error(`release: ${gave}`);
  };
}

async function measure(makeJob, count, concurrency) {
  const job = await makeJob();
  await job(); // warm: catalogue cache, module loads
  let left = count;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await job();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: count / seconds, msPerJob: (seconds * 1000) / count };
}

const rows = [];
const fresh = (name) => join(work, `${name}-${nextJob}`);
const processJobs = Math.max(4, Math.floor(jobs / 5));
for (const c of concurrencies) {
  for (const [i, hook] of hooks.entries()) {
    const tag = i === 0 ? '' : ' (baseline)';
    rows.push([`in-process, no gateway${tag}`, c, jobs, await measure(() => inProcess(hook, fresh('a'), ''), jobs, c)]);
    rows.push([`in-process, gateway${tag}`, c, processJobs, await measure(() => inProcess(hook, fresh('b'), 'qpu-gateway'), processJobs, c)]);
    rows.push([`hook service, no gateway${tag}`, c, jobs, await measure(() => hookService(hook, fresh('e'), ''), jobs, c)]);
    rows.push([`hook service, gateway${tag}`, c, processJobs, await measure(() => hookService(hook, fresh('f'), 'qpu-gateway'), processJobs, c)]);
  }
  rows.push(['handler processes, no gateway', c, processJobs, await measure(async () => handlerProcesses(fresh('c'), ''), processJobs, c)]);
  rows.push(['handler processes, gateway', c, processJobs, await measure(async () => handlerProcesses(fresh('d'), 'qpu-gateway'), processJobs, c)]);
  rows.push(['floor: 2x node -e 0', c, processJobs, await measure(async () => async () => {
    await runProcess(process.execPath, ['-e', '0']);
    await runProcess(process.execPath, ['-e', '0']);
  }, processJobs, c)]);
  rows.push(['floor: 1x scontrol stand-in', c, jobs, await measure(async () => () => runProcess(join(bin, 'scontrol'), ['show', 'job', '-d', '-o', '1']), jobs, c)]);
}

const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`QPU hook acquire+release on one node (${process.version}, ${cpus().length} cores); jobs/s, higher is better`);
console.log(`load average (1, 5, 15 min) at the start ${load(loadAtStart)}, at the end ${load(loadavg())}`);
for (const [i, hook] of hooks.entries()) console.log(`${i === 0 ? 'this checkout' : 'baseline'} ${hook.checkout}: in-process rows run Slurm's commands by ${hook.spawn}`);
console.log(`${'what'.padEnd(43)} ${'conc'.padStart(4)} ${'jobs'.padStart(5)} ${'jobs/s'.padStart(8)} ${'ms/job'.padStart(8)}`);
for (const [what, c, n, r] of rows) {
  console.log(`${what.padEnd(43)} ${String(c).padStart(4)} ${String(n).padStart(5)} ${r.perSecond.toFixed(1).padStart(8)} ${r.msPerJob.toFixed(2).padStart(8)}`);
}
console.log(`\nreproduce: npm run -s build:ts && node bench/hook-throughput.mjs --jobs ${jobs} --concurrency ${concurrencies.join(',')}${baselineDir === undefined ? '' : ` --baseline ${baselineDir}`}`);
for (const keeper of services) keeper.kill('SIGTERM');
await new Promise((r) => setTimeout(r, 500));
rmSync(work, { recursive: true, force: true });
