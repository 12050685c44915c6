/**
 * IBM's own clients against the fake: when qiskit-ibm-runtime 0.51.0 or qrmi 0.26.4 (pinned in the
 * test virtualenv) cannot talk to it, the fake is wrong.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { startIbmComputeFake, type IbmComputeFake } from './index.js';
import { BELL_QASM } from './test-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const skip = pythonSkipReason();

/** Runs a script of this folder in the venv with a JSON config on stdin; resolves to its JSON output. */
function runScript(script: string, config: unknown, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython(), [join(here, script)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as Record<string, unknown>);
      else reject(new Error(`${script} exited with ${String(code)}:\n${stderr.slice(-4000)}`));
    });
    child.stdin.end(JSON.stringify(config));
  });
}

describe.skipIf(skip !== '')(`qiskit-ibm-runtime against the fake${skip === '' ? '' : ` (skipped: ${skip})`}`, () => {
  let fake: IbmComputeFake;
  let out: Record<string, unknown>;

  beforeAll(async () => {
    fake = await startIbmComputeFake({ python: venvPython(), queueDelayMs: 100 });
    // The client must ride out what IBM's edge sends now and then: one 429 with Retry-After, one 502.
    fake.fail('GET /backends/{name}/configuration', { kind: 'status', status: 429, retryAfterSeconds: 1 }, 1);
    fake.fail('GET /jobs/{id}', 502, 1);
    out = await runScript('qiskit_runtime_client.py', { url: fake.url, apiKey: fake.apiKey, instance: fake.instance, backend: 'ibm_loopback' }, fake.clientEnv());
  }, 300_000);

  afterAll(async () => {
    await fake?.close();
  });

  it('builds a BackendV2 from the configuration and properties', () => {
    expect(out['backend']).toMatchObject({ name: 'ibm_loopback', num_qubits: 5, operations: expect.arrayContaining(['cz', 'rz', 'sx', 'x', 'measure']) });
  });

  it('runs SamplerV2 on a transpiled Bell circuit and reads Bell counts', () => {
    const sampler = out['sampler'] as { status: string; counts: Record<string, number> };
    expect(sampler.status).toBe('DONE');
    expect(Object.keys(sampler.counts).sort()).toEqual(['00', '11']);
    expect(Object.values(sampler.counts).reduce((a, b) => a + b, 0)).toBe(400);
    // What arrived was QPY, as the client sends by default.
    const job = fake.jobs.get((out['sampler'] as { job_id: string }).job_id);
    expect(JSON.stringify(job?.params)).toContain('"__type__":"QuantumCircuit"');
  });

  it('runs EstimatorV2 and gives <ZZ> = 1 on the Bell state', () => {
    expect((out['estimator'] as { evs: number }).evs).toBeCloseTo(1, 1);
  });

  it('opens and closes a Batch and a Session that the fake sees', () => {
    const batch = out['batch'] as { session_id: string; job_session_id: string };
    const session = out['session'] as { session_id: string; job_session_id: string };
    expect(batch.job_session_id).toBe(batch.session_id);
    expect(session.job_session_id).toBe(session.session_id);
    expect(fake.sessions.get(batch.session_id)).toMatchObject({ mode: 'batch', acceptingJobs: false, state: 'closed', endedBy: 'patch' });
    expect(fake.sessions.get(session.session_id)).toMatchObject({ mode: 'dedicated', acceptingJobs: false, state: 'closed' });
  });

  it('cancels a job through job.cancel(), and a second cancel is the client\'s RuntimeInvalidStateError', () => {
    const cancel = out['cancel'] as { job_id: string; status: string; second: string };
    expect(fake.jobs.get(cancel.job_id)?.status).toBe('Cancelled');
    expect(cancel.status).toBe('CANCELLED');
    expect(cancel.second).toBe('RuntimeInvalidStateError');
  });

  it('lists jobs newest first', () => {
    expect((out['jobs'] as string[])[0]).toBe((out['cancel'] as { job_id: string }).job_id);
  });

  it('refuses a wrong key with the client\'s account error', () => {
    expect(out['wrong_key']).toMatchObject({ type: 'InvalidAccountError' });
    expect(fake.requests.some((r) => r.route === 'POST /identity/token' && r.status === 400)).toBe(true);
  });

  it('saw the retries it provoked, the API version header, and no secret in any URL', () => {
    const config = fake.requests.filter((r) => r.route === 'GET /backends/{name}/configuration').map((r) => r.status);
    expect(config.slice(0, 2)).toEqual([429, 200]);
    expect(fake.requests.filter((r) => r.route === 'GET /jobs/{id}').map((r) => r.status)).toContain(502);
    expect(fake.requests.find((r) => r.route === 'POST /jobs')?.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(fake.requests.filter((r) => r.route.startsWith('GET /jobs')).every((r) => r.authorization === 'Bearer' && r.serviceCrn === fake.instance)).toBe(true);
    expect(fake.secretsInUrls()).toEqual([]);
  });
});

describe.skipIf(skip !== '')(`qrmi's IBM Quantum Compute Service resource against the fake${skip === '' ? '' : ` (skipped: ${skip})`}`, () => {
  it('acquires a session, runs an OpenQASM 3 sampler task, reads its result and releases', async () => {
    const fake = await startIbmComputeFake({ queueDelayMs: 50 });
    try {
      const out = await runScript('qrmi_client.py', { url: fake.url, iamUrl: fake.iamUrl, apiKey: fake.apiKey, instance: fake.instance, backend: 'ibm_loopback', qasm: BELL_QASM }, {});
      expect(out).toMatchObject({ accessible: true, status: 'TaskStatus.Completed', released: true, target_keys: ['configuration', 'properties'] });
      const session = fake.sessions.get(String(out['acquired']));
      // release() ends the session it acquired.
      expect(session).toMatchObject({ mode: 'batch', backend: 'ibm_loopback', state: 'closed' });
      expect(fake.counts()['DELETE /sessions/{id}/close'] ?? fake.counts()['PATCH /sessions/{id}']).toBe(1);
      expect(session?.jobIds).toEqual([out['task']]);
      expect(out['result']).toMatchObject({ __type__: 'PrimitiveResult' });
      expect(fake.secretsInUrls()).toEqual([]);
    } finally {
      await fake.close();
    }
  }, 120_000);
});
