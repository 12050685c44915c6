/**
 * The built-in simulator as a backend type, one like the vendors: no session to open or close (its
 * lane on the node is the hook's), tasks run in the job's own process or, when the entry names a
 * credential, in the job's gateway.
 */
import type { Backend, TaskRunner } from '../types.js';
import { simHookSide } from './hook.js';
import { simEntrySchema, type SimEntry } from './schema.js';

/**
 * The runner loads the primitives, the OpenQASM front end and the engine: most of the gateway's
 * start-up time. It loads after the gateway is listening (the gateway warms it), so a job's launch
 * does not wait for it; the first task does, if it comes first.
 */
function lazySimRunner(): TaskRunner {
  let loading: Promise<TaskRunner> | null = null;
  const load = (): Promise<TaskRunner> => (loading ??= import('./runner.js').then((m) => m.createSimRunner()));
  return {
    warm: load,
    async prepare(request, backend) {
      return (await load()).prepare(request, backend);
    },
  };
}

export const simBackend: Backend<SimEntry> = {
  ...simHookSide,
  entrySchema: simEntrySchema,
  runner: lazySimRunner,
};
