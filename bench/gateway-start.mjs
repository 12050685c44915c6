// What one job gateway costs to start, as the hook starts it (src/gateway/launch.ts, from the
// built dist/): the launch on the hook's side, the time until it answers its first call, and the CPU
// it took to get there — beside a bare `node -e 0` in the same run. Every QPU job on a node starts
// one, on the node's own cores, so its CPU is what the job's neighbours pay (docs/performance.md,
// "QPU job start").
//
//   npm run build:ts && node bench/gateway-start.mjs [--runs 10]
//
// Needs root and the unprivileged service user `qpu-gateway` (the dev cluster creates it).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { flags, fmt, machine, table } from './lib/report.mjs';

const opts = flags({ runs: 10 });
const dist = new URL('../dist/', import.meta.url);
const { prepareGateway, stopGateway } = await import(new URL('gateway/launch.js', dist).href);
const { GatewayClient } = await import(new URL('backends/job-gateway/client.js', dist).href);
const { mintToken } = await import(new URL('gateway/token.js', dist).href);

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
const rows = { node: [], nodeCpu: [], launch: [], first: [], gatewayCpu: [] };
try {
  for (let i = 0; i < opts.runs + 1; i++) {
    const jobId = 900_000 + i;
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
    const record = await (await prepareGateway(options)).launch();
    const t1 = performance.now();
    const client = new GatewayClient(record.endpoint, options.token);
    await client.backends();
    const t2 = performance.now();
    const cpu = cpuMs(record.pid);
    await client.close();
    await stopGateway(record);
    const n0 = performance.now();
    const node = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.cpuUsage().user + process.cpuUsage().system))'], { encoding: 'utf8' });
    const n1 = performance.now();
    if (i === 0) continue; // warm-up: page cache
    rows.launch.push(t1 - t0);
    rows.first.push(t2 - t1);
    rows.gatewayCpu.push(cpu);
    rows.node.push(n1 - n0);
    rows.nodeCpu.push(Number(node.stdout) / 1000);
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}

table(`Job gateway start, median of ${opts.runs} (${machine()}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`, ['what', 'wall ms', 'CPU ms'], [
  ['node -e 0 (its own CPU at exit)', fmt.ms(median(rows.node)), fmt.ms(median(rows.nodeCpu))],
  ['gateway launch, on the hook side (spawn, record, configuration)', fmt.ms(median(rows.launch)), '—'],
  ['gateway: launch returned → first call answered (sim backend)', fmt.ms(median(rows.first)), fmt.ms(median(rows.gatewayCpu))],
]);
console.log('\nThe gateway CPU column is its utime+stime when it has answered (10 ms clock ticks).');
console.log('reproduce: npm run build:ts && node bench/gateway-start.mjs --runs', opts.runs);
