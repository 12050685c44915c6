/**
 * What every fuzz target promises and how it is checked: any input gives a valid result or a
 * QrunError whose code is in the catalogue (never INTERNAL, never another exception, never a hang).
 * The same targets run briefly with a fixed seed under `npm test` (fuzz.test.ts) and for millions of
 * inputs under `npm run fuzz` (run.ts); inputs that once failed live in test/fuzz/corpus/<target>/.
 */
import type fc from 'fast-check';
import { ERROR_CATALOG, QrunError } from '../../src/errors.js';

export interface FuzzTarget<T> {
  /** The corpus folder's name: test/fuzz/corpus/<name>/. */
  readonly name: string;
  /** What the target feeds, in one line (the run's report prints it). */
  readonly door: string;
  /** Inputs: mutations of real ones, hostile shapes, and plain noise. */
  arbitrary(): fc.Arbitrary<T>;
  /** Feeds one input; throws only what the door would show its user. */
  run(input: T): unknown;
  /** A corpus file's text and back, so a found input replays unchanged. */
  encode(input: T): string;
  decode(text: string): T;
  /** Set up shared state (a server) before the first input; returns its teardown. */
  open?(): Promise<() => Promise<void>>;
}

/** An input broke the promise; the message says how, and the input is kept for the corpus. */
export class FuzzFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FuzzFailure';
  }
}

/**
 * Longest one input may take before it counts as a hang, in CPU time of this process (what a parser
 * that loops or explodes spends), so a long run at `nice -n 19` on a busy machine, which may wait
 * seconds for a core, never trips it; a target that waits on I/O bounds the wait itself (the
 * gateway target's exchange, at HANG_MS of wall time). It catches a parser that loops or explodes,
 * not one that is slow.
 */
const HANG_MS = 10_000;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Throws FuzzFailure unless `error` is a QrunError with a catalogued code other than INTERNAL. */
export function checkCoded(error: unknown): void {
  if (error instanceof FuzzFailure) throw error;
  if (!(error instanceof QrunError)) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new FuzzFailure(`threw something other than a QrunError: ${what}`, { cause: error });
  }
  if (!Object.hasOwn(ERROR_CATALOG, error.code)) throw new FuzzFailure(`threw a code the catalogue does not hold: ${String(error.code)}`, { cause: error });
  if (error.code === 'INTERNAL') throw new FuzzFailure(`threw INTERNAL: ${error.message}`, { cause: error });
}

/** Runs one input against a target's promise: a result or a coded error, within HANG_MS. */
export async function feed<T>(target: FuzzTarget<T>, input: T): Promise<void> {
  const started = cpuMs();
  try {
    await target.run(input);
  } catch (error) {
    checkCoded(error);
  }
  const took = cpuMs() - started;
  if (took > HANG_MS) throw new FuzzFailure(`one input took ${Math.round(took)} ms of CPU time (the bound is ${HANG_MS} ms)`);
}

/** Chains of one-element lists or one-key objects longer than this are written as a count. */
const CHAIN = 50;

/** Collapses long nesting chains (as the generators make them) so JSON.stringify never runs out of stack. */
function compact(value: unknown): unknown {
  let depth = 0;
  let inner = value;
  let key: string | null = null;
  for (;;) {
    if (Array.isArray(inner) && inner.length === 1 && key === null) {
      inner = inner[0];
    } else if (typeof inner === 'object' && inner !== null && !Array.isArray(inner) && Object.keys(inner).length === 1 && (key === null || key === Object.keys(inner)[0]) && depth > 0 === (key !== null)) {
      key = Object.keys(inner)[0] ?? '';
      inner = (inner as Record<string, unknown>)[key];
    } else break;
    depth += 1;
  }
  if (depth > CHAIN) return { $fuzz: 'chain', depth, ...(key === null ? {} : { key }), leaf: compact(inner) };
  if (Array.isArray(value)) return value.map(compact);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

function expand(tag: { depth: number; key?: string; leaf: unknown }): unknown {
  let value = tag.leaf;
  for (let i = 0; i < tag.depth; i++) value = tag.key === undefined ? [value] : { [tag.key]: value };
  return value;
}

/** JSON with the values JSON cannot hold (NaN, ±Infinity, -0, undefined) and deep chains tagged, for corpus files. */
export function encodeValue(value: unknown): string {
  return `${JSON.stringify(
    compact(value),
    (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return { $fuzz: String(v) };
      if (typeof v === 'number' && Object.is(v, -0)) return { $fuzz: '-0' };
      if (v === undefined) return { $fuzz: 'undefined' };
      return v;
    },
    1,
  )}\n`;
}

const TAGGED: Record<string, unknown> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0, undefined: undefined };

export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const tag = (v as { $fuzz?: unknown }).$fuzz;
      if (tag === 'chain') return expand(v as { depth: number; key?: string; leaf: unknown });
      if (Object.keys(v).length === 1 && typeof tag === 'string' && tag in TAGGED) return TAGGED[tag];
    }
    return v;
  });
}
