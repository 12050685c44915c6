import type { Writable } from 'node:stream';

/**
 * Everything a command may take from the process. Commands read the environment and write output
 * only through this, which keeps them testable in-process and keeps `process.env` reads in one place.
 */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly cwd: string;
  /** The effective uid (commands that read root-only files check it); undefined: unknown, treated as not root. */
  readonly uid?: number | undefined;
}

export function processContext(): CliContext {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), uid: process.getuid?.() };
}
