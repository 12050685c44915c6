/**
 * The shim's option parser (--q_backend/--qpu values) and plugstack.conf parser under ASan/UBSan: a
 * table of what each input gets, then a short libFuzzer run of each (spank/fuzz/, seeds and any
 * crash in spank/fuzz/corpus/<target>/). Under CI=true a missing clang with libFuzzer is a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileC, cSkipReason, libFuzzerClang } from '../../helpers/c.js';
import { buildParsersDriver, FUZZ_SOURCES, SPANK_DIR } from '../../helpers/shim-parsers.js';

const work = mkdtempSync(join(tmpdir(), 'qpu-spank-parsers-'));

describe.skipIf(cSkipReason(work) !== '')('the shim parses user and admin input', () => {
  let parse: (lines: readonly string[]) => string[];
  beforeAll(() => {
    parse = buildParsersDriver(work);
  });

  it('keeps a valid backend list and a valid plugstack line as they are', () => {
    expect(parse(['args sim', 'args ibm_fez,sim.2,_x-y', 'config', 'config\tconfig=/etc/slurm/qpu.json\ttimeout=3600\tservice_user=slurmqpu'])).toEqual([
      'ok sim',
      'ok ibm_fez,sim.2,_x-y',
      'ok',
      'ok',
    ]);
  });

  it('refuses what a user can mistype, and survives the hostile values', () => {
    const out = parse([
      'args ',
      'args a,,b',
      'args -a',
      `args ${'x'.repeat(64)}`,
      `args ${Array.from({ length: 17 }, (_, i) => `b${i}`).join(',')}`,
      'args a,a',
      'args sim;rm -rf /',
      'args é',
      `args ${'a,'.repeat(20_000)}a`,
    ]);
    expect(out).toHaveLength(9);
    for (const line of out) expect(line).toMatch(/^refused: /);
  });

  it('takes trace= as yes, no, 1 or 0 and nothing else', () => {
    expect(parse(['config\ttrace=yes', 'config\ttrace=0', 'config\ttrace=maybe', 'config\ttrace=yes\ttrace=no'])).toEqual([
      'ok',
      'ok',
      'refused: trace: expected yes, no, 1 or 0, got: maybe',
      'refused: trace: given more than once',
    ]);
  });

  it('takes service= as yes, no, 1 or 0 and nothing else', () => {
    expect(parse(['config\tservice=no', 'config\tservice=1', 'config\tservice=later', 'config\tservice=no\tservice=yes'])).toEqual([
      'ok',
      'ok',
      'refused: service: expected yes, no, 1 or 0, got: later',
      'refused: service: given more than once',
    ]);
  });

  it('refuses a config= longer than a path can be', () => {
    expect(parse([`config\tconfig=/${'a'.repeat(5000)}.json`])).toEqual(['refused: config: path too long']);
  });

  it('survives a short libFuzzer run of each parser', { timeout: 180_000 }, () => {
    const clang = libFuzzerClang(work);
    if (clang === undefined) {
      if (process.env.CI === 'true') throw new Error('CI=true: no clang with libFuzzer (apt-get install clang-14 libclang-rt-14-dev)');
      return;
    }
    for (const [target, sources] of Object.entries(FUZZ_SOURCES)) {
      const binary = join(work, `${target}-fuzz`);
      compileC(clang, [...sources, join(SPANK_DIR, 'fuzz', `${target}-fuzz.c`)], binary, ['-I', SPANK_DIR, '-fsanitize=fuzzer,address,undefined']);
      // New units go to the first directory, a scratch one; the committed corpus (seeds, crashes) is only read.
      const scratch = mkdtempSync(join(work, `${target}-units-`));
      const ran = spawnSync(binary, ['-runs=5000', '-seed=1', '-max_len=4096', scratch, join(SPANK_DIR, 'fuzz', 'corpus', target)], { encoding: 'utf8', timeout: 120_000 });
      expect(ran.status, `${target}: ${ran.stderr.slice(-3000)}`).toBe(0);
    }
  });
});
