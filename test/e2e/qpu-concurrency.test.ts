/**
 * 20 concurrent QPU jobs on 4 lanes (GRES qpu:sim:4): Slurm runs at most 4 at once, and the hook
 * never has more than 4 jobs holding a lane, nor more than 4 leases held, at any moment. (A lease
 * file also exists while a job is acquiring, before its lane, and while its detached release
 * finishes, after its lane is back: those hold no capacity.) Each job acquires once and releases once.
 */
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/devcluster/exec.js';
import { lanes, leaseFile } from './fault-helpers.js';
import { countEvents, drain, hookEvents, leases, qpuSkipReason, submit, waitState } from './qpu-helpers.js';

/** Jobs that hold capacity now: a lane, or a lease in state `held`. */
async function holding(): Promise<{ laneJobs: number; held: number }> {
  const laneJobs = new Set(Object.values(await lanes()).filter((job) => job !== '')).size;
  let held = 0;
  for (const id of await leases()) {
    const lease = await leaseFile(id).catch(() => undefined);
    if (lease?.state === 'held') held += 1;
  }
  return { laneJobs, held };
}

describe.skipIf(qpuSkipReason() !== '')('QPU concurrency', () => {
  it('20 jobs on 4 lanes: never more than 4 jobs holding a lane or a held lease, every job acquires and releases once', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, () => submit(['-t', '5', '--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'sleep 1'])),
    );
    let most = 0;
    let mostHeld = 0;
    let done = false;
    const watcher = (async () => {
      while (!done) {
        const now = await holding();
        most = Math.max(most, now.laneJobs);
        mostHeld = Math.max(mostHeld, now.held);
        await sleep(20);
      }
    })();
    try {
      const states = await Promise.all(ids.map((id) => waitState(id, undefined, 150_000)));
      expect(states.every((s) => s === 'COMPLETED'), states.join(' ')).toBe(true);
      const deadline = Date.now() + 30_000;
      while ((await leases()).some((l) => ids.includes(l)) && Date.now() < deadline) await sleep(100);
    } finally {
      done = true;
      await watcher;
      await drain();
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(4);
    expect(mostHeld).toBeGreaterThan(0);
    expect(mostHeld).toBeLessThanOrEqual(4);

    // Replaying the log: at no point were more than 4 of these jobs between acquired and released.
    const events = (await hookEvents()).filter((e) => ids.includes(String(e.jobId)) && (e.msg === 'lease acquired' || e.msg === 'lease released'));
    let held = 0;
    let peak = 0;
    // Within one millisecond, count a release before an acquire (Slurm frees capacity after job_epilog).
    const order = (e: { msg: string }): number => (e.msg === 'lease released' ? 0 : 1);
    for (const e of events.sort((a, b) => a.time.localeCompare(b.time) || order(a) - order(b))) {
      held += e.msg === 'lease acquired' ? 1 : -1;
      peak = Math.max(peak, held);
    }
    expect(peak).toBeLessThanOrEqual(4);
    for (const id of ids) {
      expect(await countEvents(id, 'lease acquired'), `job ${id}`).toBe(1);
      expect(await countEvents(id, 'lease released'), `job ${id}`).toBe(1);
    }
  }, 200_000);
});
