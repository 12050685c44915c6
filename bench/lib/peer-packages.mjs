// The npm simulators some benchmarks compare with (pinned in bench/package.json). They are not the
// project's dependencies, so `npm ci` neither downloads nor installs them: `npm run bench:peers` puts
// them in bench/node_modules, and a benchmark whose peer is missing prints that it skipped it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export const INSTALL_PEERS = 'npm run bench:peers';

/**
 * The directory and version of an installed peer package as Node finds it from bench/ (bench/node_modules
 * first), or null after printing the skip line.
 */
export function findPeerPackage(name) {
  for (const dir of require.resolve.paths(name) ?? []) {
    const pkg = join(dir, name, 'package.json');
    if (existsSync(pkg)) return { dir: join(dir, name), version: String(JSON.parse(readFileSync(pkg, 'utf8')).version) };
  }
  console.log(`\n## ${name}: skipped — not installed (\`${INSTALL_PEERS}\` installs the pinned benchmark peers into bench/node_modules)`);
  return null;
}
