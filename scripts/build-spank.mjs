#!/usr/bin/env node
// Builds the SPANK shim (spank/) with cmake-js into build-spank/spank_qpu.so: a directory of its own,
// because node-gyp owns build/ and its rebuild and clean commands delete all of it.
//
//   node scripts/build-spank.mjs [--required] [--debug]
//
// Without Slurm's headers or json-c's (a workstation) it says so and exits 0, unless --required is
// given.
// The shim needs no Node headers: cmake-js is pointed at an empty stand-in "nodedir" so it never
// tries to download Node's headers, and the build works offline.
// The finished .so replaces the old one by rename, so a running slurmd/slurmstepd never maps a
// half-written file.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (arg !== '--required' && arg !== '--debug') {
    console.error(`build-spank: unknown argument ${arg} (known: --required, --debug)`);
    process.exit(2);
  }
}
const required = args.has('--required');

const slurmInclude = process.env.SLURM_INCLUDE_DIR ?? '/usr/include';
const spankHeader = join(slurmInclude, 'slurm', 'spank.h');
if (!existsSync(spankHeader)) {
  const message =
    `build-spank: ${spankHeader} not found, so the SPANK shim was not built.\n` +
    '  Install Slurm\'s development headers (Debian/Ubuntu: apt-get install libslurm-dev;\n' +
    '  RHEL: dnf install slurm-devel) or set SLURM_INCLUDE_DIR, then run `npm run build:spank`.';
  if (required) {
    console.error(message);
    process.exit(1);
  }
  console.log(message);
  process.exit(0);
}

// json-c reads the catalogue's backend names at submit time (spank/catalogue.c).
const jsonc = spawnSync('pkg-config', ['--exists', 'json-c']);
if (jsonc.status !== 0) {
  const message =
    'build-spank: json-c was not found by pkg-config, so the SPANK shim was not built.\n' +
    '  Install its development files (Debian/Ubuntu: apt-get install libjson-c-dev pkg-config;\n' +
    '  RHEL: dnf install json-c-devel pkgconf), then run `npm run build:spank`.';
  if (required) {
    console.error(message);
    process.exit(1);
  }
  console.log(message);
  process.exit(0);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = String(pkg.version);
if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) {
  console.error(`build-spank: package.json version "${version}" is not semver`);
  process.exit(1);
}

const outDir = join(root, 'build-spank');
const cmakeDir = join(outDir, 'cmake');
const libDir = join(outDir, 'lib');
const stubNodeDir = join(outDir, 'no-node-headers');
mkdirSync(join(stubNodeDir, 'include', 'node'), { recursive: true });
// cmake-js only checks that this file exists before deciding not to download Node's headers.
writeFileSync(
  join(stubNodeDir, 'include', 'node', 'node.h'),
  '/* Stand-in: the SPANK shim uses no Node.js headers (see scripts/build-spank.mjs). */\n',
);

const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
if (!existsSync(cmakeJs)) {
  console.error('build-spank: cmake-js is not installed; run `npm ci` first');
  process.exit(1);
}
const cmakeArgs = [
  cmakeJs,
  'compile',
  '--directory',
  join(root, 'spank'),
  '--out',
  cmakeDir,
  '--config',
  args.has('--debug') ? 'Debug' : 'Release',
  '--prefer-make',
  `--CDQPU_VERSION=${version}`,
  `--CDSLURM_INCLUDE_DIR=${slurmInclude}`,
  `--CDQPU_OUTPUT_DIR=${libDir}`,
  '--log-level',
  'warn',
];
const env = { ...process.env, npm_config_nodedir: stubNodeDir };
const result = spawnSync(process.execPath, cmakeArgs, { cwd: root, env, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`build-spank: cmake-js failed (exit ${result.status ?? result.signal})`);
  process.exit(1);
}

const built = join(libDir, 'spank_qpu.so');
if (!existsSync(built)) {
  console.error(`build-spank: ${built} was not produced`);
  process.exit(1);
}
const target = join(outDir, 'spank_qpu.so');
const tmp = `${target}.tmp-${process.pid}`;
copyFileSync(built, tmp);
renameSync(tmp, target);
console.log(`build-spank: ${target} (slurm-qpu ${version})`);
