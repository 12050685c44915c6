#!/usr/bin/env node
// Builds the native addon (binding.gyp → build/Release/qrun_native.node) with node-gyp.
//
//   node scripts/build-native.mjs               configure, then build what changed
//   node scripts/build-native.mjs --if-missing  the package's install hook: nothing when a prebuild
//                                               or an earlier build loads, otherwise build
//   node scripts/build-native.mjs --clean       remove node-gyp's output first (a from-scratch build)
//   node scripts/build-native.mjs --prebuilds   prebuildify --napi --strip into prebuilds/ (releases)
//
// Why not `node-gyp rebuild`: it deletes build/ and recompiles every file, so an `npm ci` (install
// hook, then prepare → build) compiled the addon twice, three times with prebuildify as the pre-hook
// of `build`. Here make recompiles only what changed, and an install that already built is a no-op.
//
// Node's headers come from the running node's own prefix (<prefix>/include/node, which Debian's
// nodejs and the official tarballs both ship), so the build works offline and needs no npm `nodedir`
// setting. Only when that directory is missing or belongs to another version does node-gyp fall back
// to its own rules (npm's nodedir, or a download into its cache).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const MODES = ['--if-missing', '--clean', '--prebuilds'];
const args = process.argv.slice(2);
for (const arg of args) {
  if (!MODES.includes(arg)) {
    console.error(`build-native: unknown argument ${arg} (known: ${MODES.join(', ')})`);
    process.exit(2);
  }
}
if (args.length > 1) {
  console.error(`build-native: give at most one of ${MODES.join(', ')}`);
  process.exit(2);
}
const mode = args[0] ?? '';

/** The running node's headers, when they are there and of this very version. */
function ownHeaders() {
  const prefix = dirname(dirname(process.execPath));
  const versionH = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(join(prefix, 'include', 'node', 'node_api.h')) || !existsSync(versionH)) return null;
  const text = readFileSync(versionH, 'utf8');
  const part = (name) => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
  const version = `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  return version === process.versions.node ? prefix : null;
}

/** node-gyp as [executable, ...leading args]: the project's pinned copy, else the one npm bundles. */
function nodeGyp() {
  try {
    const pkgPath = require.resolve('node-gyp/package.json');
    const bin = JSON.parse(readFileSync(pkgPath, 'utf8')).bin;
    return [process.execPath, join(dirname(pkgPath), typeof bin === 'string' ? bin : bin['node-gyp'])];
  } catch {
    const bundled = process.env.npm_config_node_gyp;
    if (bundled !== undefined && bundled !== '' && existsSync(bundled)) return [process.execPath, bundled];
    return ['node-gyp'];
  }
}

function run(command, commandArgs, env = process.env) {
  const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: 'inherit' });
  if (result.error !== undefined) {
    console.error(`build-native: cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`build-native: ${[command, ...commandArgs].join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

/** A binary node-gyp-build would pick (build/ or prebuilds/) that also loads in this node. */
function loadableBinary() {
  // `npm rebuild` and --build-from-source ask for a build even when a binary is there.
  if (process.env.npm_config_build_from_source === 'true' || process.env.npm_command === 'rebuild') return null;
  let path;
  try {
    path = require('node-gyp-build').resolve(root);
  } catch {
    return null;
  }
  try {
    require(path);
    return path;
  } catch (error) {
    console.log(`build-native: ${path} does not load here (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); building from source`);
    return null;
  }
}

const nodedir = ownHeaders();
const headerArgs = nodedir === null ? [] : [`--nodedir=${nodedir}`];
if (nodedir === null) {
  console.log(
    `build-native: ${join(dirname(dirname(process.execPath)), 'include', 'node')} has no headers for node ${process.versions.node}; ` +
      'node-gyp will use npm\'s nodedir setting or download them',
  );
}
const [gyp, ...gypArgs] = nodeGyp();
const quiet = ['--loglevel=warn'];

if (mode === '--prebuilds') {
  // N-API: one prebuild serves every Node ≥ the target, so build against the running node's headers.
  const prebuildify = join(dirname(require.resolve('prebuildify/package.json')), 'bin.js');
  const env = { ...process.env, ...(nodedir === null ? {} : { npm_config_nodedir: nodedir }) };
  run(process.execPath, [prebuildify, '--napi', '--strip', `--target=node@${process.versions.node}`], env);
  process.exit(0);
}

if (mode === '--if-missing') {
  const found = loadableBinary();
  if (found !== null) {
    console.log(`build-native: using ${found}`);
    process.exit(0);
  }
}

if (mode === '--clean') run(gyp, [...gypArgs, 'clean', ...quiet]);
// configure is cheap (about a second) and leaves the objects alone: make still skips what is current.
run(gyp, [...gypArgs, 'configure', ...headerArgs, ...quiet]);
// JOBS (node-gyp's own variable) narrows the parallelism on a shared machine.
run(gyp, [...gypArgs, 'build', `--jobs=${process.env.JOBS ?? 'max'}`, ...quiet]);
console.log(`build-native: ${join('build', 'Release', 'qrun_native.node')}${nodedir === null ? '' : ` (headers: ${join(nodedir, 'include', 'node')})`}`);
