#!/usr/bin/env node
// Builds the native addon's C++ (the sources binding.gyp lists) with AddressSanitizer and UBSan into
// build-asan/ (build-asan/build/Release/qrun_native.node, beside a package.json, so loadBinding()
// finds it as it finds build/ in a checkout), for test/unit/native/sanitized.test.ts.
//
//   node scripts/build-native-sanitized.mjs          compile what changed, link when anything did
//   node scripts/build-native-sanitized.mjs --print  also print the libasan to LD_PRELOAD (last line)
//
// Why not node-gyp: it writes to build/ only, where the release addon lives, and a second configure
// would replace that one's Makefile. The flags are binding.gyp's, at -O1 with frame pointers so a
// report has a readable stack, and -fno-sanitize-recover=all so any UBSan finding aborts like an
// ASan one does. The sanitizers' runtimes are gcc's (the compiler node-gyp uses here); node itself is
// not instrumented, so libasan must be preloaded into it (LD_PRELOAD, the path printed by --print).
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'build-asan');
const objDir = join(out, 'obj');
const binary = join(out, 'build', 'Release', 'qrun_native.node');
const CXX = process.env.CXX ?? 'g++';
const SANITIZE = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'];

/** binding.gyp is JSON with `#` comments: its one target's sources, include dirs and defines. */
function gypTarget() {
  const text = readFileSync(join(root, 'binding.gyp'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/^\s*#.*$/, ''))
    .join('\n');
  const target = JSON.parse(text).targets.find((t) => t.target_name === 'qrun_native');
  if (target === undefined) throw new Error('binding.gyp has no qrun_native target');
  return target;
}

function nodeHeaders() {
  const dir = join(dirname(dirname(process.execPath)), 'include', 'node');
  if (!existsSync(join(dir, 'node_api.h'))) {
    console.error(`build-native-sanitized: no Node headers in ${dir}`);
    process.exit(1);
  }
  return dir;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) {
    console.error(`build-native-sanitized: ${[command, ...args].join(' ')}\n${result.stderr ?? result.error?.message ?? ''}`);
    process.exit(1);
  }
  return result.stdout;
}

const newestHeader = Math.max(...readdirSync(join(root, 'native'), { recursive: true }).filter((f) => String(f).endsWith('.h')).map((f) => statSync(join(root, 'native', String(f))).mtimeMs));
const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : -Infinity);

const target = gypTarget();
const flags = [
  '-std=gnu++17', '-O1', '-g', '-fno-omit-frame-pointer', '-fPIC', '-pthread', '-fexceptions', '-ffp-contract=fast', '-fno-math-errno',
  '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-psabi', ...SANITIZE,
  // node_addon_api_except (binding.gyp's dependency): C++ exceptions for N-API errors.
  '-DNAPI_CPP_EXCEPTIONS', ...target.defines.map((d) => `-D${d}`),
  ...target.include_dirs.map((d) => `-I${join(root, d)}`), `-I${require('node-addon-api').include_dir}`, `-I${nodeHeaders()}`,
];
mkdirSync(objDir, { recursive: true });
mkdirSync(dirname(binary), { recursive: true });
const objects = [];
const stale = [];
for (const source of target.sources) {
  const object = join(objDir, source.replace(/[/\\]/g, '_').replace(/\.cc$/, '.o'));
  objects.push(object);
  if (mtime(object) <= Math.max(mtime(join(root, source)), newestHeader)) stale.push([source, object]);
}
// One compiler per core: a build from scratch is most of the sanitized test's first run.
const compileOne = ([source, object]) =>
  new Promise((resolve) => {
    const child = spawn(CXX, [...flags, '-c', join(root, source), '-o', object], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      if (code !== 0) {
        console.error(`build-native-sanitized: ${CXX} -c ${source}\n${stderr}`);
        process.exit(1);
      }
      resolve();
    });
  });
const queue = [...stale];
await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, async () => {
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) await compileOne(next);
}));
const compiled = stale.length;
if (compiled > 0 || !existsSync(binary)) run(CXX, ['-shared', '-pthread', ...SANITIZE, ...objects, '-o', binary]);
// node-gyp-build reads the package's name from the directory it searches.
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: 'slurm-qpu', private: true })}\n`);
console.log(`build-native-sanitized: ${binary} (${compiled} of ${objects.length} files compiled)`);
if (process.argv.includes('--print')) console.log(run(CXX, ['-print-file-name=libasan.so']).trim());
