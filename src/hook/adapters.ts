import type { BackendEntry } from '../config/catalogue.js';
import type { LeaseBackend } from './journal.js';
import { claimLane, laneOwners } from './lanes.js';
import type { StatePaths } from './paths.js';

/**
 * What the hook needs from a backend adapter at the edges of a job: take a lane/session at acquire,
 * stop in-flight work and give it back at release. (The adapters' task API lives in src/backends/;
 * vendor adapters plug in here when they land.)
 */

export interface AdapterContext {
  readonly jobId: number;
  readonly alias: string;
  readonly entry: BackendEntry;
  readonly paths: StatePaths;
}

export interface AdapterAcquired {
  readonly lane: number | null;
  readonly session: string | null;
}

export interface HookAdapter {
  acquire(ctx: AdapterContext): Promise<AdapterAcquired>;
  /** Stops in-flight work and closes the vendor session, from what the lease recorded. Lanes are freed by the caller. */
  release(held: LeaseBackend, ctx: { readonly jobId: number; readonly paths: StatePaths }): Promise<void>;
}

export class LanesExhaustedError extends Error {
  override readonly name = 'LanesExhaustedError';
  constructor(
    readonly alias: string,
    readonly lanes: number,
    readonly holders: readonly number[],
  ) {
    super(`all ${lanes} lanes of backend '${alias}' on this node are held (jobs ${holders.join(', ') || 'unknown'})`);
  }
}

/** The built-in simulator: a lane on this node; its tasks run inside the job, so nothing to stop. */
export const simAdapter: HookAdapter = {
  async acquire(ctx) {
    const lane = await claimLane(ctx.paths, ctx.alias, ctx.entry.capacity.lanes, ctx.jobId);
    if (lane === undefined) {
      const owners = await laneOwners(ctx.paths, ctx.alias);
      throw new LanesExhaustedError(ctx.alias, ctx.entry.capacity.lanes, [...new Set(owners.values())]);
    }
    return { lane, session: null };
  },
  release: () => Promise.resolve(),
};

const ADAPTERS: Readonly<Record<BackendEntry['type'], HookAdapter>> = { sim: simAdapter };

/** The adapter for a backend type; undefined for a type this version does not know (an old lease). */
export function adapterFor(type: string): HookAdapter | undefined {
  return Object.prototype.hasOwnProperty.call(ADAPTERS, type) ? ADAPTERS[type as BackendEntry['type']] : undefined;
}
