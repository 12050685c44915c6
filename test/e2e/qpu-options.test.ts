/**
 * Submit time: the options are listed in --help, and a backend the catalogue does not know is
 * rejected by sbatch/srun/salloc themselves, with the valid names, before anything is queued.
 */
import { describe, expect, it } from 'vitest';
import { qpuSkipReason, shown, slurmCmd } from './qpu-helpers.js';

describe.skipIf(qpuSkipReason() !== '')('QPU options at submit time', () => {
  it.each(['sbatch', 'srun', 'salloc'])('%s --help lists --q_backend and --qpu with the [qpu] prefix', async (command) => {
    const help = await slurmCmd(command, ['--help']);
    expect(help.stdout).toMatch(/--q_backend=NAME\[,NAME\.\.\.\]\s+\[qpu\]/);
    expect(help.stdout).toMatch(/--qpu=NAME\[,NAME\.\.\.\]\s+\[qpu\] same as --q_backend/);
    // One spelling only: a dash variant would fire the callback twice.
    expect(help.stdout).not.toContain('--q-backend');
  });

  it.each([
    ['sbatch', ['--wrap', 'true']],
    ['srun', ['true']],
    ['salloc', ['true']],
  ])('%s rejects an unknown backend, names the valid ones, and queues nothing', async (command, rest) => {
    const before = (await slurmCmd('squeue', ['-h', '-o', '%A'])).stdout;
    const result = await slurmCmd(command, ['--gres=qpu:sim:1', '--q_backend=nope', ...rest]);
    expect(result.code, shown(result)).not.toBe(0);
    expect(result.stderr).toContain("spank_qpu: option: --q_backend: unknown QPU backend 'nope'; valid backends: sim, sim_shared, ibm_fake, pasqal_fake");
    expect((await slurmCmd('squeue', ['-h', '-o', '%A'])).stdout).toBe(before);
  });

  it('checks --qpu the same way', async () => {
    const result = await slurmCmd('sbatch', ['--qpu=ibm_fez', '--wrap', 'true']);
    expect(result.code).toBe(255);
    expect(result.stderr).toContain("--qpu: unknown QPU backend 'ibm_fez'");
  });
});
