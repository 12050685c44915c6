// What the job gateway adds to a small Sampler call: the same Bell-circuit call in-process and
// through a gateway process on a Unix socket (p50, p99), and calls/s with 8 concurrent clients.
// Targets (issue 6): <= 1 ms added at p50, >= 2,000 calls/s. Run with tsx so the sources load:
//   node --import tsx bench/gateway-latency.mjs [--calls 2000] [--seconds 3] [--clients 8] [--shots 16]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GatewayClient } from '../src/backends/job-gateway/client.js';
import { samplerPayload } from '../src/backends/job-gateway/encode-params.js';
import { parseSamplerParams } from '../src/primitives/payload.js';
import { runSampler } from '../src/primitives/run.js';
import { startGatewayProcess } from './lib/gateway-process.mjs';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ calls: 2000, seconds: 3, clients: 8, shots: 16 });
const root = new URL('..', import.meta.url).pathname;
const params = parseSamplerParams(JSON.parse(readFileSync(join(root, 'examples', 'bell.json'), 'utf8')));
const payload = samplerPayload(params);

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function latencies(call, n) {
  for (let i = 0; i < Math.min(200, n); i++) await call(i); // warm-up: JIT, connections
  const times = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    times[i] = performance.now() - t0;
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function throughput(makeCall, clients, seconds) {
  const calls = await Promise.all(Array.from({ length: clients }, (_, c) => makeCall(c)));
  for (const call of calls) for (let i = 0; i < 20; i++) await call(i);
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    calls.map(async (call) => {
      for (let i = 0; performance.now() < until; i++) {
        await call(i);
        done++;
      }
    }),
  );
  return done / seconds;
}

const gateway = await startGatewayProcess([{ name: 'sim', type: 'sim', metadata: { num_qubits: 20 } }]);
try {
  const request = (i) => ({ program_id: 'sampler', params: payload, options: { shots: opts.shots, seed: i } });
  const local = (i) => runSampler(params, { shots: opts.shots, seed: i });
  const client = new GatewayClient(gateway.endpoint, gateway.token, { connections: 1 });
  const remote = (i) => client.run(request(i));
  const env = { QRUN_ENDPOINT: gateway.endpoint, QRUN_TOKEN: gateway.token, QRUN_BACKENDS: 'sim' };
  const seam = (i) => runSampler(params, { env, shots: opts.shots, seed: i });

  const inProcess = await latencies(local, opts.calls);
  const viaGateway = await latencies(remote, opts.calls);
  const viaSeam = await latencies(seam, Math.min(opts.calls, 1000));
  table(
    `small Sampler call (Bell, ${opts.shots} shots): latency in ms over ${opts.calls} calls (${machine()})`,
    ['path', 'p50', 'p99', 'added p50', 'added p99'],
    [
      ['in-process (runSampler, local engine)', fmt.ms(inProcess.p50), fmt.ms(inProcess.p99), '-', '-'],
      ['gateway, kept-alive client (POST /v1/tasks?wait)', fmt.ms(viaGateway.p50), fmt.ms(viaGateway.p99), fmt.ms(viaGateway.p50 - inProcess.p50), fmt.ms(viaGateway.p99 - inProcess.p99)],
      ['gateway via QRUN_ENDPOINT seam (client per call)', fmt.ms(viaSeam.p50), fmt.ms(viaSeam.p99), fmt.ms(viaSeam.p50 - inProcess.p50), fmt.ms(viaSeam.p99 - inProcess.p99)],
    ],
  );

  const localRate = await throughput(() => local, opts.clients, opts.seconds);
  const clients = [];
  const gatewayRate = await throughput(() => {
    const c = new GatewayClient(gateway.endpoint, gateway.token, { connections: 1 });
    clients.push(c);
    return (i) => c.run(request(i));
  }, opts.clients, opts.seconds);
  await Promise.all(clients.map((c) => c.close()));
  await client.close();
  table(
    `throughput with ${opts.clients} concurrent clients over ${opts.seconds} s`,
    ['path', 'calls/s'],
    [
      [`in-process, ${opts.clients} concurrent callers (one event loop)`, localRate.toFixed(0)],
      [`gateway process, ${opts.clients} clients (one connection each)`, gatewayRate.toFixed(0)],
    ],
  );
  console.log(`\ngateway: ${gateway.script}; targets: <= 1 ms added at p50, >= 2,000 calls/s`);
} finally {
  await gateway.stop();
}
reproduce('gateway-latency.mjs', [`--calls ${opts.calls}`, `--seconds ${opts.seconds}`, `--clients ${opts.clients}`, `--shots ${opts.shots}`]);
