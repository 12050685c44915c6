import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinRegistry, loadPluginModule, loadSitePlugins, resolvePipeline, runPipeline } from '../../../src/pipeline/index.js';
import { batchOf, circuit, estimatorPub, ghzOps, request, simExecute } from './helpers.js';

const example = fileURLToPath(new URL('../../../examples/site-plugin/audit-step.mjs', import.meta.url));
const zodUrl = import.meta.resolve('zod');

function tempModule(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'qrun-plugin-'));
  const path = join(dir, 'plugin.mjs');
  writeFileSync(path, source.replaceAll('ZOD', JSON.stringify(zodUrl)));
  return path;
}

describe('site plugins', () => {
  it('loads the example plugin, lists it, and runs it with the built-ins sharing one context', async () => {
    const registry = builtinRegistry();
    await loadSitePlugins(registry, [example], '/');
    const info = registry.listSteps().find((s) => s.name === 'site-audit');
    expect(info).toMatchObject({ source: 'site', version: '1.0.0', module: example });
    expect(info?.options).toMatchObject({ type: 'object', properties: { label: { type: 'string', default: 'unlabelled' } } });

    const steps = resolvePipeline([{ name: 'site-audit', options: { label: 'chem' } }, { name: 'zne', options: { noise_factors: [1, 3] , extrapolator: 'linear' } }], registry, 'estimator');
    const pub = estimatorPub(circuit(2, ghzOps(2)), ['ZZ'], 100);
    const { results } = await runPipeline(steps, batchOf({ estimator: [pub] }), request('estimator'), simExecute(1));
    const audit = (results.metadata.pipeline as Record<string, unknown>[])[0];
    expect(audit).toMatchObject({ name: 'site-audit', audit: { label: 'chem', circuits: 1, shots: 100, zne_noise_factors: [1, 3] } });
  });

  it('resolves a path relative to the catalogue directory', async () => {
    const steps = await loadPluginModule('./audit-step.mjs', fileURLToPath(new URL('../../../examples/site-plugin/', import.meta.url)));
    expect(steps.map((s) => s.name)).toEqual(['site-audit']);
  });

  it('refuses a module that cannot be imported', async () => {
    await expect(loadPluginModule('/nonexistent/plugin.mjs', '/')).rejects.toMatchObject({ code: 'PLUGIN_LOAD_FAILED', details: { module: '/nonexistent/plugin.mjs' } });
    await expect(loadPluginModule('no-such-package-qrun', '/')).rejects.toMatchObject({ code: 'PLUGIN_LOAD_FAILED' });
  });

  it('refuses a module without a step', async () => {
    await expect(loadPluginModule(tempModule('export const x = 1;'), '/')).rejects.toMatchObject({ code: 'PLUGIN_INVALID', message: expect.stringMatching(/exports no step/) });
  });

  it('lists every problem of a malformed step', async () => {
    const path = tempModule(`export default { name: 'Bad Name', version: 'one', kinds: ['quantum'], options: { type: 'object' }, pre: 42 };`);
    const error = await loadPluginModule(path, '/').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PLUGIN_INVALID' });
    const message = (error as Error).message;
    for (const part of ['name must match', 'version must be semver', 'description', 'kinds must be', 'options must be a zod schema', 'pre must be a function']) {
      expect(message).toContain(part);
    }
  });

  it('refuses a step without hooks, and one that takes a built-in name', async () => {
    const noHooks = tempModule(`import { z } from ZOD; export default { name: 'x', version: '1.0.0', description: 'd', kinds: ['sampler'], options: z.object({}) };`);
    await expect(loadPluginModule(noHooks, '/')).rejects.toMatchObject({ message: expect.stringMatching(/needs a pre or a post hook/) });
    const shadow = tempModule(`import { z } from ZOD; export default { name: 'zne', version: '1.0.0', description: 'd', kinds: ['estimator'], options: z.object({}), pre: (b) => b };`);
    await expect(loadSitePlugins(builtinRegistry(), [shadow], '/')).rejects.toMatchObject({ code: 'PLUGIN_INVALID', message: expect.stringMatching(/already registered \(builtin\)/) });
  });
});
