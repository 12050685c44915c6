/**
 * A job's detached vendor work outlives it: the stopping gateway reports what it let go
 * (detached.json), the release journals it with the stop and hands it to the backend's release as
 * `keep`, so nothing cancels those jobs — the job-bound work queued in the session is cancelled as always.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIbmComputeRunner } from '../../../src/backends/ibm-quantum-compute-service/runner.js';
import { catalogueSchema } from '../../../src/config/catalogue.js';
import type { HookDeps } from '../../../src/hook/deps.js';
import { acquire } from '../../../src/hook/acquire.js';
import { release } from '../../../src/hook/release.js';
import { SecretValue } from '../../../src/secrets/value.js';
import { startIbmComputeFake, type IbmComputeFake } from '../../fakes/ibm-quantum-compute/index.js';
import { BELL_ISA, entryFor, gatewayBackend, samplerTask, until } from '../backends/ibm-quantum-compute-service/helpers.js';
import { facts, harness, request } from './fixtures.js';

let fake: IbmComputeFake;
let scratch: string;
beforeEach(async () => {
  fake = await startIbmComputeFake();
  scratch = await mkdtemp(join(tmpdir(), 'qpu-keep-'));
});
afterEach(async () => {
  await fake.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('release of a job that detached vendor work', () => {
  it('closes the session, cancels the job-bound work and leaves the detached job queued', async () => {
    const { type: _type, ...entry } = entryFor(fake);
    const catalogue = catalogueSchema.parse({ version: 1, backends: { ibm_fake: { type: 'ibm-quantum-compute-service', ...entry } } });
    let detached = new Map<string, readonly string[]>();
    const h = await harness({ catalogue: () => Promise.resolve(catalogue), facts: (id) => facts(id, { gres: [{ name: 'qpu', type: 'ibm_fake', count: 1 }], licenses: [] }) });
    const deps: HookDeps = {
      ...h.deps,
      secretFor: () => Promise.resolve(new SecretValue(fake.apiKey)),
      gateway: {
        start: (req) => {
          const record = { jobId: req.jobId, stateDir: req.stateDir, pid: 4242, procStart: 1, socketPath: join(scratch, 's'), endpoint: 'unix:/s', tcpEndpoint: null, dir: scratch, usageFile: join(scratch, 'u'), startedAt: '' };
          return req.onSpawn!(record).then(() => ({ endpoint: 'unix:/s', pid: 4242, record }));
        },
        stop: () => Promise.resolve({ how: 'stopped', usage: null, slurm: null, detached }),
        alive: () => true,
      },
    };
    const acquired = await acquire(request(77, { backends: ['ibm_fake'] }), deps);
    expect(acquired.ok, acquired.message).toBe(true);
    const session = [...fake.sessions.keys()][0] ?? null;
    expect(session).not.toBeNull();

    fake.setQueueDelay(60_000);
    const runner = createIbmComputeRunner({ deadline: null });
    const runs = [];
    // As the gateway sends them: job-bound work in the job's session, detached work outside it (closing
    // an IBM session cancels what is queued in it).
    for (const [i, inSession] of [session, null].entries()) {
      const task = await runner.prepare(samplerTask(BELL_ISA), gatewayBackend(fake, { session: inSession }));
      runs.push(task.run(new AbortController().signal).catch((error: unknown) => error));
      await until(() => fake.jobs.size === i + 1, 'the job at the fake');
    }
    const [boundId, detachedId] = [...fake.jobs.keys()];
    detached = new Map([['ibm_fake', [detachedId ?? '']]]);

    expect((await release(request(77, { action: 'release', backends: [], stepId: 0xffffffff }), deps)).ok).toBe(true);
    expect(fake.jobs.get(boundId ?? '')?.status).toBe('Cancelled');
    expect(fake.jobs.get(detachedId ?? '')?.status).toBe('Queued');
    expect((await h.logLines()).find((l) => l.msg === 'leaving detached vendor jobs running')).toMatchObject({ backend: 'ibm_fake', keep: [detachedId] });
    await runner.close?.();
    void Promise.allSettled(runs);
  });
});
