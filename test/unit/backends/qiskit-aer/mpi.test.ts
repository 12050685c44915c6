/**
 * The `mpi` path on one node: the worker started under Open MPI with two ranks, rank 0 relaying each
 * request to rank 1. The PyPI qiskit-aer has no MPI build, so both ranks simulate the whole state;
 * what is checked is the relay, the counts, and that a cancel takes every rank down. Runs with
 * QPU_TEST_MPI=1, which needs Debian's openmpi-bin and mpi4py in the pinned Python
 * (`apt-get install openmpi-bin libopenmpi-dev && .python-env/bin/pip install mpi4py==4.1.2`).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAerRunner } from '../../../../src/backends/qiskit-aer/runner.js';
import { AerWorkerPool, launcherArgv } from '../../../../src/backends/qiskit-aer/worker-pool.js';
import { WORKER_SCRIPT, type WorkerEvent } from '../../../../src/backends/qiskit-aer/worker-process.js';
import type { TaskRunner } from '../../../../src/backends/types.js';
import type { QrunError } from '../../../../src/errors.js';
import { pythonSkipReason, venvPython } from '../../../helpers/python.js';
import { aerBackend, BELL, countsOf, samplerRequest, slowCircuit } from './helpers.js';

const MPIRUN = '/usr/bin/mpirun';

/**
 * An opt-in suite (QPU_TEST_MPI=1): MPI is a site's choice, not something every checkout installs.
 * Once asked for, a missing MPI or mpi4py is a failure, never a skip.
 */
function mpiSkipReason(): string {
  if (process.env.QPU_TEST_MPI !== '1') return 'the MPI suite runs with QPU_TEST_MPI=1 (docs/developer-guide.md)';
  const python = pythonSkipReason();
  const missing =
    python !== ''
      ? python
      : !existsSync(MPIRUN)
        ? `${MPIRUN} is missing (apt-get install openmpi-bin)`
        : spawnSync(venvPython(), ['-c', 'import mpi4py'], { encoding: 'utf8' }).status === 0
          ? ''
          : 'the pinned Python has no mpi4py (.python-env/bin/pip install mpi4py==4.1.2)';
  if (missing !== '') throw new Error(`QPU_TEST_MPI=1: ${missing}`);
  return '';
}

const skip = mpiSkipReason();

/** Live processes whose command line names this test's copy of the worker: every rank. */
function ranksRunning(script: string): number {
  return readdirSync('/proc').filter((name) => {
    if (!/^\d+$/.test(name)) return false;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z' && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(script) && !readFileSync(`/proc/${name}/cmdline`, 'utf8').startsWith(MPIRUN);
    } catch {
      return false;
    }
  }).length;
}

describe('mpi launcher words', () => {
  it('puts the job id where the launcher says {job_id}', () => {
    expect(launcherArgv(['/usr/local/libexec/aer-mpirun', '{job_id}', '--tag={job_id}x'], 42)).toEqual(['/usr/local/libexec/aer-mpirun', '42', '--tag=42x']);
    expect(launcherArgv(['/usr/bin/mpirun', '{job_id}'], undefined)).toEqual(['/usr/bin/mpirun', '{job_id}']);
  });
});

describe.skipIf(skip !== '')('qiskit-aer over MPI ranks on one node', () => {
  const script = join(mkdtempSync(join(tmpdir(), 'aer-mpi-')), 'worker.py');
  const started: WorkerEvent[] = [];
  const running: ((event: WorkerEvent) => void)[] = [];
  let runner: TaskRunner;
  let backend: ReturnType<typeof aerBackend>;

  beforeAll(() => {
    copyFileSync(WORKER_SCRIPT, script);
    const pool = new AerWorkerPool({
      script,
      onEvent: (_backend, event) => {
        if (event.kind === 'started') started.push(event);
        if (event.kind === 'running') running.splice(0).forEach((resolve) => resolve(event));
      },
    });
    runner = createAerRunner({ deadline: null }, { pool });
    const asRoot = process.getuid?.() === 0 ? ['--allow-run-as-root'] : [];
    backend = aerBackend('aer_mpi', {
      python: venvPython(),
      method: 'statevector',
      max_parallel_threads: 1,
      mpi: { launcher: [MPIRUN, ...asRoot, '--oversubscribe', '-np', '2'], blocking_qubits: 1 },
      metadata: { num_qubits: 20 },
    });
  });
  afterAll(async () => {
    await runner.close?.();
  });

  it('runs a Bell sampler on two ranks: only 00 and 11', async () => {
    const outcome = await (await runner.prepare(samplerRequest([[BELL, null, 200]]), backend)).run(new AbortController().signal);
    expect(Object.keys(countsOf(outcome)).sort()).toEqual(['00', '11']);
    expect(started.at(-1)).toMatchObject({ ranks: 2 });
    expect(ranksRunning(script)).toBe(2);
  });

  it('cancels by taking down every rank, and the next task runs on two new ones', async () => {
    const controller = new AbortController();
    const isRunning = new Promise<WorkerEvent>((resolve) => running.push(resolve));
    const task = (await runner.prepare(samplerRequest([[slowCircuit(12), null, 1_000_000]]), backend)).run(controller.signal);
    await isRunning;
    controller.abort();
    const error = await task.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as QrunError).code).toBe('TASK_CANCELLED');
    await expect.poll(() => ranksRunning(script), { timeout: 10_000 }).toBe(0);
    const outcome = await (await runner.prepare(samplerRequest([[BELL, null, 50]]), backend)).run(new AbortController().signal);
    expect(Object.keys(countsOf(outcome)).sort()).toEqual(['00', '11']);
    expect(started).toHaveLength(2);
  });
});
