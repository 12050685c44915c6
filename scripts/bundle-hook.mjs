#!/usr/bin/env node
// The hook handler as the SPANK shim runs it (dist/hook/main.js) is one bundle, written over what tsc
// emitted there: Node then reads and links a few files instead of some hundred, which is most of a
// QPU job's start-up time besides Node itself (docs/performance.md, "QPU job start"). Code behind
// a dynamic import (a vendor backend, the catalogue schema, the reaper) stays in chunks beside it and
// loads only when used. The chunks sit in dist/hook/, one level below dist/ like every compiled
// module, so paths the code finds from its own URL (the gateway's entry, the native addon) still hold.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Chunks of an earlier build would stay behind under other hashes.
for (const name of readdirSync(join(root, 'dist', 'hook'))) {
  if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(name)) rmSync(join(root, 'dist', 'hook', name));
}

await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/hook/main.ts' },
  outdir: 'dist/hook',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  allowOverwrite: true,
  // An optional native module the handler never loads (keyring: secrets are a workstation's).
  external: ['keytar'],
  // Bundled CommonJS packages (pino) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __qpuCreateRequire } from 'node:module'; const require = __qpuCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
