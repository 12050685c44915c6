/**
 * `qiskit-aer`: Qiskit Aer as a backend type, for what the built-in engine does not do (device noise
 * models, matrix-product-state and stabilizer methods, GPU state vectors, MPI across nodes). Nothing
 * is held at a vendor: acquire and release only let the hook claim the lane Slurm counted. The job's
 * gateway runs the tasks on a long-lived Python worker (runner.ts, worker.py), so the job itself
 * never starts Python for a task.
 */
import { execFile } from 'node:child_process';
import type { Accessibility, Backend, TaskRunner } from '../types.js';
import { AER_TYPE, aerEntrySchema, type AerEntry } from './schema.js';
import { workerConfig } from './settings.js';
import { WORKER_SCRIPT } from './worker-process.js';
import { loadOnFirstUse } from '../lazy-runner.js';

/** Importing Qiskit and building a device's noise model: slow on a cold cache, but under the shim's timeout. */
const CHECK_TIMEOUT_MS = 25_000;

/** Runs the worker's `--check`: the Python starts, imports Qiskit and Aer, and can build the entry. */
export function checkAerPython(entry: AerEntry, timeoutMs: number = CHECK_TIMEOUT_MS): Promise<Accessibility> {
  return new Promise((resolve) => {
    execFile(
      entry.python,
      ['-u', WORKER_SCRIPT, '--check', JSON.stringify(workerConfig({ ...entry, mpi: undefined }))],
      { timeout: timeoutMs, env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' }, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        let answer: { ok?: unknown; error?: { message?: unknown; hint?: unknown } } | undefined;
        try {
          answer = JSON.parse(line) as typeof answer;
        } catch {
          answer = undefined;
        }
        if (answer?.ok === true) return resolve({ ok: true });
        if (answer?.error !== undefined) {
          const { message, hint } = answer.error;
          return resolve({ ok: false, reason: `${String(message)}${typeof hint === 'string' ? `. ${hint}` : ''}` });
        }
        const why = (error as NodeJS.ErrnoException | null)?.code ?? (error?.killed === true ? `no answer within ${timeoutMs / 1000} s` : String(error?.message ?? 'no answer'));
        resolve({ ok: false, reason: `${entry.python} cannot run the Aer worker (${why}): ${stderr.trim().split('\n').slice(-3).join(' ')}`.trim() });
      },
    );
  });
}

/** The gateway's runner, loaded on first use: the hook never loads the primitives or the pipeline. */
function lazyRunner(context: Parameters<Backend['runner']>[0]): TaskRunner {
  return loadOnFirstUse('the Aer runner', () => import('./runner.js').then((m) => m.createAerRunner(context)), { detachable: false });
}

export const aerBackend: Backend<AerEntry> = {
  type: AER_TYPE,
  entrySchema: aerEntrySchema,
  // The worker lives in the gateway for the job's life: a job's own process would start Python per task.
  runsInJob: () => false,
  accessible: (ctx) => checkAerPython(ctx.entry),
  acquire: () => Promise.resolve({ session: null }),
  release: () => Promise.resolve(),
  runner: lazyRunner,
};
