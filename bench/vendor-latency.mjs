// What the job gateway adds in front of a vendor: the same Bell Sampler job sent to the IBM Quantum
// Compute Service contract fake (loopback, no queue delay) directly — IAM token once, POST /v1/jobs,
// poll the job on the gateway's own schedule, GET the results — and through a gateway process with an
// `ibm-quantum-compute-service` backend (OpenQASM 3 printed from the prepared PUBs, the fit check, the
// result decoded into the project's model and sent back). Both poll with the same policy, so the
// difference is the gateway's own work. `--vendor iqm` does the same against the IQM Server fake
// (direct: POST /api/v1/jobs/{qc}/circuit with the Bell pair in prx/cz, poll, GET measurements;
// through the gateway: an `iqm-server` backend, which also translates the circuit); `--vendor qristal`
// against the fake QB device (test/fakes/qristal/: native Rx/Ry/CZ circuits posted and polled
// directly, or a `qristal` backend in the gateway, which rewrites the circuit); `--vendor pasqal` a
// Pulser sequence (two atoms, one pi pulse) on the Pasqal Cloud fake: client-credentials token once,
// a batch, its status, its results through the presigned link, against `qrun run`'s `native` task
// through the gateway. Run with tsx:
//   node --import tsx bench/vendor-latency.mjs [--vendor ibm|iqm|qristal|pasqal] [--calls 40] [--shots 64]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient } from '../src/backends/job-gateway/client.js';
import { samplerPayload } from '../src/backends/job-gateway/encode-params.js';
import { DEFAULT_POLL, pollDelay } from '../src/backends/remote/index.js';
import { parseSamplerParams } from '../src/primitives/payload.js';
import { startIbmComputeFake } from '../test/fakes/ibm-quantum-compute/index.js';
import { startIqmServerFake } from '../test/fakes/iqm-server/index.js';
import { FIXTURES, startPasqalCloudFake } from '../test/fakes/pasqal-cloud/index.js';
import { startQristalFake } from '../test/fakes/qristal/index.js';
import { startGatewayProcess } from './lib/gateway-process.mjs';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ calls: 40, shots: 64, vendor: 'ibm' });
const VENDORS = { ibm: ibmVendor, iqm: iqmVendor, qristal: qristalVendor, pasqal: pasqalVendor };
if (!Object.hasOwn(VENDORS, opts.vendor)) throw new Error(`--vendor ${opts.vendor}: give ${Object.keys(VENDORS).join(', ')}`);
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

/** IBM's Qiskit Runtime API: the fake, a direct client as qiskit-ibm-runtime would be, the gateway's backend. */
async function ibmVendor() {
  const fake = await startIbmComputeFake({ queueDelayMs: 0, runDelayMs: 0 });
  const device = fake.devices[0].name;
  const origin = new URL(fake.url).origin;
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
  return {
    label: 'the IBM Compute Service fake',
    directClient,
    backend: { name: 'ibm', type: 'ibm-quantum-compute-service', secretRequired: true, secret: fake.apiKey, settings: { endpoint: `${origin}/api`, auth_endpoint: fake.iamUrl, instance: fake.instance, device, session: 'none' } },
    close: () => fake.close(),
  };
}

