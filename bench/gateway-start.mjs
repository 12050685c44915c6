// What one job gateway costs to start, as the hook starts it (src/gateway/launch.ts, from the
// built dist/): the launch on the hook's side, the time until it answers its first call, and the CPU
// it took to get there — beside a bare `node -e 0` in the same run. Every QPU job on a node starts
// one, on the node's own cores, so its CPU is what the job's neighbours pay (docs/performance.md,
// "QPU job start").
//
//   npm run build:ts && node bench/gateway-start.mjs [--runs 10] [--baseline DIR]
//
// --baseline DIR starts, alternately in the same run, the gateways of another built checkout (its
// dist/, e.g. the main branch's before a change).
// Needs root and the unprivileged service user `qpu-gateway` (the dev cluster creates it).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { flags, fmt, machine, table } from './lib/report.mjs';

const opts = flags({ runs: 10, baseline: '' });

/** One checkout's launcher, client and token minting, from its dist/. */
async function checkout(dist) {
  const { prepareGateway, startGateway, stopGateway } = await import(new URL('gateway/launch.js', dist).href);
  const { GatewayClient } = await import(new URL('backends/job-gateway/client.js', dist).href);
  const { mintToken } = await import(new URL('gateway/token.js', dist).href);
  // A checkout from before prepareGateway starts its gateway in one call.
  const launch = prepareGateway === undefined ? startGateway : async (options) => (await prepareGateway(options)).launch();
  return { launch, stopGateway, GatewayClient, mintToken };
}
const sides = [{ name: 'this checkout', code: await checkout(new URL('../dist/', import.meta.url)) }];
if (opts.baseline !== '') sides.push({ name: `baseline ${opts.baseline}`, code: await checkout(pathToFileURL(join(resolve(opts.baseline), 'dist/'))) });

try {
  execFileSync('id', ['-u', 'qpu-gateway'], { stdio: 'ignore' });
} catch {
  console.error('needs root and the service user qpu-gateway (npm run dev-cluster -- up creates it)');
  process.exit(1);
}

const base = mkdtempSync(join(tmpdir(), 'qpu-gateway-start-'));
chmodSync(base, 0o711);
mkdirSync(join(base, 'run'), { mode: 0o711 });

/** utime + stime of a process so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const node = { wall: [], cpu: [] };
for (const side of sides) Object.assign(side, { launchMs: [], firstMs: [], cpuMs: [] });

/** One gateway of `side`: launched as the hook launches it, asked once, stopped. */
async function once(side, jobId, record) {
  const { launch, stopGateway, GatewayClient, mintToken } = side.code;
  const options = {
    jobId,
    uid: 0,
    gid: 0,
    token: mintToken(jobId, 0),
    deadline: null,
    backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 8 } }],
    serviceUser: 'qpu-gateway',
    stateDir: join(base, 'state'),
    runtimeRoot: join(base, 'run'),
    logFile: join(base, 'gateway.log'),
    jobCheckSeconds: 0,
  };
  const t0 = performance.now();
  const gateway = await launch(options);
  const t1 = performance.now();
  const client = new GatewayClient(gateway.endpoint, options.token);
  await client.backends();
  const t2 = performance.now();
  const cpu = cpuMs(gateway.pid);
  await client.close();
  await stopGateway(gateway);
  if (!record) return;
  side.launchMs.push(t1 - t0);
  side.firstMs.push(t2 - t1);
  side.cpuMs.push(cpu);
}

try {
  for (let i = 0; i < opts.runs + 1; i++) {
    // Alternating, so a change of load hits every side alike; the first round warms the page cache.
    for (const [k, side] of sides.entries()) await once(side, 900_000 + 10 * i + k, i > 0);
    const n0 = performance.now();
    const bare = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.cpuUsage().user + process.cpuUsage().system))'], { encoding: 'utf8' });
    const n1 = performance.now();
    if (i === 0) continue;
    node.wall.push(n1 - n0);
    node.cpu.push(Number(bare.stdout) / 1000);
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}

table(`Job gateway start, median of ${opts.runs} (${machine()}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} at the end)`, ['what', 'wall ms', 'CPU ms'], [
  ['node -e 0 (its own CPU at exit)', fmt.ms(median(node.wall)), fmt.ms(median(node.cpu))],
  ...sides.flatMap((side) => [
    [`${side.name}: gateway launch, on the hook side`, fmt.ms(median(side.launchMs)), '—'],
    [`${side.name}: launch returned → first call answered (sim)`, fmt.ms(median(side.firstMs)), fmt.ms(median(side.cpuMs))],
  ]),
]);
console.log('\nThe gateway CPU column is its utime+stime when it has answered (10 ms clock ticks).');
console.log(`reproduce: npm run build:ts && node bench/gateway-start.mjs --runs ${opts.runs}${opts.baseline === '' ? '' : ` --baseline ${opts.baseline}`}`);
