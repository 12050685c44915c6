#!/usr/bin/env node
// The two programs Slurm's side starts per job are bundles, written over what tsc emitted there:
// the hook handler (dist/hook/main.js, run by the SPANK shim or the node's hook service) and the job
// gateway (dist/gateway/main.js, one per QPU job). Node then reads and links a few files instead of
// some hundred, which is most of their start-up time besides Node itself (docs/performance.md, "QPU
// job start"). Code behind a dynamic import (a vendor backend, the catalogue schema, the reaper)
// stays in chunks beside each entry and loads only when used. The chunks sit one level below dist/
// like every compiled module, so paths the code finds from its own URL (the gateway's entry, the
// native addon, package.json) still hold; the Aer backend looks for its worker.py both beside
// itself and under dist/backends/qiskit-aer/.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

for (const [entry, dir] of [
  ['src/hook/main.ts', 'dist/hook'],
  ['src/gateway/main.ts', 'dist/gateway'],
]) {
  // Chunks of an earlier build would stay behind under other hashes.
  for (const name of readdirSync(join(root, dir))) {
    if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(name)) rmSync(join(root, dir, name));
  }
  await build({
    absWorkingDir: root,
    entryPoints: { main: entry },
    outdir: dir,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    allowOverwrite: true,
    // An optional native module neither loads (keyring: secrets are a workstation's).
    external: ['keytar'],
    // Bundled CommonJS packages (pino) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __qpuCreateRequire } from 'node:module'; const require = __qpuCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
