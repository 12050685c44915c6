// What the job gateway adds in front of a vendor: the same Bell Sampler job sent to the IBM Quantum
// Compute Service contract fake (loopback, no queue delay) directly — IAM token once, POST /v1/jobs,
// poll the job on the gateway's own schedule, GET the results — and through a gateway process with an
// `ibm-quantum-compute-service` backend (OpenQASM 3 printed from the prepared PUBs, the fit check, the
// result decoded into the project's model and sent back). Both poll with the same policy, so the
// difference is the gateway's own work. `--vendor pasqal` does the same with a Pulser sequence (two
// atoms, one pi pulse) on the Pasqal Cloud fake: client-credentials token once, a batch, its status,
// its results through the presigned link, against `qrun run`'s `native` task through the gateway.
// Run with tsx so the sources load:
//   node --import tsx bench/vendor-latency.mjs [--vendor ibm|pasqal] [--calls 40] [--shots 64]
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient } from '../src/backends/job-gateway/client.js';
import { samplerPayload } from '../src/backends/job-gateway/encode-params.js';
import { DEFAULT_POLL, pollDelay } from '../src/backends/remote/index.js';
import { parseSamplerParams } from '../src/primitives/payload.js';
import { startIbmComputeFake } from '../test/fakes/ibm-quantum-compute/index.js';
import { readFileSync } from 'node:fs';
import { FIXTURES, startPasqalCloudFake } from '../test/fakes/pasqal-cloud/index.js';
import { startGatewayProcess } from './lib/gateway-process.mjs';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ calls: 40, shots: 64, vendor: 'ibm' });
// A Bell pair already in the fake device's basis (rz, sx, cz), as a transpiled circuit would be.
const H = (q) => `rz(pi/2) q[${q}]; sx q[${q}]; rz(pi/2) q[${q}];`;
const ISA_BELL = `OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] meas; ${H(0)} ${H(1)} cz q[0], q[1]; ${H(1)} meas[0] = measure q[0]; meas[1] = measure q[1];`;
const params = parseSamplerParams({ pubs: [[ISA_BELL]], version: 2 });
const payload = samplerPayload(params);

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function latencies(call, n) {
  for (let i = 0; i < 3; i++) await call(i); // warm-up: JIT, connections, the token
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function benchIbm() {
  const fake = await startIbmComputeFake({ queueDelayMs: 0, runDelayMs: 0 });
  const device = fake.devices[0].name;
  const origin = new URL(fake.url).origin;

  /** A caller of IBM's API itself, as qiskit-ibm-runtime would be: one token, then submit, poll, fetch. */
  async function directClient() {
    const form = new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: fake.apiKey });
    const iam = await (await fetch(`${fake.iamUrl}/identity/token`, { method: 'POST', body: form })).json();
    const headers = { authorization: `Bearer ${iam.access_token}`, 'service-crn': fake.instance, 'content-type': 'application/json', 'ibm-api-version': '2026-04-15' };
    return async (i) => {
      const body = JSON.stringify({ program_id: 'sampler', backend: device, params: { ...payload, shots: opts.shots, options: { simulator: { seed_simulator: i } } } });
      const job = await (await fetch(`${fake.url}/jobs`, { method: 'POST', headers, body })).json();
      for (let attempt = 0; ; attempt++) {
        await sleep(pollDelay(DEFAULT_POLL, attempt));
        const state = await (await fetch(`${fake.url}/jobs/${job.id}`, { headers })).json();
        if (state.status === 'Completed') break;
        if (state.status === 'Failed' || state.status === 'Cancelled') throw new Error(`job ${job.id}: ${state.status}`);
      }
      return (await fetch(`${fake.url}/jobs/${job.id}/results`, { headers })).text();
    };
  }

  const gateway = await startGatewayProcess([
    {
      name: 'ibm',
      type: 'ibm-quantum-compute-service',
      secretRequired: true,
      secret: fake.apiKey,
      settings: { endpoint: `${origin}/api`, auth_endpoint: fake.iamUrl, instance: fake.instance, device, session: 'none' },
    },
  ]);
  try {
    const direct = await directClient();
    const client = new GatewayClient(gateway.endpoint, gateway.token, { connections: 1 });
    const viaGateway = (i) => client.run({ program_id: 'sampler', backend: 'ibm', params: payload, options: { shots: opts.shots, seed: i } });
    const d = await latencies(direct, opts.calls);
    const g = await latencies(viaGateway, opts.calls);
    await client.close();
    table(
      `Bell Sampler job (${opts.shots} shots) on the IBM Compute Service fake, latency in ms over ${opts.calls} jobs (${machine()})`,
      ['path', 'p50', 'p99', 'added p50', 'added p99'],
      [
        ['direct to the fake (token once; submit, poll, results)', fmt.ms(d.p50), fmt.ms(d.p99), '-', '-'],
        ['through the job gateway (qrun/library client → gateway → fake)', fmt.ms(g.p50), fmt.ms(g.p99), fmt.ms(g.p50 - d.p50), fmt.ms(g.p99 - d.p99)],
      ],
    );
    console.log(`\nboth poll with the gateway's policy (first poll after ${DEFAULT_POLL.initialMs} ms, x${DEFAULT_POLL.factor}, at most ${DEFAULT_POLL.maxMs} ms); gateway: ${gateway.script}`);
  } finally {
    await gateway.stop();
    await fake.close();
  }
}

