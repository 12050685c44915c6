import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const built = existsSync(`${root}dist/cli/main.js`) && existsSync(`${root}dist/primitives/run.js`);

/** The real executable, as a user runs it; needs `npx tsc -p tsconfig.build.json` (npm run build:ts) first. */
describe.skipIf(!built)('bin/qrun.js', () => {
  it('runs the README’s first command: qrun sample examples/bell.json', () => {
    const run = spawnSync(process.execPath, ['bin/qrun.js', 'sample', 'examples/bell.json'], { cwd: root, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { results: { data: { meas: { samples: string[] } } }[] };
    expect(result.results[0]?.data.meas.samples).toHaveLength(1024);
  });

  it('exits with the documented code for a missing payload', () => {
    const run = spawnSync(process.execPath, ['bin/qrun.js', 'estimate', 'no-such.json'], { cwd: root, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(run.status).toBe(5);
    expect(run.stderr).toMatch(/FILE_NOT_FOUND/);
  });
});
