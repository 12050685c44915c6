import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliContext } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs qrun in-process with a fake context: chosen cwd, env, and TTY flags. */
export async function qrun(argv: string[], options: { cwd?: string; env?: Record<string, string>; stdoutTTY?: boolean; stderrTTY?: boolean } = {}): Promise<Run> {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.stdoutTTY ?? false });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.stderrTTY ?? false });
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ctx: CliContext = { env: options.env ?? {}, stdout, stderr, cwd: options.cwd ?? process.cwd() };
  const code = await main(argv, ctx);
  return { code, stdout: out, stderr: err };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'qrun-cli-'));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
