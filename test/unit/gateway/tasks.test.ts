import { describe, expect, it } from 'vitest';
import type { GatewayBackend, TaskHooks, TaskRequest, TaskRunner } from '../../../src/backends/types.js';
import { QrunError } from '../../../src/errors.js';
import { TaskManager, type DetachedJob } from '../../../src/gateway/tasks.js';
import { SecretValue } from '../../../src/secrets/value.js';

const LIMITS = { maxRequestBytes: 1 << 20, maxTasks: 8, concurrency: 4, keepFinished: 16 };
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] c;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

interface FakeVendor {
  readonly runner: TaskRunner;
  /** The abort reason each task's run saw, in order. */
  readonly aborts: unknown[];
  submitted: number;
}

/** A vendor whose jobs never end by themselves: each run sends one job (or attaches) and waits for its abort. */
function fakeVendor(detachable = true): FakeVendor {
  const vendor: FakeVendor = {
    aborts: [],
    submitted: 0,
    runner: {
      detachable,
      prepare: (request: TaskRequest) => ({
        run: (signal: AbortSignal, hooks?: TaskHooks) => {
          const attached = request.attach?.vendorJobs[0];
          if (attached === undefined) vendor.submitted += 1;
          hooks?.onVendorJob?.(attached ?? { program: 'sampler', id: `vendor-${vendor.submitted}` });
          hooks?.onVendorState?.('queued');
          return new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              vendor.aborts.push(signal.reason);
              reject(signal.reason as Error);
            }),
          );
        },
      }),
    },
  };
  return vendor;
}

function backend(secret = 'vendor-key'): GatewayBackend {
  return { name: 'qpu', type: 'fake', secretRequired: true, secret: new SecretValue(secret) };
}

function manager(vendor: FakeVendor, options: { uid?: number; secret?: string; onDetached?: (jobs: readonly DetachedJob[]) => void } = {}): TaskManager {
  return new TaskManager({
    jobId: 7,
    backends: [backend(options.secret)],
    limits: LIMITS,
    deadline: null,
    runners: { fake: vendor.runner },
    uid: options.uid ?? 1000,
    ...(options.onDetached === undefined ? {} : { onDetached: options.onDetached }),
  });
}

function request(extra: Partial<TaskRequest> = {}): TaskRequest {
  return { programId: 'sampler', backend: 'qpu', params: { pubs: [[BELL]], version: 2 }, options: { seed: 1 }, ...extra };
}

async function untilVendorJob(m: TaskManager, id: string): Promise<void> {
  while ((m.status(id).vendor_jobs ?? []).length === 0) await new Promise((r) => setTimeout(r, 1));
}

describe('TaskManager durability', () => {
  it('lets a detached task go at the end without cancelling its vendor job, and lists it for the release', async () => {
    const vendor = fakeVendor();
    const listed: (readonly DetachedJob[])[] = [];
    const m = manager(vendor, { onDetached: (jobs) => listed.push(jobs) });
    const task = await m.submit(request({ durability: 'detached' }));
    await untilVendorJob(m, task.id);
    const view = m.status(task.id);
    expect(view).toMatchObject({ durability: 'detached', vendor_jobs: [{ program: 'sampler', id: 'vendor-1' }], vendor_state: 'queued', owner_uid: 1000 });
    expect(view.binding).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(listed.at(-1)).toEqual([{ backend: 'qpu', id: 'vendor-1' }]);

    await m.close(new QrunError('TASK_CANCELLED', 'released'));
    expect((vendor.aborts[0] as QrunError).code).toBe('TASK_DETACHED');
    expect(m.status(task.id).error).toMatchObject({ code: 'TASK_DETACHED', details: { vendor_jobs: [{ program: 'sampler', id: 'vendor-1' }], binding: view.binding } });
  });

  it('keeps a resumable task at the time limit, and cancels it on any other end', async () => {
    const atLimit = fakeVendor();
    const m1 = manager(atLimit);
    const kept = await m1.submit(request({ durability: 'resumable' }));
    await untilVendorJob(m1, kept.id);
    await m1.close(new QrunError('ALLOCATION_EXPIRED', 'time limit'));
    expect((atLimit.aborts[0] as QrunError).code).toBe('TASK_DETACHED');
    expect(m1.detachedJobs()).toEqual([{ backend: 'qpu', id: 'vendor-1' }]);

    const cancelled = fakeVendor();
    const m2 = manager(cancelled);
    const gone = await m2.submit(request({ durability: 'resumable' }));
    await untilVendorJob(m2, gone.id);
    await m2.close(new QrunError('TASK_CANCELLED', 'scancel'));
    expect((cancelled.aborts[0] as QrunError).code).toBe('TASK_CANCELLED');
    expect(m2.detachedJobs()).toEqual([]);
  });

  it("a later job's gateway re-attaches with the binding, for the same user and request only", async () => {
    const first = fakeVendor();
    const m1 = manager(first);
    const task = await m1.submit(request({ durability: 'detached' }));
    await untilVendorJob(m1, task.id);
    const { vendor_jobs: vendorJobs = [], binding } = m1.status(task.id);
    await m1.close(new QrunError('TASK_CANCELLED', 'released'));
    const attach = { vendorJobs, binding: binding ?? '', ownerUid: 1000 };

    const later = fakeVendor();
    const m2 = manager(later);
    const again = await m2.submit(request({ durability: 'detached', attach }));
    await untilVendorJob(m2, again.id);
    expect(m2.status(again.id).vendor_jobs).toEqual(vendorJobs);
    expect(later.submitted).toBe(0); // polled, not sent again
    await m2.close(new QrunError('TASK_CANCELLED', 'released'));

    const refusals = [
      () => manager(fakeVendor(), { uid: 1001 }).submit(request({ durability: 'detached', attach: { ...attach, ownerUid: 1001 } })),
      () => manager(fakeVendor(), { uid: 1001 }).submit(request({ durability: 'detached', attach })),
      () => manager(fakeVendor()).submit(request({ durability: 'detached', attach: { ...attach, binding: `${attach.binding.slice(0, -2)}AA` } })),
      () => manager(fakeVendor(), { secret: 'another-key' }).submit(request({ durability: 'detached', attach })),
      () => manager(fakeVendor()).submit(request({ durability: 'detached', attach, options: { seed: 2 } })),
    ];
    for (const refused of refusals) await expect(refused()).rejects.toMatchObject({ code: 'TASK_NOT_OWNED' });
  });

  it('refuses to detach what runs inside the gateway or belongs to the job', async () => {
    const inGateway = manager(fakeVendor(false));
    await expect(inGateway.submit(request({ durability: 'detached' }))).rejects.toMatchObject({ code: 'TASK_NOT_DETACHABLE' });
    expect((await inGateway.submit(request({ durability: 'resumable' }))).status).toBeDefined();
    const m = manager(fakeVendor());
    const task = await m.submit(request());
    expect(() => m.detach(task.id)).toThrow(expect.objectContaining({ code: 'TASK_NOT_DETACHABLE' }) as Error);
    await inGateway.close(new QrunError('TASK_CANCELLED', 'end'));
    await m.close(new QrunError('TASK_CANCELLED', 'end'));
  });
});
