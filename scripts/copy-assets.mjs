#!/usr/bin/env node
// Files under src/ that tsc does not emit but the installed package runs (the Qiskit Aer worker,
// src/backends/qiskit-aer/worker.py) are copied to the same place under dist/, where the compiled
// modules look for them beside themselves.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSET = /\.py$/;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__pycache__' ? [] : walk(path);
    return ASSET.test(entry.name) ? [path] : [];
  });
}

for (const file of walk(src)) {
  const target = join(dist, relative(src, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
