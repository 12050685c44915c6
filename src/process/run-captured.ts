/**
 * How this process runs a short command and keeps its output (Slurm's commands, src/slurm/scontrol.ts).
 * By default with child_process, which forks: a fork copies the page tables of the whole process on
 * the event loop's thread: for the resident hook service (src/hook/service.ts, 50-100 MB) about
 * 1-2 ms on an idle core and 5-13 ms under load, for every command, which therefore switches to the native addon's posix_spawn
 * (src/native/spawn.ts) once at its start. Every caller gets the same answer shape either way.
 */
import { execFile } from 'node:child_process';

export interface CapturedRun {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it failed: the command's complaint, or the spawn/timeout error. Empty when ok. */
  readonly error: string;
}

export interface CaptureOptions {
  /** The whole environment of the command (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Output beyond this fails the run. */
  readonly maxBuffer: number;
}

export type CommandRunner = (file: string, args: readonly string[], options: CaptureOptions) => Promise<CapturedRun>;

/** child_process.execFile: the command is looked up on the given PATH. */
export const forkRunner: CommandRunner = (file, args, options) =>
  new Promise((resolve) => {
    execFile(file, [...args], { env: options.env, timeout: options.timeoutMs, encoding: 'utf8', maxBuffer: options.maxBuffer }, (error, stdout, stderr) => {
      resolve({ ok: error === null, stdout, stderr, error: error === null ? '' : stderr.trim() || error.message });
    });
  });

let current: CommandRunner = forkRunner;

export function runCaptured(file: string, args: readonly string[], options: CaptureOptions): Promise<CapturedRun> {
  return current(file, args, options);
}

/** For the rest of this process's life (the resident service's start-up). */
export function useCommandRunner(runner: CommandRunner): void {
  current = runner;
}
