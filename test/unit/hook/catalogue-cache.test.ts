import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../src/hook/catalogue-cache.js';
import { statePaths } from '../../../src/hook/paths.js';

const good = (lanes: number) =>
  JSON.stringify({ version: 1, backends: { sim: { type: 'sim', capacity: { gres: 'sim', lanes }, metadata: { num_qubits: 2 } } } });

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'qpu-cat-'));
  const file = join(dir, 'qpu.json');
  const paths = statePaths(join(dir, 'state'));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(paths.root, { recursive: true });
  return { file, paths };
}

describe('catalogue loading in the hook', () => {
  it('validates once, then serves the cached result until the file changes', async () => {
    const { file, paths } = await setup();
    await writeFile(file, good(4), { mode: 0o644 });
    expect((await loadCatalogue(file, paths)).backends.sim?.capacity.lanes).toBe(4);
    const cache = JSON.parse(await readFile(paths.catalogueCache, 'utf8')) as { path: string };
    expect(cache.path).toBe(file);
    expect((await loadCatalogue(file, paths)).backends.sim?.capacity.lanes).toBe(4);
    await writeFile(file, good(2));
    expect((await loadCatalogue(file, paths)).backends.sim?.capacity.lanes).toBe(2);
  });

  it('rejects an invalid edit even after a valid version was cached', async () => {
    const { file, paths } = await setup();
    await writeFile(file, good(4));
    await loadCatalogue(file, paths);
    await writeFile(file, good(0));
    await expect(loadCatalogue(file, paths)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('rejects a missing file and a file other users can write', async () => {
    const { file, paths } = await setup();
    await expect(loadCatalogue(file, paths)).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
    await writeFile(file, good(4));
    await chmod(file, 0o666);
    await expect(loadCatalogue(file, paths)).rejects.toThrow(/writable by users other than root/);
  });
});
