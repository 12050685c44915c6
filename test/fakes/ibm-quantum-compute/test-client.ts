/** A small fetch-based client for the fake's own tests: what any HTTP client would send. */
import type { IbmComputeFake } from './index.js';

export const BELL_QASM = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] meas;\nh q[0];\ncx q[0], q[1];\nmeas = measure q;\n';
export const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';

export async function requestToken(fake: IbmComputeFake, apikey = fake.apiKey): Promise<Response> {
  return fetch(`${fake.iamUrl}/identity/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: APIKEY_GRANT, apikey }),
  });
}

export async function accessToken(fake: IbmComputeFake): Promise<string> {
  const res = await requestToken(fake);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface Api {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  token: string;
}

/** Calls the Runtime API with a fresh token and the instance CRN, as IBM's clients do. */
export async function api(fake: IbmComputeFake): Promise<Api> {
  const token = await accessToken(fake);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'service-crn': fake.instance,
        'ibm-api-version': '2026-04-15',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return Object.assign(call, { token });
}

export function samplerJob(backend = 'ibm_loopback', extra: Record<string, unknown> = {}, shots = 100): Record<string, unknown> {
  return { program_id: 'sampler', backend, params: { pubs: [[BELL_QASM, null, shots]], version: 2, support_qiskit: true }, ...extra };
}

export async function submit(call: Api, body: Record<string, unknown> = samplerJob()): Promise<string> {
  const res = await call('POST', '/jobs', body);
  if (res.status !== 200) throw new Error(`POST /jobs answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Polls a job until it reaches one of `states` (the fake's clock decides when). */
export async function waitForStatus(call: Api, id: string, states: readonly string[]): Promise<Record<string, unknown>> {
  for (;;) {
    const job = (await (await call('GET', `/jobs/${id}`)).json()) as Record<string, unknown> & { state: { status: string } };
    if (states.includes(job.state.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
