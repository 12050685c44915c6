import { PassThrough } from 'node:stream';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output and a chosen environment. */
export async function runCli(argv: string[], env: Record<string, string> = {}, options: { uid?: number } = {}): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ctx: CliContext = { env, stdout, stderr, cwd: process.cwd(), uid: options.uid };
  const code = await main(argv, ctx);
  return { code, stdout: out, stderr: err };
}

