/**
 * The start-up trace (plugstack `trace=yes`): milliseconds from the shim's callback to each step of
 * one handler run, written as one `trace` line to the hook log (never to the job). The shim sends
 * the callback's wall-clock time (`trace_us`); Node's `performance.timeOrigin` is on the same clock,
 * so the process start is a mark too. Without `trace=yes` every mark is a no-op.
 */

export interface HookTrace {
  /** Records `name` at the current time (the first mark of a name wins). */
  mark(name: string): void;
  /** Records `name` at `perfMs`, a `performance.now()` taken before the trace existed. */
  markAt(name: string, perfMs: number): void;
  /** Marks in ms since the shim's callback, in the order they were made; empty when tracing is off. */
  marks(): Readonly<Record<string, number>>;
}

const OFF: HookTrace = { mark: () => undefined, markAt: () => undefined, marks: () => ({}) };

const nowMs = (): number => performance.timeOrigin + performance.now();

const round = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * A trace starting at `calledUs` (epoch µs from the shim), or the no-op trace when it is undefined.
 * `processStarted: false` (the resident service, started long before the call) leaves out the
 * process's own start.
 */
export function hookTrace(calledUs: number | undefined, options: { readonly processStarted?: boolean } = {}): HookTrace {
  if (calledUs === undefined) return OFF;
  const origin = calledUs / 1000;
  const marks = new Map<string, number>(options.processStarted === false ? [] : [['node-started', round(performance.timeOrigin - origin)]]);
  return {
    mark(name: string): void {
      if (!marks.has(name)) marks.set(name, round(nowMs() - origin));
    },
    markAt(name: string, perfMs: number): void {
      if (!marks.has(name)) marks.set(name, round(performance.timeOrigin + perfMs - origin));
    },
    marks: () => Object.fromEntries(marks),
  };
}
