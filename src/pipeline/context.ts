/**
 * The per-request context. Every request gets fresh stores, created by the runner and dropped when the
 * request ends; nothing lives at module or class level, so two concurrent requests never share state.
 *
 * - `shared`: one store all steps of the request read and write (a site step can read what ZNE wrote).
 * - `own`: one store per step position, for a step's bookkeeping between its `pre` and its `post`
 *   (the same step may appear twice in a pipeline, so this is keyed by position, not by name).
 */
import { createPrng, type Prng } from '../sim/prng.js';
import type { RequestInfo } from './types.js';

/**
 * A typed key. Keys are compared by name, so a site plugin written in plain JavaScript can address a
 * value with `{ name: 'zne.noise_factors' }` without importing anything.
 */
export interface ContextKey<T> {
  readonly name: string;
  /** Phantom: carries T for the type checker only. */
  readonly __type?: T;
}

export function contextKey<T>(name: string): ContextKey<T> {
  return { name };
}

interface Store {
  get<T>(key: ContextKey<T>): T | undefined;
  set<T>(key: ContextKey<T>, value: T): void;
  has(key: ContextKey<unknown>): boolean;
  /** Names of every key set so far, for diagnostics. */
  keys(): string[];
}

function createStore(): Store {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: ContextKey<T>) => values.get(key.name) as T | undefined,
    set: <T>(key: ContextKey<T>, value: T) => {
      values.set(key.name, value);
    },
    has: (key) => values.has(key.name),
    keys: () => [...values.keys()],
  };
}

/** What a step's hook receives besides the batch or results. */
export interface StepContext {
  readonly request: RequestInfo;
  /** The step's name and its position in the pipeline. */
  readonly step: { readonly name: string; readonly position: number };
  readonly shared: Store;
  readonly own: Store;
  /**
   * A PRNG for this step in this request, derived from the request seed and the step's position, so
   * a seeded run repeats exactly and adding a step does not change another step's draws.
   */
  random(stream?: string): Prng;
  /** Adds `value` under `key` to the request's top-level result metadata (`pipeline.<step>.<key>`). */
  note(key: string, value: unknown): void;
}

/** FNV-1a over a string: a stable 32-bit stream id for `random(stream)`. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface RequestContext {
  readonly request: RequestInfo;
  readonly shared: Store;
  /** Notes per step position, in pipeline order. */
  readonly notes: Map<number, Record<string, unknown>>;
  forStep(name: string, position: number): StepContext;
}

export function createRequestContext(request: RequestInfo): RequestContext {
  const shared = createStore();
  const notes = new Map<number, Record<string, unknown>>();
  const own = new Map<number, Store>();
  return {
    request,
    shared,
    notes,
    forStep(name, position) {
      let store = own.get(position);
      if (store === undefined) {
        store = createStore();
        own.set(position, store);
      }
      return {
        request,
        step: { name, position },
        shared,
        own: store,
        random: (stream = '') => createPrng((request.seed ^ hash32(`${position}:${name}:${stream}`)) >>> 0),
        note(key, value) {
          const record = notes.get(position) ?? {};
          record[key] = value;
          notes.set(position, record);
        },
      };
    },
  };
}
