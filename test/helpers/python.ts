/**
 * The pinned Python environment for tests that meet real Qiskit and vendor clients
 * (scripts/python-env.mjs: a virtualenv from Debian's /usr/bin/python3, world-readable, with
 * python/requirements-test.txt). Built once and reused while the pins do not change.
 *
 * Under CI=true an environment that cannot be made is a failure, never a skip; elsewhere a test
 * file may skip with the reason (`describe.skipIf(pythonSkipReason() !== '')`).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

let cached: { python: string; reason: string } | undefined;

function prepare(): { python: string; reason: string } {
  if (cached !== undefined) return cached;
  const made = spawnSync(process.execPath, [join(root, 'scripts', 'python-env.mjs'), '--quiet'], { encoding: 'utf8', timeout: 900_000 });
  const python = made.stdout.trim().split('\n').pop() ?? '';
  if (made.status === 0 && python !== '') {
    cached = { python, reason: '' };
  } else {
    const reason = `the pinned Python environment cannot be made: ${(made.stderr || String(made.error ?? '')).trim().slice(-1500)}`;
    if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
    cached = { python: '', reason };
  }
  return cached;
}

/** Empty when the environment is ready; otherwise why Python tests are skipped (never under CI). */
export function pythonSkipReason(): string {
  return prepare().reason;
}

/** The venv's interpreter (absolute path); throws when there is none. */
export function venvPython(): string {
  const { python, reason } = prepare();
  if (python === '') throw new Error(reason);
  return python;
}
