#!/usr/bin/env node
// Checks docker/ without Docker, which the machines the project is tested on do not have: every
// compose file against the Compose Specification's JSON schema (check-jsonschema's vendored copy,
// no network), every shell script with `bash -n` and shellcheck, and the demo's catalogue with
// `qrun admin check-config`. The checkers are pinned in python/requirements-docker-lint.txt and
// installed by scripts/python-env.mjs --set docker-lint.
//
//   node scripts/check-docker.mjs          (npm run check:docker)
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docker = join(root, 'docker');

function filesUnder(dir, keep) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

const python = execFileSync(process.execPath, [join(root, 'scripts', 'python-env.mjs'), '--set', 'docker-lint', '--quiet'], { encoding: 'utf8' }).trim();
const bin = dirname(python);
const composeFiles = filesUnder(docker, (name) => /^(docker-)?compose\.ya?ml$/.test(name));
const scripts = filesUnder(docker, (name) => name.endsWith('.sh'));
const catalogues = filesUnder(docker, (name) => name === 'qpu.json');

const checks = [
  [join(bin, 'check-jsonschema'), ['--builtin-schema', 'vendor.compose-spec', ...composeFiles]],
  ...scripts.map((script) => ['bash', ['-n', script]]),
  [join(bin, 'shellcheck'), ['--shell=bash', ...scripts]],
  ...catalogues.map((catalogue) => [process.execPath, [join(root, 'bin', 'qrun.js'), 'admin', 'check-config', catalogue]]),
];

let failed = 0;
for (const [command, args] of checks) {
  const shown = [command.startsWith(root) ? relative(root, command) : command, ...args.map((a) => (a.startsWith(root) ? relative(root, a) : a))].join(' ');
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  const ok = result.status === 0;
  if (!ok) failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${shown}`);
  if (!ok) console.log(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim());
}
console.log(failed === 0 ? `check-docker: ${checks.length} checks passed` : `check-docker: ${failed} of ${checks.length} checks failed`);
process.exit(failed === 0 ? 0 : 1);
