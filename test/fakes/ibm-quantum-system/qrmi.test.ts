/**
 * The fake checked against the vendor's own reading of the API: qrmi 0.26.4's IBMQuantumSystem
 * resource (Rust, aws-sdk-s3 for the bucket) from the pinned venv runs a Bell circuit through it.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { startIbmSystemFake, type IbmSystemFake } from './index.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'qrmi_bell.py');
const skip = pythonSkipReason();

interface BellRun {
  readonly task_id: string;
  readonly statuses: readonly string[];
  readonly counts?: Record<string, number>;
  readonly resource_status?: Record<string, unknown>;
  readonly target_keys?: readonly string[];
  readonly result_type?: string;
  readonly error?: string | null;
}

/** Runs qrmi_bell.py with only the fake's qrmi environment (no proxies: loopback must stay direct). */
function runQrmi(fake: IbmSystemFake, args: readonly string[]): Promise<BellRun> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', NO_PROXY: '*', no_proxy: '*', ...fake.qrmiEnv('fake_fez', 120) };
  return new Promise((resolve, reject) => {
    execFile(venvPython(), [SCRIPT, 'fake_fez', ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`qrmi_bell.py failed: ${error.message}\n${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as BellRun);
      } catch {
        reject(new Error(`qrmi_bell.py printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

describe.skipIf(skip !== '')(`qrmi's IBMQuantumSystem client against the fake${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 180_000 }, () => {
  let fake: IbmSystemFake;

  beforeEach(async () => {
    fake = await startIbmSystemFake();
  });

  afterEach(async () => {
    await fake.close();
  });

  it('logs in with IAM, uploads the input to the bucket, runs a Bell sampler job and reads the counts back', async () => {
    // qrmi's client retries a 429 on submission; the fake's first answer is the rate limit.
    fake.fail('POST /v1/jobs', { kind: 'rate-limit', retryAfterSeconds: 1 });
    const run = await runQrmi(fake, ['qasm']);

    expect(run.result_type).toBe('PrimitiveResult');
    expect(Object.keys(run.counts ?? {}).sort()).toEqual(['00', '11']);
    expect(Object.values(run.counts ?? {}).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(run.statuses.at(-1)).toBe('TaskStatus.Completed');
    expect(run.resource_status).toMatchObject({ status: expect.stringMatching(/online/i) });
    expect(run.target_keys).toEqual(['configuration', 'properties']);

    const calls = fake.requests.map((r) => `${r.status} ${r.route}`);
    expect(calls[0]).toBe('200 POST /identity/token');
    expect(calls).toContain('429 POST /v1/jobs');
    expect(calls).toContain('204 POST /v1/jobs');
    expect(calls.indexOf('200 S3 PUT')).toBeLessThan(calls.indexOf('204 POST /v1/jobs'));
    expect(calls.at(-1)).toBe('204 DELETE /v1/jobs/:id');
    // task_stop deleted the job; the bucket keeps what the client and the service wrote.
    expect(fake.jobs.has(run.task_id)).toBe(false);
    expect([...fake.storage.objects.keys()].sort()).toEqual([`input_${run.task_id}.json`, `logs_${run.task_id}.json`, `results_${run.task_id}.json`]);
    expect(fake.requests.every((r) => r.server === 's3' || r.route.startsWith('POST /identity') || r.headers['service-crn'] === fake.credentials.serviceCrn)).toBe(true);
  });

  it('runs a QPY circuit from qiskit-ibm-runtime\'s RuntimeEncoder (converted to OpenQASM 3 through the venv)', async () => {
    const run = await runQrmi(fake, ['qpy']);
    expect(Object.keys(run.counts ?? {}).sort()).toEqual(['00', '11']);
  });

  it('reports a failed job\'s reason code, message and solution through task_result', async () => {
    fake.fail('execution', { kind: 'job-failed', reasonCode: 1517, reasonMessage: 'The backend lost calibration.', reasonSolution: 'Resubmit later.' });
    const run = await runQrmi(fake, ['qasm', 'expect-failure']);
    expect(run.statuses.at(-1)).toBe('TaskStatus.Failed');
    expect(run.error).toContain('1517');
    expect(run.error).toContain('The backend lost calibration.');
    expect(run.error).toContain('Resubmit later.');
  });
});
