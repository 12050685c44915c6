/**
 * A backend's gateway runner loaded on first use: the hook imports a backend's index for acquire and
 * release only, so the runner's module (payload schemas, primitives, the pipeline, vendor clients)
 * is loaded in the gateway when the first task, target or warm-up asks for it, and once.
 */
import { QrunError } from '../errors.js';
import type { TaskRunner } from './types.js';

export interface LazyRunnerOptions {
  /**
   * Whether the loaded runner's tasks live at a vendor and can be detached. The gateway asks before the
   * first task loads the runner, so the wrapper has to know it up front.
   */
  readonly detachable: boolean;
}

/** `name` says whose runner it is in the one error it can raise (a runner without a target). */
export function loadOnFirstUse(name: string, create: () => Promise<TaskRunner>, options: LazyRunnerOptions): TaskRunner {
  let loading: Promise<TaskRunner> | null = null;
  const load = (): Promise<TaskRunner> => (loading ??= create());
  return {
    detachable: options.detachable,
    warm: load,
    prepare: async (request, backend) => (await load()).prepare(request, backend),
    target: async (backend) => {
      const runner = await load();
      if (runner.target === undefined) throw new QrunError('INTERNAL', `${name} reads no target`);
      return runner.target(backend);
    },
    close: async () => {
      if (loading !== null) await (await loading).close?.();
    },
  };
}
