/**
 * A handler killed (SIGKILL) at each named fault point of acquire and release, then the recovery a
 * node runs next (the job's epilog): afterwards no lane is held, no lease or lock is left, the lane
 * is free for the next job, and the job's release was logged exactly once.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquire } from '../../../src/hook/acquire.js';
import { FAULT_DIR, FAULT_POINTS, FAULT_SWITCH } from '../../../src/hook/faults.js';
import { release } from '../../../src/hook/release.js';
import { harness, request } from './fixtures.js';
import { handlerFixture, runHandler } from './handler-process.js';

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function laneFiles(stateDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const alias of await entries(join(stateDir, 'lanes'))) for (const lane of await entries(join(stateDir, 'lanes', alias))) found.push(`${alias}/${lane}`);
  return found;
}

// A sim job without service_user= runs in its own process: no vendor session and no gateway to
// stop. Those two points are crossed by the IBM backend and its gateway under Slurm (test/e2e/faults.test.ts).
const POINTS = FAULT_POINTS.filter((point) => point !== 'release:after-session-close' && point !== 'release:after-gateway-stop');

describe('crash at every fault point', () => {
  it('is undone or completed by the next handler, releasing once', async () => {
    const outcomes: Record<string, unknown> = {};
    // Each point has its own state directory: they run side by side.
    await Promise.all(POINTS.map(async (point) => {
      const f = await handlerFixture();
      await mkdir(f.stateDir, { recursive: true, mode: 0o700 });
      await writeFile(join(f.stateDir, FAULT_SWITCH), 'enabled\n');
      const h = await harness({ dir: f.stateDir, presence: () => 'gone' });
      const jobId = 77;
      if (point.startsWith('release:')) {
        expect((await acquire(request(jobId, { backends: ['sim'], config: '/unused' }), h.deps)).ok).toBe(true);
        // Armed as tests under Slurm arm it: a file the first handler reaching the point consumes.
        await mkdir(join(f.stateDir, FAULT_DIR), { recursive: true });
        await writeFile(join(f.stateDir, FAULT_DIR, point), 'kill\n');
        const killed = await runHandler(['release'], f.body('release'), f.env);
        expect(killed.signal, `${point}: ${killed.stderr}`).toBe('SIGKILL');
      } else {
        const killed = await runHandler(['acquire'], f.body('acquire'), { ...f.env, QPU_FAULT: `${point}:kill` });
        expect(killed.signal, `${point}: ${killed.stderr}`).toBe('SIGKILL');
      }
      // The job's epilog after the crash.
      const recovered = await release(request(jobId, { action: 'release', backends: [], stepId: 0xffffffff }), h.deps);
      const again = await release(request(jobId, { action: 'release', backends: [], stepId: 0xffffffff }), h.deps);
      const released = (await h.logLines()).filter((l) => l.msg === 'lease released' && l.jobId === jobId).length;
      outcomes[point] = {
        recovered: recovered.message,
        again: again.message,
        leases: await entries(join(f.stateDir, 'leases')),
        lanes: await laneFiles(f.stateDir),
        locks: await entries(join(f.stateDir, 'locks')),
        released,
      };
      // The next job gets the lane back (lane 0: the first free one).
      const next = await acquire(request(78, { config: '/unused' }), h.deps);
      expect(next.ok, next.message).toBe(true);
      expect(await laneFiles(f.stateDir)).toEqual(['sim/0']);
    }));
    for (const point of POINTS) {
      expect(outcomes[point], point).toEqual({
        recovered: 'lease released',
        again: 'nothing to release',
        leases: [],
        lanes: [],
        locks: [],
        released: 1,
      });
    }
  }, 240_000);
});