/** The same measurement for Pasqal Cloud: a Pulser payload as `qrun run` sends it. */
async function benchPasqal() {
  const fake = await startPasqalCloudFake({ queueDelayMs: 0, runDelayMs: 0 });
  const native = JSON.parse(readFileSync(new URL('pi-pulse.json', FIXTURES), 'utf8'));
  const sequence = JSON.stringify(native.sequence);
  async function directClient() {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, audience: fake.audience });
    const token = await (await fetch(fake.tokenUrl, { method: 'POST', body: form })).json();
    const headers = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
    return async () => {
      const body = JSON.stringify({ sequence_builder: sequence, jobs: [{ runs: opts.shots }], open: false, device_type: 'FRESNEL', project_id: fake.projectId });
      const batch = (await (await fetch(`${fake.coreUrl}/api/v1/batches`, { method: 'POST', headers, body })).json()).data;
      for (let attempt = 0; ; attempt++) {
        await sleep(pollDelay(DEFAULT_POLL, attempt));
        const state = (await (await fetch(`${fake.coreUrl}/api/v1/batches/${batch.id}/status`, { headers })).json()).data;
        if (state.status === 'DONE') break;
        if (['ERROR', 'CANCELED', 'TIMED_OUT'].includes(state.status)) throw new Error(`batch ${batch.id}: ${state.status}`);
      }
      const link = (await (await fetch(`${fake.coreUrl}/api/v1/jobs/${batch.jobs[0].id}/results_link`, { headers })).json()).data.results_link;
      return (await fetch(link)).json();
    };
  }
  const gateway = await startGatewayProcess([
    {
      name: 'pasqal',
      type: 'pasqal-cloud',
      secretRequired: true,
      secret: fake.clientSecret,
      settings: { endpoint: fake.url, auth_endpoint: fake.tokenUrl, audience: fake.audience, client_id: fake.clientId, project_id: fake.projectId, device: 'FRESNEL' },
    },
  ]);
  try {
    const direct = await directClient();
    const client = new GatewayClient(gateway.endpoint, gateway.token, { connections: 1 });
    const viaGateway = () => client.run({ program_id: 'native', backend: 'pasqal', params: native, options: { shots: opts.shots } });
    const d = await latencies(direct, opts.calls);
    const g = await latencies(viaGateway, opts.calls);
    await client.close();
    table(
      `Pulser pi-pulse batch (2 atoms, ${opts.shots} runs) on the Pasqal Cloud fake, latency in ms over ${opts.calls} batches (${machine()})`,
      ['path', 'p50', 'p99', 'added p50', 'added p99'],
      [
        ['direct to the fake (token once; batch, status, results link)', fmt.ms(d.p50), fmt.ms(d.p99), '-', '-'],
        ['through the job gateway (qrun run → gateway → fake)', fmt.ms(g.p50), fmt.ms(g.p99), fmt.ms(g.p50 - d.p50), fmt.ms(g.p99 - d.p99)],
      ],
    );
    console.log(`\nboth poll with the gateway's policy (first poll after ${DEFAULT_POLL.initialMs} ms, x${DEFAULT_POLL.factor}, at most ${DEFAULT_POLL.maxMs} ms); gateway: ${gateway.script}`);
  } finally {
    await gateway.stop();
    await fake.close();
  }
}

if (opts.vendor === 'pasqal') await benchPasqal();
else if (opts.vendor === 'ibm') await benchIbm();
else throw new Error(`--vendor must be ibm or pasqal, not ${opts.vendor}`);
reproduce('vendor-latency.mjs', [`--vendor ${opts.vendor}`, `--calls ${opts.calls}`, `--shots ${opts.shots}`]);
