import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ibmComputeBackend } from '../../../../src/backends/ibm-quantum-compute-service/index.js';
import { SecretValue } from '../../../../src/secrets/value.js';
import { startIbmComputeFake, type IbmComputeFake } from '../../../fakes/ibm-quantum-compute/index.js';
import { BELL_ISA, capturedLogger, entryFor, gatewayBackend, samplerTask, until } from './helpers.js';
import { createIbmComputeRunner } from '../../../../src/backends/ibm-quantum-compute-service/runner.js';

let fake: IbmComputeFake;
let stateDir: string;
beforeEach(async () => {
  fake = await startIbmComputeFake();
  stateDir = await mkdtemp(join(tmpdir(), 'qpu-ibm-'));
});
afterEach(async () => {
  await fake.close();
  await rm(stateDir, { recursive: true, force: true });
});

function ctx(extra: { deadline?: number | null; apiKey?: string; entry?: Record<string, unknown> } = {}) {
  return {
    jobId: 77,
    alias: 'ibm_fake',
    entry: entryFor(fake, extra.entry),
    deadline: extra.deadline ?? null,
    secret: new SecretValue(extra.apiKey ?? fake.apiKey),
    stateDir,
  };
}

describe('ibm-quantum-compute-service at job start and end (the hook)', () => {
  it('opens a batch session on the device with max_ttl from what is left of the allocation', async () => {
    const deadline = Math.floor(Date.now() / 1000) + 600;
    const { session } = await ibmComputeBackend.acquire(ctx({ deadline }));
    expect(session).toEqual(expect.any(String));
    const opened = fake.sessions.get(session ?? '');
    expect(opened).toMatchObject({ mode: 'batch', backend: 'ibm_loopback', state: 'open' });
    expect(opened?.maxTtl).toBeGreaterThan(590);
    expect(opened?.maxTtl).toBeLessThanOrEqual(600);
    const post = fake.requests.find((r) => r.route === 'POST /sessions');
    expect(post).toMatchObject({ authorization: 'Bearer', serviceCrn: fake.instance, apiVersion: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('opens a dedicated session when the entry says so, and none for session "none"', async () => {
    const { session } = await ibmComputeBackend.acquire(ctx({ entry: { session: 'dedicated' } }));
    expect(fake.sessions.get(session ?? '')?.mode).toBe('dedicated');
    expect(await ibmComputeBackend.acquire(ctx({ entry: { session: 'none' } }))).toEqual({ session: null });
    expect(fake.sessions.size).toBe(1);
  });

  it('release cancels what is still queued in the session and closes it; a second release is harmless', async () => {
    const { session } = await ibmComputeBackend.acquire(ctx());
    fake.setQueueDelay(60_000);
    const runner = createIbmComputeRunner({ deadline: null });
    const task = await runner.prepare(samplerTask(BELL_ISA), gatewayBackend(fake, { session }));
    const running = task.run(new AbortController().signal).catch((error: unknown) => error);
    await until(() => fake.jobs.size === 1, 'the job at the fake');
    await ibmComputeBackend.release({ jobId: 77, alias: 'ibm_fake', entry: entryFor(fake), session, secret: new SecretValue(fake.apiKey), stateDir });
    const [job] = [...fake.jobs.values()];
    expect(job?.status).toBe('Cancelled');
    expect(fake.counts()['POST /jobs/{id}/cancel']).toBe(1);
    expect(fake.sessions.get(session ?? '')).toMatchObject({ state: 'closed', endedBy: 'close' });
    // The task learns that its job is gone.
    expect(await running).toMatchObject({ code: 'TASK_CANCELLED' });
    await runner.close?.();
    await ibmComputeBackend.release({ jobId: 77, alias: 'ibm_fake', entry: entryFor(fake), session, secret: new SecretValue(fake.apiKey), stateDir });
  });

  it('refuses a wrong API key with a coded error that says what to do, never showing the key', async () => {
    const wrong = 'not-the-key-4f2a9c';
    const { logger, lines } = capturedLogger();
    const error = await ibmComputeBackend.acquire({ ...ctx({ apiKey: wrong }), logger }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VENDOR_AUTH_FAILED', message: expect.stringContaining('BXNIM0415E'), hint: expect.stringContaining('API key') });
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect(lines.join('')).not.toContain(wrong);
    expect(fake.sessions.size).toBe(0);
    const access = await ibmComputeBackend.accessible({ ...ctx({ apiKey: wrong }), logger });
    expect(access.ok).toBe(false);
    expect(access.reason).toContain('BXNIM0415E');
  });

  it('is accessible with the right key and an operational device', async () => {
    expect(await ibmComputeBackend.accessible(ctx())).toEqual({ ok: true });
  });
});