/** IQM Server: the fake, a direct client as iqm-client would be (the circuit already native), the gateway's backend. */
async function iqmVendor() {
  const fake = await startIqmServerFake({ queueDelayMs: 0, runDelayMs: 0 });
  const device = fake.computers[0].alias;
  const prx = (qb, angle, phase) => ({ name: 'prx', locus: [qb], args: { angle, phase }, implementation: null });
  const bell = [prx('QB1', Math.PI / 2, Math.PI / 2), prx('QB2', Math.PI / 2, Math.PI / 2), { name: 'cz', locus: ['QB1', 'QB2'], args: {}, implementation: null }, prx('QB2', -Math.PI / 2, Math.PI / 2), { name: 'measure', locus: ['QB1', 'QB2'], args: { key: 'm' }, implementation: null }];
  async function directClient() {
    const headers = { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' };
    const api = `${fake.url}/api/v1`;
    return async () => {
      const body = JSON.stringify({ circuits: [{ name: 'bell', instructions: bell, metadata: null }], shots: opts.shots, calibration_set_id: null, qubit_mapping: null });
      const job = await (await fetch(`${api}/jobs/${device}/circuit?use_timeslot=false`, { method: 'POST', headers, body })).json();
      for (let attempt = 0; ; attempt++) {
        await sleep(pollDelay(DEFAULT_POLL, attempt));
        const state = await (await fetch(`${api}/jobs/${job.id}`, { headers })).json();
        if (state.status === 'completed') break;
        if (state.status === 'failed' || state.status === 'cancelled') throw new Error(`job ${job.id}: ${state.status}`);
      }
      return (await fetch(`${api}/jobs/${job.id}/artifacts/measurements`, { headers })).text();
    };
  }
  return {
    label: 'the IQM Server fake',
    directClient,
    backend: { name: 'iqm', type: 'iqm-server', secretRequired: true, secret: fake.token, settings: { endpoint: fake.url, device } },
    close: () => fake.close(),
  };
}

/** The fake QB device: native circuits posted and polled as Qristal's client does, or a `qristal` backend. */
async function qristalVendor() {
  // Circuits take 200 ms: both paths find them running at the first poll and done at the second.
  const fake = await startQristalFake({ runDelayMs: 200, qubits: 2 });
  const native = ['Ry(q[0],1.5707963268)', 'Rx(q[0],3.1415926536)', 'Ry(q[1],1.5707963268)', 'Rx(q[1],3.1415926536)', 'CZ(q[0],q[1])', 'Ry(q[1],1.5707963268)', 'Rx(q[1],3.1415926536)'];
  const headers = { 'content-type': 'application/json', accept: '*/*' };
  async function directClient() {
    return async () => {
      const body = JSON.stringify({ command: 'circuit', settings: { shots: opts.shots, results: 'normal', shot_fulfilment_strategy: 'exact' }, init: [0, 0], circuit: native, measure: [[0, 0], [1, 1]] });
      const { id } = await (await fetch(`${fake.url}/api/v1/circuits`, { method: 'POST', headers, body })).json();
      // As the gateway's executor does: ask at once, then wait more and more between polls.
      for (let attempt = 0; ; attempt++) {
        const reply = await fetch(`${fake.url}/api/v1/circuits/${id}`, { headers });
        if (reply.status === 200) return reply.json();
        await reply.text();
        if (reply.status !== 425) throw new Error(`circuit ${id}: HTTP ${reply.status}`);
        await sleep(pollDelay(DEFAULT_POLL, attempt));
      }
    };
  }
  return {
    label: 'the fake QB device',
    directClient,
    backend: { name: 'qb', type: 'qristal', secretRequired: false, settings: { endpoint: fake.url, model: 'QB-QDK2-CZ', shot_topups: 3 } },
    close: () => fake.close(),
  };
}

/** Pasqal Cloud: a Pulser batch direct (token once; batch, status, results link) or a `native` task. */
async function pasqalVendor() {
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
  return {
    label: 'the Pasqal Cloud fake (a Pulser pi-pulse batch, 2 atoms)',
    directClient,
    backend: {
      name: 'pasqal',
      type: 'pasqal-cloud',
      secretRequired: true,
      secret: fake.clientSecret,
      settings: { endpoint: fake.url, auth_endpoint: fake.tokenUrl, audience: fake.audience, client_id: fake.clientId, project_id: fake.projectId, device: 'FRESNEL' },
    },
    // Analog: `qrun run`'s vendor-native task, not a Sampler.
    task: () => ({ program_id: 'native', backend: 'pasqal', params: native, options: { shots: opts.shots } }),
    close: () => fake.close(),
  };
}

const vendor = await VENDORS[opts.vendor]();
const gateway = await startGatewayProcess([vendor.backend]);
try {
  const direct = await vendor.directClient();
  const client = new GatewayClient(gateway.endpoint, gateway.token, { connections: 1 });
  const viaGateway = (i) => client.run(vendor.task?.(i) ?? { program_id: 'sampler', backend: vendor.backend.name, params: payload, options: { shots: opts.shots, seed: i } });
  const d = await latencies(direct, opts.calls);
  const g = await latencies(viaGateway, opts.calls);
  await client.close();
  table(
    `${vendor.task ? 'Native task' : 'Bell Sampler job'} (${opts.shots} shots) on ${vendor.label}, latency in ms over ${opts.calls} jobs (${machine()})`,
    ['path', 'p50', 'p99', 'added p50', 'added p99'],
    [
      ['direct to the fake (token once; submit, poll, results)', fmt.ms(d.p50), fmt.ms(d.p99), '-', '-'],
      ['through the job gateway (qrun/library client → gateway → fake)', fmt.ms(g.p50), fmt.ms(g.p99), fmt.ms(g.p50 - d.p50), fmt.ms(g.p99 - d.p99)],
    ],
  );
  console.log(`\nboth poll with the gateway's policy (first poll after ${DEFAULT_POLL.initialMs} ms, x${DEFAULT_POLL.factor}, at most ${DEFAULT_POLL.maxMs} ms); gateway: ${gateway.script}`);
} finally {
  await gateway.stop();
  await vendor.close();
}
reproduce('vendor-latency.mjs', [`--vendor ${opts.vendor}`, `--calls ${opts.calls}`, `--shots ${opts.shots}`]);
