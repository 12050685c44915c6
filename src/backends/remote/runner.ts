/**
 * The gateway side of any vendor backend: parse the task, check it against the device's target
 * before anything is sent, then run it through the project's one primitive path
 * (src/primitives/execute.ts), so the mitigation pipeline runs here and only its rewritten circuits
 * reach the vendor. A vendor module supplies a `RemoteDriver`; everything else is shared.
 */
import { QrunError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { BackendMetadata } from '../metadata.js';
import { parseTask, preparedBatch, runTask, type TaskParams } from '../task.js';
import type { GatewayBackend, TaskRequest, TaskRunner } from '../types.js';
import { checkRemoteBatch } from './checks.js';
import { cancelledError, remoteExecutor, type RemoteEvent } from './executor.js';
import type { PollPolicy } from './poll.js';
import type { VendorTasks } from './vendor.js';

export interface RemoteDriver {
  /** The device's target as the vendor describes it (the driver caches it). */
  target(backend: GatewayBackend): Promise<BackendMetadata>;
  /** The vendor's task calls for this backend: its client, credential and session. */
  tasks(backend: GatewayBackend): VendorTasks;
  /** Closes the driver's clients (the gateway is stopping). */
  close?(): Promise<void>;
}

export interface RemoteRunnerOptions {
  readonly poll?: PollPolicy | undefined;
  readonly logger?: Logger | undefined;
  readonly onEvent?: ((backend: string, event: RemoteEvent) => void) | undefined;
  /**
   * True for a vendor that may be used without a credential (a site's open vQPU): the task is then
   * refused only when the catalogue names a secret the gateway did not get.
   */
  readonly credentialOptional?: boolean | undefined;
}

function checkCredential(backend: GatewayBackend, optional: boolean): void {
  if (backend.secret !== undefined && backend.secret.length > 0) return;
  if (optional && !backend.secretRequired) return;
  throw new QrunError('BACKEND_UNAVAILABLE', `backend ${backend.name} needs a credential and the gateway was given none`, {
    hint: 'The catalogue entry names no secret, or it could not be resolved at job start; ask your admin to check it (qrun admin check-config).',
    details: { backend: backend.name },
  });
}

/** The user's PUBs as they arrive, checked before the pipeline: most refusals need no pipeline at all. */
function preflight(params: TaskParams, request: TaskRequest, metadata: BackendMetadata, name: string): void {
  checkRemoteBatch(preparedBatch(params, request), metadata, name);
}

export function remoteRunner(driver: RemoteDriver, options: RemoteRunnerOptions = {}): TaskRunner {
  const targetOf = (backend: GatewayBackend): Promise<BackendMetadata> =>
    // The catalogue's metadata, when the admin wrote one, overrides what the vendor says.
    backend.metadata !== undefined ? Promise.resolve(backend.metadata) : driver.target(backend);
  return {
    target: targetOf,
    detachable: true,
    async prepare(request, backend) {
      checkCredential(backend, options.credentialOptional === true);
      const params = parseTask(request, backend);
      const metadata = await targetOf(backend);
      preflight(params, request, metadata, backend.name);
      return {
        async run(signal, hooks) {
          if (signal.aborted) throw cancelledError(signal, backend.name);
          const executor = remoteExecutor({ name: backend.name, metadata, ...driver.tasks(backend) }, signal, {
            poll: options.poll,
            logger: options.logger,
            attach: request.attach?.vendorJobs,
            outlivesJob: request.durability === 'resumable' || request.durability === 'detached',
            hooks,
            onEvent: options.onEvent === undefined ? undefined : (event) => options.onEvent?.(backend.name, event),
          });
          return runTask(params, executor, request);
        },
      };
    },
    close: () => driver.close?.() ?? Promise.resolve(),
  };
}
