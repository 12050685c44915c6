import { readFileSync } from 'node:fs';

/**
 * The one version, read from package.json so the CLI, the handler, the gateway and the docs never
 * disagree. Both src/ and dist/ sit one level below the package root.
 */
function readVersion(): string {
  const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const parsed = JSON.parse(raw) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new Error('package.json has no version');
  return parsed.version;
}

export const VERSION: string = readVersion();
