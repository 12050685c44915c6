/** The gateway's runner for `ibm-quantum-system`: the generic remote runner over this type's driver. */
import { remoteRunner, type PollPolicy } from '../remote/index.js';
import type { RunnerContext, TaskRunner } from '../types.js';
import { ibmSystemDriver, type IbmSystemDriverOptions } from './driver.js';

export interface IbmSystemRunnerOptions extends IbmSystemDriverOptions {
  /** Status polling; default the remote executor's. */
  readonly poll?: PollPolicy | undefined;
}

export function createIbmSystemRunner(context: RunnerContext = { deadline: null }, options: IbmSystemRunnerOptions = {}): TaskRunner {
  return remoteRunner(ibmSystemDriver(context, options), { poll: options.poll, logger: context.logger });
}
