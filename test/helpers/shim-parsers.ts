/**
 * The shim's option and plugstack parsers (spank/args.c, spank/config.c) built on their own with
 * ASan and UBSan (spank/fuzz/parsers-driver.c, stubs for Slurm's symbols), for the tests that feed
 * them user and admin input.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC } from './c.js';

const spank = fileURLToPath(new URL('../../spank/', import.meta.url));

export const SHIM_PARSER_SOURCES = ['args.c', 'config.c', 'common.c', 'fuzz/stubs.c'].map((f) => join(spank, f));

/** The shim's sources each libFuzzer target of spank/fuzz/ builds with. */
export const FUZZ_SOURCES: Readonly<Record<'args' | 'config', readonly string[]>> = {
  args: ['args.c', 'common.c', 'fuzz/stubs.c'].map((f) => join(spank, f)),
  config: ['config.c', 'common.c', 'fuzz/stubs.c'].map((f) => join(spank, f)),
};

/** Builds the driver into `dir`; returns a function that runs it on lines. */
export function buildParsersDriver(dir: string): (lines: readonly string[]) => string[] {
  const binary = join(dir, 'parsers-driver');
  compileC('cc', [...SHIM_PARSER_SOURCES, join(spank, 'fuzz', 'parsers-driver.c')], binary, ['-I', spank, '-fsanitize=address,undefined']);
  return (lines) => {
    const ran = spawnSync(binary, [], { input: `${lines.join('\n')}\n`, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0' } });
    if (ran.status !== 0) throw new Error(`parsers-driver failed (${ran.status}):\n${ran.stderr.slice(-4000)}`);
    return ran.stdout.trimEnd().split('\n');
  };
}

export const SPANK_DIR = spank;
