#!/usr/bin/env node
// The Python environment the tests use: a virtualenv made from Debian's /usr/bin/python3 (never a
// Python under /root, which the unprivileged test user cannot reach inside a Slurm job), with every
// package of python/requirements-test.txt at its pinned version.
//
//   node scripts/python-env.mjs [--set NAME] [--dir DIR] [--quiet]     prints the venv's python on stdout
//
// --set NAME picks python/requirements-NAME.txt (default: test). A vendor's own client library
// whose pins cannot live beside the Qiskit ones (pip finds no common solution) gets its own set and
// so its own venv. DIR defaults to $QPU_PYTHON_ENV or <repo>/.python-env for the test set and to
// <repo>/.python-env-NAME for any other; only the test set gets the project's own package. The venv is rebuilt only when the
// requirements file changed, and only the project's own python/ package is reinstalled when only it
// changed: a stamp file holds both digests.
// Files are created world-readable (umask 022) so a job of any user can run the interpreter.
// Exit 1 with the reason when python3-venv cannot be installed or PyPI cannot be reached.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
let dir = process.env.QPU_PYTHON_ENV ?? join(root, '.python-env');
let dirGiven = false;
let set = 'test';
let quiet = false;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--dir' && argv[i + 1] !== undefined) {
    dir = resolve(argv[++i]);
    dirGiven = true;
  } else if (argv[i] === '--set' && argv[i + 1] !== undefined) set = argv[++i];
  else if (argv[i] === '--quiet') quiet = true;
  else {
    console.error(`python-env: unknown argument ${argv[i]} (known: --set NAME, --dir DIR, --quiet)`);
    process.exit(2);
  }
}
if (!/^[a-z0-9-]+$/.test(set)) {
  console.error(`python-env: --set ${set}: use lower-case letters, digits and '-' (python/requirements-NAME.txt)`);
  process.exit(2);
}
if (set !== 'test' && !dirGiven) dir = join(root, `.python-env-${set}`);

const SYSTEM_PYTHON = '/usr/bin/python3';
const requirements = join(root, 'python', `requirements-${set}.txt`);
if (!existsSync(requirements)) {
  console.error(`python-env: no pins for set ${set}: ${requirements} is missing`);
  process.exit(2);
}
const say = (line) => {
  if (!quiet) process.stderr.write(`python-env: ${line}\n`);
};
const fail = (line) => {
  process.stderr.write(`python-env: ${line}\n`);
  process.exit(1);
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return { code: result.status ?? 1, out: result.stdout ?? '', err: result.stderr ?? String(result.error ?? '') };
}

/** Digest of the pins: when they change, the venv is made anew. */
function requirementsDigest() {
  return createHash('sha256').update(readFileSync(requirements)).digest('hex');
}

/** Digest of the project's own package (python/): when only it changes, only it is reinstalled. */
function packageDigest() {
  const hash = createHash('sha256');
  const walk = (path) => {
    if (!existsSync(path)) return;
    for (const name of readdirSync(path).sort()) {
      if (name === '__pycache__' || name.endsWith('.egg-info') || name === 'build') continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(full.slice(root.length)).update(readFileSync(full));
    }
  };
  walk(join(root, 'python', 'slurm_qpu'));
  for (const file of ['pyproject.toml']) if (existsSync(join(root, 'python', file))) hash.update(readFileSync(join(root, 'python', file)));
  return hash.digest('hex');
}

process.umask(0o022);
const python = join(dir, 'bin', 'python');
const stamp = join(dir, '.requirements-digest');
const want = { requirements: requirementsDigest(), package: packageDigest() };
const stampText = (digests) => `${digests.requirements}\n${digests.package}\n`;
const pipEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };

function installOwnPackage() {
  if (set !== 'test' || !existsSync(join(root, 'python', 'pyproject.toml'))) return;
  say("installing the project's own package (python/)");
  // Not editable: the job's user then needs only the venv, not the checkout. --force-reinstall
  // because the version number does not change while the sources do.
  const own = run(python, ['-m', 'pip', 'install', '--quiet', '--no-cache-dir', '--no-deps', '--force-reinstall', join(root, 'python')], { env: pipEnv });
  if (own.code !== 0) fail(`pip could not install python/:\n${own.err.slice(-3000)}`);
}

const had = existsSync(python) && existsSync(stamp) ? readFileSync(stamp, 'utf8').trim().split('\n') : [];
if (had[0] === want.requirements) {
  if (had[1] !== want.package) {
    installOwnPackage();
    writeFileSync(stamp, stampText(want));
  }
  process.stdout.write(`${python}\n`);
  process.exit(0);
}

if (!existsSync(SYSTEM_PYTHON)) fail(`${SYSTEM_PYTHON} is missing: install Debian's python3 (apt-get install python3 python3-venv)`);
if (run(SYSTEM_PYTHON, ['-c', 'import ensurepip, venv']).code !== 0) {
  if (process.getuid?.() !== 0) fail('python3-venv is missing and only root can install it: sudo apt-get install python3-venv');
  say('installing python3-venv (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  const got = run('apt-get', ['install', '-y', '--no-install-recommends', 'python3-venv'], { env });
  if (got.code !== 0) fail(`apt-get could not install python3-venv:\n${got.err.slice(-2000)}`);
}

say(`creating ${dir} from ${SYSTEM_PYTHON}`);
rmSync(dir, { recursive: true, force: true });
const made = run(SYSTEM_PYTHON, ['-m', 'venv', dir]);
if (made.code !== 0) fail(`python3 -m venv ${dir} failed:\n${made.err}`);
say(`installing the pinned packages (python/requirements-${set}.txt)`);
const installed = run(python, ['-m', 'pip', 'install', '--quiet', '--no-cache-dir', '-r', requirements], { env: pipEnv });
if (installed.code !== 0) fail(`pip could not install python/requirements-${set}.txt (is PyPI reachable?):\n${installed.err.slice(-3000)}`);
installOwnPackage();
writeFileSync(stamp, stampText(want));
process.stdout.write(`${python}\n`);
