/**
 * Which engine runs: QRUN_NATIVE forces a choice, the TypeScript engine stands in only when no
 * binary exists at all, and a binary that exists but does not load is NATIVE_LOAD_FAILED.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { loadBinding } from '../../../src/native/binding.js';
import { selectEngine } from '../../../src/native/select.js';
import { nativeBinding } from './binding.js';

const built = loadBinding();
if (built.status !== 'loaded') throw new Error('the native addon is not built: run `npm run build:native`');
const scratch = mkdtempSync(join(tmpdir(), 'qrun-native-select-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function root(name: string, files: Record<string, string | Buffer> = {}): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'slurm-qpu-fixture' }));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

describe('selectEngine', () => {
  it('runs the native engine when the binary is present and loads, and says why', () => {
    const choice = selectEngine({});
    expect(choice.name).toBe('native');
    expect(choice.engine.name).toBe('native');
    expect(choice.reason).toMatch(/native addon is present and loads \((avx512|avx2|generic) kernels, \d+ threads?\)/);
    expect(choice.binaryPath).toBe(built.path);
  });

  it('QRUN_NATIVE=0 forces the TypeScript engine even with a binary', () => {
    const choice = selectEngine({ QRUN_NATIVE: '0' });
    expect(choice.name).toBe('ts');
    expect(choice.engine.name).toBe('ts');
    expect(choice.reason).toMatch(/QRUN_NATIVE=0/);
  });

  it('QRUN_NATIVE=1 forces the native engine', () => {
    const choice = selectEngine({ QRUN_NATIVE: '1' });
    expect(choice.name).toBe('native');
    expect(choice.reason).toMatch(/QRUN_NATIVE=1 forces the native engine/);
  });

  it('falls back to the TypeScript engine only when no binary exists at all', () => {
    const empty = root('empty');
    const choice = selectEngine({}, { root: empty });
    expect(choice.name).toBe('ts');
    expect(choice.reason).toMatch(/no native addon is built or shipped/);
  });

  it('QRUN_NATIVE=1 without a binary is NATIVE_LOAD_FAILED', () => {
    const empty = root('empty-forced');
    expect(() => selectEngine({ QRUN_NATIVE: '1' }, { root: empty })).toThrow(
      expect.objectContaining({ code: 'NATIVE_LOAD_FAILED', message: expect.stringMatching(/QRUN_NATIVE=1/) }),
    );
  });

  it('a binary that exists but does not load is NATIVE_LOAD_FAILED, never a silent fallback', () => {
    const broken = root('broken', { 'build/Release/qrun_native.node': Buffer.from('not an ELF file') });
    let error: unknown;
    try {
      selectEngine({}, { root: broken });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QrunError);
    expect(error).toMatchObject({ code: 'NATIVE_LOAD_FAILED', hint: expect.stringMatching(/npm rebuild/) });
    expect((error as QrunError).message).toMatch(/exists but cannot be loaded/);
    // Only QRUN_NATIVE=0 gets past a broken binary.
    expect(selectEngine({ QRUN_NATIVE: '0' }, { root: broken }).name).toBe('ts');
  });

  it('a broken prebuild is NATIVE_LOAD_FAILED too', () => {
    const broken = root('broken-prebuild', { [`prebuilds/${process.platform}-${process.arch}/slurm-qpu-fixture.napi.node`]: Buffer.alloc(64) });
    expect(() => selectEngine({}, { root: broken })).toThrow(expect.objectContaining({ code: 'NATIVE_LOAD_FAILED' }));
  });

  it('loads a shipped prebuild (prebuilds/<platform>-<arch>/) when there is no local build', () => {
    const shipped = root('shipped');
    const dir = join(shipped, 'prebuilds', `${process.platform}-${process.arch}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(built.path, join(dir, 'slurm-qpu-fixture.napi.node'));
    const choice = selectEngine({}, { root: shipped });
    expect(choice.name).toBe('native');
    expect(choice.binaryPath).toBe(join(dir, 'slurm-qpu-fixture.napi.node'));
  });

  it('rejects a QRUN_NATIVE that is neither 0 nor 1', () => {
    expect(() => selectEngine({ QRUN_NATIVE: 'yes' })).toThrow(expect.objectContaining({ code: 'OPTION_INVALID' }));
    expect(selectEngine({ QRUN_NATIVE: '' }).name).toBe('native');
  });

  it('reports the kernels and threads it will use', () => {
    const info = nativeBinding().info();
    expect(info.isas).toContain('generic');
    expect(info.isas).toContain(info.isa);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.threads).toBeLessThanOrEqual(info.availableCpus);
  });
});
