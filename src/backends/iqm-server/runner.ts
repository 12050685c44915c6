/**
 * The gateway's runner for `iqm-server`: the generic remote runner over this type's driver, with
 * Estimator tasks refused before anything is parsed or sent (IQM Server only samples circuits).
 */
import { remoteRunner, type PollPolicy } from '../remote/index.js';
import type { RunnerContext, TaskRunner } from '../types.js';
import { iqmDriver, type IqmDriverOptions } from './driver.js';
import { estimatorRefused } from './jobs.js';

export interface IqmRunnerOptions extends IqmDriverOptions {
  /** Status polling; default the remote executor's. */
  readonly poll?: PollPolicy | undefined;
}

export function createIqmRunner(context: RunnerContext = { deadline: null }, options: IqmRunnerOptions = {}): TaskRunner {
  const inner = remoteRunner(iqmDriver(context, options), { poll: options.poll, logger: context.logger });
  return {
    ...inner,
    prepare(request, backend) {
      if (request.programId === 'estimator') throw estimatorRefused(backend.name);
      return inner.prepare(request, backend);
    },
  };
}
