/**
 * The README's job scripts, as its readers run them: the ordinary user submits them from the places
 * the README says, with `qrun` found the documented way (bin/qrun in a checkout, or on PATH), and the
 * jobs print a Bell pair's samples.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { drain, output, qpuCluster, qpuSkipReason, shown, slurmCmd, waitReleased, waitState } from './qpu-helpers.js';

async function readme(): Promise<string> {
  return readFile(join(REPO_ROOT, 'README.md'), 'utf8');
}

/** The fenced bash block under a README heading. */
function block(text: string, heading: string): string {
  const at = text.indexOf(`## ${heading}`);
  const start = text.indexOf('```bash\n', at);
  const end = text.indexOf('```', start + 8);
  if (at < 0 || start < 0 || end < 0) throw new Error(`README has no bash block under "## ${heading}"`);
  return text.slice(start + 8, end);
}

/** The distinct outcomes of register `meas` in a plain Sampler result. */
function outcomesOf(jobOutput: string): string[] {
  const result = JSON.parse(jobOutput.slice(jobOutput.indexOf('{'))) as { results: { data: { meas: { samples: string[] } } }[] };
  return [...new Set(result.results[0]?.data.meas.samples ?? [])].sort();
}

describe.skipIf(qpuSkipReason() !== '')('the README job scripts, as the ordinary user', () => {
  const jobs: string[] = [];
  afterEach(async () => {
    await drain(jobs.splice(0));
  });

  it('"Try it on one machine": the sbatch line, submitted from the checkout, prints Bell samples', async () => {
    const cluster = qpuCluster();
    const line = block(await readme(), 'Try it on one machine')
      .split('\n')
      .find((l) => l.startsWith('sbatch '));
    expect(line, 'the README shows an sbatch line').toBeDefined();
    // Submitted from the checkout as the README says; only the output file goes where the user may write.
    const submitted = await slurmCmd('bash', ['-c', `cd ${REPO_ROOT} && ${line?.replace(/^sbatch /, `sbatch --parsable --output=${cluster.jobs}/slurm-%j.out `) ?? ''}`], {
      user: cluster.testUser,
    });
    expect(submitted.code, shown(submitted)).toBe(0);
    const jobId = submitted.stdout.trim();
    jobs.push(jobId);
    expect(await waitState(jobId, undefined, 90_000)).toBe('COMPLETED');
    expect(outcomesOf(output(jobId))).toEqual(['0x0', '0x3']);
    await waitReleased(jobId);
  });

  it('"User quickstart": the job script with qrun on PATH writes Bell samples to out.json', async () => {
    const cluster = qpuCluster();
    const script = block(await readme(), 'User quickstart: a job script');
    const dir = cluster.jobs;
    await writeFile(join(dir, 'quickstart.sh'), script, { mode: 0o755 });
    await copyFile(join(REPO_ROOT, 'examples', 'bell.json'), join(dir, 'payload.json'));
    // The checkout's bin/ on PATH, as the README says for a checkout (sites install qrun on PATH).
    const submitted = await slurmCmd('bash', ['-c', `export PATH="${REPO_ROOT}/bin:$PATH" && cd ${dir} && sbatch --parsable quickstart.sh`], {
      user: cluster.testUser,
    });
    expect(submitted.code, shown(submitted)).toBe(0);
    const jobId = submitted.stdout.trim();
    jobs.push(jobId);
    expect(await waitState(jobId, undefined, 90_000), output(jobId)).toBe('COMPLETED');
    expect(outcomesOf(await readFile(join(dir, 'out.json'), 'utf8'))).toEqual(['0x0', '0x3']);
    await waitReleased(jobId);
  });
});
