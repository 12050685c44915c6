/**
 * Every invalid input, each its own case: what the user types (options), what the admin writes
 * (plugstack arguments), and what a job lacks. Each must fail with a message naming the problem,
 * never queue a job that cannot run, never drain the node, and never disturb jobs without a QPU.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { drain, nodeState, qpuSkipReason, setArg, shown, slurmCmd, withPlugstack } from './qpu-helpers.js';

const LONG_NAME = 'a'.repeat(64);
const SEVENTEEN = Array.from({ length: 17 }, (_, i) => `b${i}`).join(',');

describe.skipIf(qpuSkipReason() !== '')('invalid inputs', () => {
  afterAll(async () => {
    await drain();
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
  });

  describe('user options: sbatch exits 255 with the reason and queues nothing', () => {
    it.each<[string, string[], string]>([
      ['an empty backend list', ['--q_backend='], 'a backend name is required'],
      ['an empty name in the list', ['--q_backend=sim,'], "empty backend name in 'sim,'"],
      ['a leading comma', ['--q_backend=,sim'], "empty backend name in ',sim'"],
      ['a space in a name', ['--q_backend=si m'], "invalid character ' ' in backend name 'si m'"],
      ['a slash in a name', ['--q_backend=../sim'], "invalid character '/'"],
      ['a name starting with a dash', ['--q_backend=-sim'], "backend name '-sim' must start with a letter, digit or _"],
      ['a name longer than 63 characters', [`--q_backend=${LONG_NAME}`], 'backend name longer than 63 characters'],
      ['the same backend twice', ['--q_backend=sim,sim'], "backend 'sim' named twice"],
      ['more than 16 backends', [`--q_backend=${SEVENTEEN}`], 'more than 16 backends'],
      ['an unknown backend', ['--q_backend=ibm_fez'], "unknown QPU backend 'ibm_fez'; valid backends: sim, sim_shared, ibm_fake, pasqal_fake"],
      ['one unknown among known', ['--q_backend=sim,nope'], "unknown QPU backend 'nope'"],
      ['an unknown backend through --qpu', ['--qpu=nope'], "--qpu: unknown QPU backend 'nope'"],
      ['--q_backend and --qpu disagreeing', ['--q_backend=sim', '--qpu=sim_shared'], '--q_backend=sim and --qpu=sim_shared disagree'],
    ])('%s', async (_name, options, message) => {
      const before = (await slurmCmd('squeue', ['-h', '-o', '%A'])).stdout;
      const result = await slurmCmd('sbatch', ['--gres=qpu:sim:1', ...options, '--wrap', 'true']);
      expect(result.code, shown(result)).toBe(255);
      expect(result.stderr).toContain(`spank_qpu: option: `);
      expect(result.stderr).toContain(message);
      expect((await slurmCmd('squeue', ['-h', '-o', '%A'])).stdout).toBe(before);
    });

    it('--q_backend and --qpu naming the same backend is accepted', async () => {
      const result = await slurmCmd('srun', ['-Q', '--gres=qpu:sim:1', '--q_backend=sim', '--qpu=sim', 'printenv', 'QRUN_BACKENDS']);
      expect(result.code, shown(result)).toBe(0);
      expect(result.stdout.trim()).toBe('sim');
    });
  });

  describe('job capacity: the job fails with the line to add', () => {
    it.each<[string, string[], string]>([
      ['no GRES for a GRES backend', ['--q_backend=sim'], 'add `#SBATCH --gres=qpu:sim:1`'],
      ['no license for a license backend', ['--q_backend=sim_shared'], 'add `#SBATCH -L qpu_sim_shared:1`'],
      ['capacity for only one of two backends', ['--gres=qpu:sim:1', '--q_backend=sim,sim_shared'], "backend 'sim_shared' needs license qpu_sim_shared"],
    ])('%s', async (_name, options, message) => {
      const result = await slurmCmd('srun', ['-Q', ...options, 'echo', 'ran']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('spank_qpu: task_init: ');
      expect(result.stderr).toContain(message);
      expect(result.stdout).not.toContain('ran');
    });
  });

  describe('plugstack arguments: a QPU job fails naming the key, a plain job runs', () => {
    it.each<[string, (line: string) => string, string]>([
      ['an unknown key', (l) => `${l} colour=blue`, 'unknown key: colour'],
      ['a misspelt key', (l) => setArg(setArg(l, 'timeout', null), 'timout', '30'), 'unknown key: timout'],
      ['a key given twice', (l) => `${l} timeout=5`, 'timeout: given more than once'],
      ['an argument without =', (l) => `${l} verbose`, 'argument is not key=value: verbose'],
      ['an empty value', (l) => setArg(l, 'state_dir', ''), 'state_dir: empty value'],
      ['a relative catalogue path', (l) => setArg(l, 'config', 'qpu.json'), 'config: must be an absolute path: qpu.json'],
      ['a relative handler path', (l) => setArg(l, 'handler', 'dist/hook/main.js'), 'handler: must be an absolute path'],
      ['a relative node path', (l) => setArg(l, 'node', 'node'), 'node: must be an absolute path'],
      ['a zero timeout', (l) => setArg(l, 'timeout', '0'), 'timeout: expected whole seconds between 1 and 3600, got: 0'],
      ['a timeout with a unit', (l) => setArg(l, 'timeout', '30s'), 'timeout: expected whole seconds between 1 and 3600, got: 30s'],
      ['a huge timeout', (l) => setArg(l, 'timeout', '99999'), 'got: 99999'],
      ['a negative timeout', (l) => setArg(l, 'timeout', '-5'), 'got: -5'],
      ['a service user with a slash', (l) => setArg(l, 'service_user', '../root'), 'service_user: not a valid user name: ../root'],
    ])('%s', async (_name, edit, message) => {
      await withPlugstack(edit, async () => {
        const submitted = await slurmCmd('sbatch', ['--gres=qpu:sim:1', '--q_backend=sim', '--wrap', 'true']);
        expect(submitted.code, shown(submitted)).toBe(255);
        expect(submitted.stderr).toContain('the QPU plugin is misconfigured');
        expect(submitted.stderr).toContain(message);
        const plain = await slurmCmd('srun', ['-Q', 'echo', 'plain']);
        expect(plain.code, shown(plain)).toBe(0);
        expect(plain.stdout).toBe('plain\n');
      });
    });
  });
});
