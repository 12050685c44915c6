/**
 * What the hook calls on the simulator, apart from its catalogue schema and runner: no zod here, so
 * a job that acquires the simulator loads no schema library on its start-up path (for-hook.ts).
 */

export const simHookSide = {
  type: 'sim',
  // Without a credential nothing needs guarding: the simulator runs in the job's own process.
  runsInJob: (entry: { readonly secret?: string | undefined }): boolean => entry.secret === undefined,
  accessible: () => Promise.resolve({ ok: true }),
  // Nothing outside the job's own process: no vendor session for a crash to leave open.
  opensSession: false,
  acquire: () => Promise.resolve({ session: null }),
  release: () => Promise.resolve(),
} as const;
