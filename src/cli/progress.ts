/**
 * Progress on stderr for everything that waits: a long simulation, a task in the gateway's queue or
 * at the vendor. Three modes, chosen once per command (`progressMode`):
 * - `tty`: stderr is a terminal and --json is not given: one line rewritten in place;
 * - `json`: --json: one JSON object per line (`{"event": "progress", ...}`), for scripts and workflows;
 * - `off`: stderr is a pipe or file without --json: nothing, so logs stay clean.
 * Quiet for the first seconds (most runs never print anything); then at most one update per
 * interval, and at once whenever the state changes.
 */
import type { Writable } from 'node:stream';

export type ProgressMode = 'tty' | 'json' | 'off';

type Stream = Writable & { isTTY?: boolean };

export function progressMode(stream: Stream, json: boolean): ProgressMode {
  if (json) return 'json';
  return stream.isTTY === true ? 'tty' : 'off';
}

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export interface ProgressOptions {
  readonly stream: Stream;
  readonly mode: ProgressMode;
  readonly label: string;
  readonly delayMs?: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** A line rewritten in place on a terminal, JSON lines in json mode, nothing when off. */
function writer(options: ProgressOptions): { write(text: string, event: Record<string, unknown>): void; finish(): void } {
  let shown = false;
  return {
    write(text, event) {
      shown = true;
      if (options.mode === 'tty') options.stream.write(`\r${text}\x1b[K`);
      else if (options.mode === 'json') options.stream.write(`${JSON.stringify({ event: 'progress', ...event })}\n`);
    },
    finish() {
      if (shown && options.mode === 'tty') options.stream.write('\n');
    },
  };
}

/** Circuit executions done of a run in this process (the simulator's own count). */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const start = now();
  const delay = options.delayMs ?? 2000;
  const interval = options.intervalMs ?? 1000;
  let last = -Infinity;
  const out = writer(options);
  return {
    update(done, total) {
      if (options.mode === 'off') return;
      const t = now();
      if (t - start < delay || (t - last < interval && done < total)) return;
      last = t;
      const seconds = Math.round((t - start) / 1000);
      out.write(`qrun: ${options.label}: ${done}/${total} circuit executions done (${seconds} s)`, { label: options.label, done, total, elapsed_s: seconds });
    },
    finish: () => out.finish(),
  };
}

/** Where a waiting task is, as a wait reports it (src/tasks/handle.ts TaskProgress). */
export interface WaitState {
  readonly id: string;
  readonly backend: string;
  readonly state: string;
  readonly vendorState?: string | undefined;
  readonly position?: number | undefined;
  readonly elapsedSeconds: number;
}

export interface WaitProgress {
  report(state: WaitState): void;
  finish(): void;
}

/** The human line for a wait: task, backend, state (the vendor's word and queue position when it gives them), elapsed time. */
export function describeWait(state: WaitState): string {
  const vendor = state.vendorState !== undefined && state.vendorState !== state.state ? ` (vendor: ${state.vendorState})` : '';
  const position = state.position === undefined ? '' : `, position ${state.position} in the queue`;
  return `qrun: task ${state.id} on ${state.backend}: ${state.state}${vendor}${position}, ${formatElapsed(state.elapsedSeconds)}`;
}

export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function createWaitProgress(options: Omit<ProgressOptions, 'label'>): WaitProgress {
  const now = options.now ?? Date.now;
  const start = now();
  const delay = options.delayMs ?? 2000;
  const interval = options.intervalMs ?? 1000;
  let last = -Infinity;
  let lastKey = '';
  const out = writer({ ...options, label: '' });
  return {
    report(state) {
      if (options.mode === 'off') return;
      const t = now();
      const key = `${state.state}/${state.vendorState ?? ''}/${state.position ?? ''}`;
      const changed = key !== lastKey;
      // The first state is news only once the wait is long enough to be worth a line.
      if (t - start < delay || (!changed && t - last < interval)) return;
      last = t;
      lastKey = key;
      out.write(describeWait(state), {
        task: state.id,
        backend: state.backend,
        state: state.state,
        ...(state.vendorState === undefined ? {} : { vendor_state: state.vendorState }),
        ...(state.position === undefined ? {} : { position: state.position }),
        elapsed_s: Math.round(state.elapsedSeconds),
      });
    },
    finish: () => out.finish(),
  };
}
