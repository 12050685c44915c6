/** A client that speaks the fake's protocol by hand with fetch, for the protocol-level tests. */
import { randomUUID } from 'node:crypto';
import type { IbmSystemFake } from './index.js';

export const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] meas;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\nmeas[0] = measure q[0];\nmeas[1] = measure q[1];\n';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON; undefined when empty or not JSON. */
  readonly body: unknown;
}

export async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

export async function iamLogin(fake: IbmSystemFake, apikey = fake.credentials.apiKey): Promise<Answer> {
  const form = new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey });
  return answer(await fetch(`${fake.credentials.iamEndpoint}/identity/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form }));
}

export async function client(fake: IbmSystemFake): Promise<(method: string, path: string, body?: unknown, extra?: Record<string, string>) => Promise<Answer>> {
  const login = await iamLogin(fake);
  const token = (login.body as { access_token: string }).access_token;
  return async (method, path, body, extra = {}) =>
    answer(
      await fetch(`${fake.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'service-crn': fake.credentials.serviceCrn,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...extra,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      }),
    );
}

/** A POST /v1/jobs body as qrmi builds it, with presigned URLs into the fake's bucket. */
export function jobBody(fake: IbmSystemFake, overrides: Record<string, unknown> = {}, params: unknown = { pubs: [[BELL, null, 200]], version: 2 }): Record<string, unknown> {
  const id = (overrides['id'] as string | undefined) ?? randomUUID();
  return {
    id,
    backend: 'fake_fez',
    program_id: 'sampler',
    log_level: 'info',
    timeout_secs: 600,
    params,
    storage: {
      results: { type: 's3_compatible', presigned_url: fake.storage.presign('PUT', `results_${id}.json`) },
      logs: { type: 's3_compatible', presigned_url: fake.storage.presign('PUT', `logs_${id}.json`) },
    },
    ...overrides,
  };
}

/** The API's error code, `errors[0].code`. */
export function errorCode(a: Answer): string | undefined {
  const errors = (a.body as { errors?: { code?: string }[] } | undefined)?.errors;
  return errors?.[0]?.code;
}
