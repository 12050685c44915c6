/**
 * docker/ is not run here (no Docker engine), so its files are checked the way they can be: the
 * compose files against the Compose Specification's schema, the shell scripts with bash -n and
 * shellcheck, the demo's catalogue with check-config (scripts/check-docker.mjs, pinned checkers).
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function checkDocker(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/check-docker.mjs'], { timeout: 300_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

describe('docker/', () => {
  it('has compose files the Compose schema accepts, clean shell scripts, and a valid demo catalogue', async () => {
    const { code, output } = await checkDocker();
    expect(code, output).toBe(0);
    expect(output).toMatch(/^ok {3}\S*check-jsonschema --builtin-schema vendor\.compose-spec .*docker\/multinode\/compose\.yaml/m);
    expect(output).toMatch(/^ok {3}\S*shellcheck .*docker\/multinode\/entrypoint\.sh/m);
    expect(output).toMatch(/^ok {3}.*admin check-config docker\/multinode\/qpu\.json/m);
  }, 320_000);
});
