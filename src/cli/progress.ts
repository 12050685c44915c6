/**
 * Progress on stderr for long runs. Quiet for the first seconds (most runs never print anything),
 * then at most one update per second: a line rewritten in place on a terminal, plain lines otherwise.
 */
import type { Writable } from 'node:stream';

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export interface ProgressOptions {
  readonly stream: Writable & { isTTY?: boolean };
  readonly enabled: boolean;
  readonly label: string;
  readonly delayMs?: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const start = now();
  const delay = options.delayMs ?? 2000;
  const interval = options.intervalMs ?? 1000;
  let last = -Infinity;
  let shown = false;
  const tty = options.stream.isTTY === true;
  return {
    update(done, total) {
      if (!options.enabled) return;
      const t = now();
      if (t - start < delay || (t - last < interval && done < total)) return;
      last = t;
      shown = true;
      const seconds = ((t - start) / 1000).toFixed(0);
      const text = `qrun: ${options.label}: ${done}/${total} circuit executions done (${seconds} s)`;
      options.stream.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
    },
    finish() {
      if (shown && tty) options.stream.write('\n');
    },
  };
}
