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

const cache = new Map<string, { python: string; reason: string }>();

/**
 * `set` names the pins: python/requirements-<set>.txt. `test` (Qiskit, Aer, qiskit-ibm-runtime, qrmi)
 * is the default; a vendor client whose pins conflict with those has a set of its own.
 */
function prepare(set: string): { python: string; reason: string } {
  const known = cache.get(set);
  if (known !== undefined) return known;
  const made = spawnSync(process.execPath, [join(root, 'scripts', 'python-env.mjs'), '--quiet', '--set', set], { encoding: 'utf8', timeout: 900_000 });
  const python = made.stdout.trim().split('\n').pop() ?? '';
  let got: { python: string; reason: string };
  if (made.status === 0 && python !== '') {
    got = { python, reason: '' };
  } else {
    const reason = `the pinned Python environment (${set}) cannot be made: ${(made.stderr || String(made.error ?? '')).trim().slice(-1500)}`;
    if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
    got = { python: '', reason };
  }
  cache.set(set, got);
  return got;
}

/** Empty when the environment is ready; otherwise why Python tests are skipped (never under CI). */
export function pythonSkipReason(set = 'test'): string {
  return prepare(set).reason;
}

/** The venv's interpreter (absolute path); throws when there is none. */
export function venvPython(set = 'test'): string {
  const { python, reason } = prepare(set);
  if (python === '') throw new Error(reason);
  return python;
}
