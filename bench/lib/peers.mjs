// Builds the small C programs in bench/peers/ on demand (into bench/peers/build/, which git ignores)
// and runs them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const peers = fileURLToPath(new URL('../peers/', import.meta.url));
const out = `${peers}build/`;

/** Compiles bench/peers/<name>.c (or .cc with extra sources) unless the binary is newer. */
export function buildPeer(name, { sources = [`${name}.c`], flags = [], libs = [], cxx = false } = {}) {
  mkdirSync(out, { recursive: true });
  const exe = `${out}${name}`;
  const paths = sources.map((s) => (s.startsWith('/') ? s : `${peers}${s}`));
  const newest = Math.max(...paths.map((p) => statSync(p).mtimeMs));
  if (!existsSync(exe) || statSync(exe).mtimeMs < newest) {
    execFileSync(cxx ? 'g++' : 'cc', ['-O3', ...flags, ...paths, '-o', exe, ...libs], { stdio: 'inherit' });
  }
  return exe;
}

/** Runs a peer binary and parses its last stdout line as JSON. */
export function runPeer(exe, args, { timeoutMs = 600_000 } = {}) {
  const stdout = execFileSync(exe, args.map(String), { encoding: 'utf8', timeout: timeoutMs });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
