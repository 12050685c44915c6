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
  /**
   * Listens for these signals until the returned function is called (a run in a job writes its
   * record when the time limit comes). Absent: no signals (tests drive the abort themselves).
   */
  /** How a Slurm job runs this same qrun (node and its script), for the job scripts qrun writes. */
  readonly self?: readonly string[] | undefined;
  readonly onSignal?: ((signals: readonly NodeJS.Signals[], listener: (signal: NodeJS.Signals) => void) => () => void) | undefined;
}

function onProcessSignal(signals: readonly NodeJS.Signals[], listener: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}

export function processContext(): CliContext {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), uid: process.getuid?.(), self: [process.execPath, process.argv[1] ?? 'qrun'], onSignal: onProcessSignal };
}
