#!/usr/bin/env node
/**
 * `npm run fuzz:c [-- --runs N] [--seed S] [--target args,config,reply]`: builds the shim's libFuzzer
 * targets with clang (-fsanitize=fuzzer,address,undefined) into build-fuzz/ and runs each for N
 * executions (default 10^7), printing executions/s. Seeds: spank/fuzz/corpus/<target>/ (a crash
 * libFuzzer finds is written there as crash-<sha1>, and the unit tests replay it).
 * Needs clang with libFuzzer: `apt-get install clang-14 libclang-rt-14-dev` on Debian bookworm.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const spank = join(root, 'spank');

/** Each target: the shim's sources it fuzzes and the harness. */
const TARGETS = {
  args: { sources: ['args.c', 'common.c', 'fuzz/stubs.c', 'fuzz/args-fuzz.c'], maxLen: 4096 },
  config: { sources: ['config.c', 'common.c', 'fuzz/stubs.c', 'fuzz/config-fuzz.c'], maxLen: 16384 },
  reply: { sources: ['reply.c', 'fuzz/reply-fuzz.c'], maxLen: 8192 },
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

function findClang() {
  const dir = mkdtempSync(join(tmpdir(), 'qpu-fuzz-probe-'));
  const probe = join(dir, 'probe.c');
  spawnSync('sh', ['-c', `printf '%s' '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' > ${probe}`]);
  for (const clang of ['clang', 'clang-19', 'clang-18', 'clang-17', 'clang-16', 'clang-15', 'clang-14']) {
    if (spawnSync(clang, ['-fsanitize=fuzzer,address', probe, '-o', join(dir, 'probe')]).status === 0) return clang;
  }
  return undefined;
}

const runs = Number(option('runs', '10000000'));
const seed = Number(option('seed', '1'));
const names = option('target', Object.keys(TARGETS).join(',')).split(',');
const clang = findClang();
if (clang === undefined) {
  console.error('fuzz:c: no clang with libFuzzer; install clang-14 and libclang-rt-14-dev');
  process.exit(2);
}
const out = join(root, 'build-fuzz');
mkdirSync(out, { recursive: true });
let failed = 0;
for (const name of names) {
  const target = TARGETS[name];
  if (target === undefined) {
    console.error(`fuzz:c: unknown target ${name}; known: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
  const binary = join(out, `${name}-fuzz`);
  const build = spawnSync(
    clang,
    ['-std=gnu11', '-g', '-O1', '-Wall', '-Wextra', '-Werror', '-fno-omit-frame-pointer', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all', '-I', spank, ...target.sources.map((s) => join(spank, s)), '-o', binary],
    { encoding: 'utf8' },
  );
  if (build.status !== 0) {
    console.error(build.stderr);
    process.exit(1);
  }
  const corpus = join(spank, 'fuzz', 'corpus', name);
  mkdirSync(corpus, { recursive: true });
  // Explore in a scratch directory seeded from the committed corpus, so new units do not pile up in git.
  const scratch = mkdtempSync(join(tmpdir(), `qpu-fuzz-${name}-`));
  const started = Date.now();
  const ran = spawnSync(
    binary,
    [`-runs=${runs}`, `-seed=${seed}`, `-max_len=${target.maxLen}`, '-print_final_stats=1', `-artifact_prefix=${corpus}/`, scratch, corpus],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (Date.now() - started) / 1000;
  const executed = /stat::number_of_executed_units:\s*(\d+)/.exec(ran.stderr)?.[1] ?? '?';
  const rate = /stat::average_exec_per_sec:\s*(\d+)/.exec(ran.stderr)?.[1] ?? '?';
  const ok = ran.status === 0;
  if (!ok) failed += 1;
  console.log(`${name.padEnd(8)} ${executed.padStart(10)} executions  ${seconds.toFixed(1).padStart(7)} s  ${rate.padStart(8)} exec/s  ${ok ? 'no crash' : 'CRASH'}  corpus ${readdirSync(corpus).length} files`);
  if (!ok) console.log(ran.stderr.split('\n').filter((l) => /ERROR|SUMMARY|artifact|Test unit written/.test(l)).join('\n'));
}
process.exit(failed === 0 ? 0 : 1);
