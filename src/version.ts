import { readFileSync } from 'node:fs';

/**
 * The one version, read from package.json so the CLI, the handler, the gateway and the docs never
 * disagree. src/version.ts and dist/version.js sit one level below the package root, the bundled
 * handler's chunks (dist/hook/) two: the nearest package.json of this package above wins.
 */
function readVersion(): string {
  for (let up = '../'; up.length <= 12; up += '../') {
    let parsed: { name?: unknown; version?: unknown };
    try {
      parsed = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
    } catch {
      continue;
    }
    if (parsed.name !== 'slurm-qpu') continue;
    if (typeof parsed.version !== 'string') throw new Error('package.json has no version');
    return parsed.version;
  }
  throw new Error("slurm-qpu's package.json is not found above this module");
}

export const VERSION: string = readVersion();
