/**
 * The addon's own tests, run again against its AddressSanitizer + UBSan build
 * (scripts/build-native-sanitized.mjs → build-asan/): a nested vitest with libasan preloaded into
 * node (node is not instrumented; the addon is) and QRUN_TEST_ADDON_ROOT pointing the tests at the
 * sanitized binary. Any report aborts the worker (abort_on_error, -fno-sanitize-recover=all), so
 * the nested run fails and so does this test.
 *
 * detect_leaks=0: LeakSanitizer would report V8's own allocations that live until exit, which are
 * not the addon's; out-of-bounds, use-after-free, double free and undefined behaviour are all
 * still caught.
 *
 * The subset: every file that drives the kernels (contract, branching, primitives, parity,
 * sampling, addon), without the addon's two long-run tests (a 21-qubit circuit to keep the event
 * loop turning, and four circuits up to 18 qubits at once): they check threading and the event
 * loop, which ASan does not, and take minutes under it on a shared machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FILES = [
  'test/unit/engines/contract.test.ts',
  'test/unit/engines/branching.test.ts',
  'test/unit/engines/primitives.test.ts',
  'test/unit/native/parity.test.ts',
  'test/unit/native/sampling.test.ts',
  'test/unit/native/addon.test.ts',
];
const LEFT_OUT = ['the event loop keeps turning during a long run', 'runs concurrent calls one after the other on the pool'];
const REPORT = /ERROR: AddressSanitizer|runtime error:|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)/;

function buildSanitized(): string {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-native-sanitized.mjs'), '--print'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the sanitized addon did not build:\n${built.stderr}${built.stdout}`);
  return built.stdout.trim().split('\n').at(-1) ?? '';
}

function runNested(libasan: string): Promise<{ code: number | null; output: string }> {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  // The nested run is a run of its own: none of this worker's vitest variables.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  const escaped = LEFT_OUT.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const child = spawn(process.execPath, [vitest, 'run', '--project', 'unit', '--testTimeout', '120000', '-t', `^(?!.*(${escaped}))`, ...FILES], {
    cwd: root,
    env: {
      ...env,
      LD_PRELOAD: libasan,
      ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1',
      UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
      QRUN_TEST_ADDON_ROOT: join(root, 'build-asan'),
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('the native addon under AddressSanitizer and UBSan', () => {
  it('passes its tests with the sanitizers on, and they are on', async () => {
    const libasan = buildSanitized();
    expect(libasan).toMatch(/libasan\.so/);
    // The sanitizers are really there: libasan is mapped and the sanitized binary is the one loaded.
    const probe = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(join(root, 'build-asan', 'build', 'Release', 'qrun_native.node'))}); process.stdout.write(require('fs').readFileSync('/proc/self/maps', 'utf8'))`],
      { env: { PATH: process.env.PATH ?? '', LD_PRELOAD: libasan, ASAN_OPTIONS: 'detect_leaks=0' }, encoding: 'utf8' },
    );
    expect(probe.stdout).toMatch(/libasan\.so/);
    expect(probe.stdout).toMatch(/build-asan\/build\/Release\/qrun_native\.node/);

    const nested = await runNested(libasan);
    expect(nested.output, 'a sanitizer report').not.toMatch(REPORT);
    expect(nested.code, nested.output.slice(-4000)).toBe(0);
    const passed = Number(/Tests\s+(\d+) passed/.exec(nested.output)?.[1] ?? 0);
    // The subset ran (about a hundred tests), not an empty selection.
    expect(passed, nested.output.slice(-2000)).toBeGreaterThan(80);
  }, 900_000);
});
