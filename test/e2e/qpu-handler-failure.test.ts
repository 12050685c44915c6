/**
 * The handler misbehaving: hanging, killed, answering garbage or an older protocol, absent. A QPU job fails within the
 * plugstack timeout with one line; the handler is gone afterwards; the node is not drained; and a
 * job that did not ask for a QPU never notices (nothing is spawned for it).
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/devcluster/exec.js';
import { drain, nodeState, qpuSkipReason, setArg, shown, slurmCmd, withPlugstack } from './qpu-helpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function handlerProcesses(path: string): Promise<string> {
  return (await run('pgrep', ['-af', path])).stdout.trim();
}

describe.skipIf(qpuSkipReason() !== '')('QPU hook handler failures', () => {
  afterEach(async () => {
    await drain();
    expect(await nodeState()).not.toMatch(/drain|drng|down/);
  });

  it('a hanging handler is killed at the timeout and the job fails with that reason', async () => {
    const hang = fixture('hook-hangs.mjs');
    await withPlugstack(
      (line) => setArg(setArg(line, 'handler', hang), 'timeout', '3'),
      async () => {
        // How soon after the timeout the job fails is a number: bench/spank-overhead.mjs.
        const result = await slurmCmd('srun', ['-Q', '--gres=qpu:sim:1', '--q_backend=sim', 'echo', 'ran']);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain('spank_qpu: task_init: the QPU hook handler timed out after 3 s and was killed');
        expect(result.stdout).not.toContain('ran');
        expect(await handlerProcesses(hang)).toBe('');
      },
    );
  });

  it.each([
    ['killed by a signal', 'hook-killed.mjs', /handler was killed by signal 9/],
    ['answering garbage', 'hook-garbage.mjs', /handler exited with status 0 while trying to acquire the job's QPU: the reply does not start with 'qpu-reply 2'/],
    ['of an older version (JSON reply)', 'hook-json-reply.mjs', /while trying to acquire the job's QPU: the reply is JSON, so the handler is older than this shim/],
    ['crashing', 'hook-throws.mjs', /handler exited with status 1 while trying to acquire the job's QPU: Error: the handler fell over/],
    ['absent', '/nonexistent/hook/main.js', /handler \/nonexistent\/hook\/main.js is missing on this node.*handler= in plugstack.conf/],
  ])('a handler %s fails the job with one line', async (_name, handler, message) => {
    const path = handler.startsWith('/') ? handler : fixture(handler);
    await withPlugstack(
      (line) => setArg(line, 'handler', path),
      async () => {
        const result = await slurmCmd('srun', ['-Q', '--gres=qpu:sim:1', '--q_backend=sim', 'echo', 'ran']);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(message);
        expect(result.stdout).not.toContain('ran');
      },
    );
  });

  it('a missing node binary fails the QPU job and names node= (service=no: the shim starts the handler)', async () => {
    // With the node's hook service the node= binary is not needed until the service is gone.
    await withPlugstack(
      (line) => setArg(setArg(line, 'node', '/nonexistent/bin/node'), 'service', 'no'),
      async () => {
        const result = await slurmCmd('srun', ['-Q', '--gres=qpu:sim:1', '--q_backend=sim', 'true']);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain('could not be executed (node=/nonexistent/bin/node)');
      },
    );
  });

  it.each([
    ['an absent handler', (line: string) => setArg(line, 'handler', '/nonexistent/hook/main.js')],
    ['a hanging handler', (line: string) => setArg(setArg(line, 'handler', fixture('hook-hangs.mjs')), 'timeout', '3')],
    ['an unusable state dir', (line: string) => setArg(line, 'state_dir', '/proc/version/qpu')],
    ['a missing catalogue', (line: string) => setArg(line, 'config', '/nonexistent/qpu.json')],
  ])('with %s, jobs that did not ask for a QPU run normally', async (_name, edit) => {
    await withPlugstack(edit, async () => {
      const srun = await slurmCmd('srun', ['-Q', 'echo', 'plain']);
      expect(srun.code, shown(srun)).toBe(0);
      expect(srun.stdout).toBe('plain\n');
      const batch = await slurmCmd('sbatch', ['--wait', '-Q', '-t', '5', '--wrap', 'true']);
      expect(batch.code, shown(batch)).toBe(0);
    });
  });

  it('an unusable state dir fails a QPU job clearly', async () => {
    await withPlugstack(
      (line) => setArg(line, 'state_dir', '/proc/version/qpu'),
      async () => {
        const result = await slurmCmd('srun', ['-Q', '--gres=qpu:sim:1', '--q_backend=sim', 'true']);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain('the QPU state directory /proc/version/qpu cannot be created on this node');
      },
    );
  });
});
