/**
 * Building small C programs for tests of the SPANK shim's plain-C parts (test/unit/spank/): the
 * system C compiler with ASan and UBSan, and clang's libFuzzer when one is installed.
 *
 * Under CI=true a missing C compiler is a failure, never a skip (the native addon needs one anyway);
 * a clang without libFuzzer only changes which fuzzing driver runs.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Warnings as the shim's own build has them, and sanitizers that abort at the first fault. */
export const STRICT_FLAGS = [
  '-std=gnu11',
  '-g',
  '-O1',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wshadow',
  '-Wmissing-prototypes',
  '-fno-omit-frame-pointer',
  '-fno-sanitize-recover=all',
];

function works(compiler: string, args: readonly string[]): boolean {
  const ran = spawnSync(compiler, args, { encoding: 'utf8', timeout: 60_000 });
  return ran.status === 0;
}

let ccReason: string | undefined;

/** Empty when `cc` builds and runs a sanitized program; otherwise why C tests are skipped (never under CI). */
export function cSkipReason(dir: string): string {
  if (ccReason !== undefined) return ccReason;
  const source = join(dir, 'probe.c');
  writeFileSync(source, 'int main(void) { return 0; }\n');
  const out = join(dir, 'probe');
  ccReason =
    works('cc', [...STRICT_FLAGS, '-fsanitize=address,undefined', source, '-o', out]) && works(out, [])
      ? ''
      : 'no C compiler with AddressSanitizer (cc -fsanitize=address,undefined); install gcc';
  if (ccReason !== '' && process.env.CI === 'true') throw new Error(`CI=true: ${ccReason}`);
  return ccReason;
}

/** Compiles sources into `out`; throws with the compiler's output when it fails. */
export function compileC(compiler: string, sources: readonly string[], out: string, flags: readonly string[]): void {
  const ran = spawnSync(compiler, [...STRICT_FLAGS, ...flags, ...sources, '-o', out], { encoding: 'utf8', timeout: 120_000 });
  if (ran.status !== 0) throw new Error(`${compiler} failed:\n${ran.stderr}${ran.stdout}`);
}

/** The first clang found that links a libFuzzer target, or undefined. */
export function libFuzzerClang(dir: string): string | undefined {
  const source = join(dir, 'fuzz-probe.c');
  writeFileSync(
    source,
    '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\n' +
      'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n',
  );
  // Debian installs versioned names; a plain `clang` exists only with the clang package.
  for (const clang of ['clang', 'clang-19', 'clang-18', 'clang-17', 'clang-16', 'clang-15', 'clang-14']) {
    if (works(clang, ['-fsanitize=fuzzer,address', source, '-o', join(dir, 'fuzz-probe')])) return clang;
  }
  return undefined;
}
