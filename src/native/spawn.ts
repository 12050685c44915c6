/**
 * A CommandRunner (src/process/run-captured.ts) on the native addon's posix_spawn
 * (native/proc/spawn.cc): nothing of the calling process is copied, and the wait runs off the event
 * loop. null when the addon is absent, cannot be loaded or predates runCaptured: the caller keeps
 * child_process.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { CommandRunner } from '../process/run-captured.js';
import { optionalBindingFunction } from './binding.js';

interface SpawnExports {
  runCaptured(
    file: string,
    argv: readonly string[],
    envp: readonly string[],
    timeoutMs: number,
    maxBytes: number,
  ): Promise<{ code: number | null; signal: number | null; timedOut: boolean; truncated: boolean; stdout: string; stderr: string; spawnError?: string }>;
}

/** `file` as execFile would find it: itself when it holds a slash, else the first executable on PATH. */
export function onPath(file: string, path: string | undefined): string | null {
  const candidates = file.includes('/') ? [file] : (path ?? '').split(':').filter(Boolean).map((dir) => join(dir, file));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate.startsWith('/') ? candidate : join(process.cwd(), candidate);
    } catch {
      // not here
    }
  }
  return null;
}

export function nativeCommandRunner(root?: string): CommandRunner | null {
  const run = optionalBindingFunction<SpawnExports['runCaptured']>('runCaptured', root);
  if (run === null) return null;
  return async (file, args, options) => {
    const path = onPath(file, options.env['PATH']);
    if (path === null) return { ok: false, stdout: '', stderr: '', error: `spawn ${file} ENOENT` };
    const envp = Object.entries(options.env).map(([key, value]) => `${key}=${value}`);
    const result = await run(path, [file, ...args], envp, options.timeoutMs, options.maxBuffer);
    const stderr = result.stderr;
    if (result.spawnError !== undefined) return { ok: false, stdout: '', stderr: '', error: `spawn ${file}: ${result.spawnError}` };
    if (result.timedOut) return { ok: false, stdout: result.stdout, stderr, error: stderr.trim() || `${file} timed out after ${options.timeoutMs} ms` };
    if (result.truncated) return { ok: false, stdout: result.stdout, stderr, error: `${file} wrote more than ${options.maxBuffer} bytes` };
    const ok = result.code === 0;
    const how = result.signal !== null ? `killed by signal ${result.signal}` : `exit ${result.code ?? '?'}`;
    return { ok, stdout: result.stdout, stderr, error: ok ? '' : stderr.trim() || `Command failed (${how}): ${file} ${args.join(' ')}` };
  };
}
