/**
 * The unit tests' C toolchain, installed once before they run when missing: the shim's parsers are
 * built against Slurm's and json-c's headers (test/helpers/shim-parsers.ts), and fuzzed with clang's
 * libFuzzer (test/unit/spank/parsers.test.ts). As root on Debian these come from the distribution's
 * archive, pinned by its release (bookworm: clang 14.0.6); without root nothing is installed and
 * those tests skip, or fail under CI=true, saying what is missing.
 */
import { ensurePackages } from '../../src/devcluster/host.js';

/** clang and its libFuzzer runtime as Debian bookworm ships them; found by the files that prove each. */
const FUZZ_TOOLCHAIN = [
  { name: 'clang-14', proof: '/usr/bin/clang-14' },
  { name: 'libclang-rt-14-dev', proof: '/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a' },
];

export default async function setup(): Promise<void> {
  if (process.getuid?.() !== 0 || process.platform !== 'linux' || process.arch !== 'x64') return;
  await ensurePackages((line) => process.stderr.write(`unit setup: ${line}\n`), FUZZ_TOOLCHAIN);
}
