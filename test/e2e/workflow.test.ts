/**
 * A three-step workflow end to end under real Slurm: `qrun workflow run --wait` as the test user
 * submits pre → quantum → post as jobs chained with afterok, follows them, and the post step reads
 * the quantum step's result; run again, it runs nothing twice.
 */
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { QRUN } from './gateway-helpers.js';
import { drain, qpuCluster, qpuSkipReason } from './qpu-helpers.js';

async function asUser(user: string, argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = ['PATH=/usr/local/bin:/usr/bin:/bin', `SLURM_CONF=${qpuCluster().slurmConf}`, 'HOME=/tmp'];
  return run('runuser', ['-u', user, '--', 'env', ...env, ...argv], { cwd: qpuCluster().jobs, timeoutMs: 120_000 });
}

describe.skipIf(qpuSkipReason() !== '')('qrun workflow under Slurm', () => {
  it('runs pre → quantum → post as dependent jobs, passes the result on, and runs nothing twice', async () => {
    const { jobs: dir, testUser } = qpuCluster();
    const source = join(dir, `workflow-${Date.now()}`);
    await cp(join(REPO_ROOT, 'examples', 'workflow'), source, { recursive: true });
    await run('chown', ['-R', `${testUser}:${testUser}`, source]);
    const file = join(source, 'ghz.workflow.json');
    try {
      const first = await asUser(testUser, [process.execPath, QRUN, '--json', 'workflow', 'run', file, '--wait']);
      expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
      const submitted = JSON.parse(first.stdout.split('\n')[0] ?? '') as { dir: string; steps: { name: string; fate: string; jobId: number }[] };
      expect(submitted.steps.map((s) => [s.name, s.fate])).toEqual([
        ['pre', 'submit'],
        ['quantum', 'submit'],
        ['post', 'submit'],
      ]);
      // Progress as JSON lines on stderr: every step was seen done.
      const events = first.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { step: string; state: string });
      for (const step of ['pre', 'quantum', 'post']) expect(events.some((e) => e.step === step && e.state === 'done'), first.stderr).toBe(true);

      const summary = await readFile(join(submitted.dir, 'summary.txt'), 'utf8');
      expect(summary).toMatch(/0000/);
      expect(summary).toMatch(/1111/);
      const result = JSON.parse(await readFile(join(submitted.dir, 'quantum.result.json'), 'utf8')) as { results: { data: { c: { samples: string[] } } }[] };
      expect(new Set(result.results[0]?.data.c.samples)).toEqual(new Set(['0x0', '0xf']));

      const again = await asUser(testUser, [process.execPath, QRUN, 'workflow', 'run', file, '--wait']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('pre: done (not run again)');
      expect(again.stdout).toContain('quantum: done (not run again)');
      expect(again.stdout).toContain('post: done (not run again)');
    } finally {
      await drain();
    }
  }, 150_000);
});
