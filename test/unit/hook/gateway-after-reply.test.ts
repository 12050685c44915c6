/**
 * The node's hook service answers a QPU job before its gateway runs (HookDeps.afterReply): the lease
 * is held with the endpoint already, and the gateway starts right after, under the job's lock, only
 * while the lease still waits for it.
 */
import { describe, expect, it } from 'vitest';
import { acquire } from '../../../src/hook/acquire.js';
import type { HookDeps } from '../../../src/hook/deps.js';
import { readLease } from '../../../src/hook/journal.js';
import { release } from '../../../src/hook/release.js';
import type { GatewayRecord } from '../../../src/gateway/launch.js';
import { harness, request } from './fixtures.js';

const releaseRequest = (jobId: number) => request(jobId, { action: 'release', backends: [], stepId: 0xffffffff });

function fakeGateway(base: HookDeps) {
  const seen = { prepared: 0, launched: 0, abandoned: 0, started: 0, stopped: [] as number[] };
  let pid = 40_000;
  const record = (jobId: number): GatewayRecord => ({
    jobId,
    stateDir: base.paths.root,
    pid: ++pid,
    procStart: null,
    socketPath: `/fake/${jobId}.sock`,
    endpoint: `unix:/fake/${jobId}.sock`,
    tcpEndpoint: null,
    dir: `/fake/${jobId}`,
    usageFile: `/fake/${jobId}/usage.json`,
    startedAt: '2026-01-01T00:00:00Z',
  });
  const gateway: HookDeps['gateway'] = {
    prepare: async (start) => {
      seen.prepared++;
      return {
        endpoint: `unix:/fake/${start.jobId}.sock`,
        launch: async (onSpawn) => {
          seen.launched++;
          const r = record(start.jobId);
          await onSpawn?.(r);
          return { endpoint: r.endpoint, pid: r.pid, record: r };
        },
        abandon: async () => {
          seen.abandoned++;
        },
      };
    },
    start: async (start) => {
      seen.started++;
      const r = record(start.jobId);
      await start.onSpawn?.(r);
      return { endpoint: r.endpoint, pid: r.pid, record: r };
    },
    stop: async (handle) => {
      if (handle.pid !== null) seen.stopped.push(handle.pid);
    },
    alive: () => true,
  };
  return { gateway, seen };
}

async function serviceHarness() {
  const h = await harness();
  const { gateway, seen } = fakeGateway(h.deps);
  const after: Array<() => Promise<void>> = [];
  const service: HookDeps = { ...h.deps, gateway, afterReply: (_jobId, work) => after.push(work) };
  const handlerProcess: HookDeps = { ...h.deps, gateway };
  const runAfter = async (): Promise<void> => {
    for (const work of after.splice(0)) await work();
  };
  return { h, seen, service, handlerProcess, after, runAfter };
}

describe('the gateway started after the reply', () => {
  it('answers with the endpoint before the gateway runs, then starts it and journals it running', async () => {
    const { h, seen, service, after, runAfter } = await serviceHarness();
    const reply = await acquire(request(9, { stepId: 0 }), service);
    expect(reply.ok, reply.message).toBe(true);
    expect(reply.env?.['QRUN_ENDPOINT']).toBe('unix:/fake/9.sock');
    expect(seen).toMatchObject({ prepared: 1, launched: 0 });
    expect(after).toHaveLength(1);
    expect(await readLease(h.deps.paths, 9)).toMatchObject({ state: 'held', gatewayState: 'starting', gateway: null, endpoint: 'unix:/fake/9.sock' });

    await runAfter();
    expect(seen).toMatchObject({ launched: 1, abandoned: 0 });
    const lease = await readLease(h.deps.paths, 9);
    expect(lease).toMatchObject({ state: 'held', gatewayState: 'running', gatewayPid: 40_001, endpoint: 'unix:/fake/9.sock' });

    // The job's next step finds it running: same endpoint, nothing started again.
    const next = await acquire(request(9, { stepId: 1 }), service);
    expect(next.env).toEqual(reply.env);
    expect(seen).toMatchObject({ prepared: 1, launched: 1, started: 0 });
    expect(after).toHaveLength(0);

    await release(releaseRequest(9), service);
    expect(seen.stopped).toEqual([40_001]);
  });

  it('starts nothing when the job was released before the start came (srun true)', async () => {
    const { h, seen, service, runAfter } = await serviceHarness();
    await acquire(request(10, { stepId: 0 }), service);
    expect((await release(releaseRequest(10), service)).ok).toBe(true);
    await runAfter();
    expect(seen).toMatchObject({ launched: 0, abandoned: 1, stopped: [] });
    expect(await readLease(h.deps.paths, 10)).toBeUndefined();
  });

  it('a start that never came (the service died after its reply) is made by the job\'s next step', async () => {
    const { h, seen, service, handlerProcess, after } = await serviceHarness();
    const reply = await acquire(request(11, { stepId: 0 }), service);
    after.splice(0); // the worker died with the work
    const next = await acquire(request(11, { stepId: 1 }), handlerProcess);
    expect(next.env).toEqual(reply.env);
    expect(seen).toMatchObject({ launched: 0, started: 1 });
    expect(await readLease(h.deps.paths, 11)).toMatchObject({ gatewayState: 'running', gatewayPid: 40_001, gatewayRestarts: 1 });
  });

  it('a failed start after the reply is logged and leaves the lease for the next step to start it', async () => {
    const { h, service, handlerProcess, seen } = await serviceHarness();
    const failing: HookDeps = {
      ...service,
      gateway: {
        ...service.gateway,
        prepare: async (start) => {
          const prepared = await service.gateway.prepare!(start);
          if (!('launch' in prepared)) throw new Error('expected a prepared gateway');
          return { ...prepared, launch: () => Promise.reject(new Error('spawn EAGAIN')) };
        },
      },
      afterReply: (_jobId, work) => void work(),
    };
    expect((await acquire(request(12, { stepId: 0 }), failing)).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.abandoned).toBe(1);
    const lines = await h.logLines();
    expect(lines.some((l) => String(l.msg).startsWith('gateway start after the reply failed'))).toBe(true);
    expect(await readLease(h.deps.paths, 12)).toMatchObject({ state: 'held', gatewayState: 'starting', gateway: null });
    await acquire(request(12, { stepId: 1 }), handlerProcess);
    expect(await readLease(h.deps.paths, 12)).toMatchObject({ gatewayState: 'running', gatewayRestarts: 1 });
  });
});
