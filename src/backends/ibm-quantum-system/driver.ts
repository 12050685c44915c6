/**
 * The gateway side of `ibm-quantum-system` as a driver of the generic remote runner: one connection
 * per granted device (opened at its first task, closed when the gateway stops), the device's target
 * read once, and the ids of the vendor jobs still at the service, so that a gateway that stops (job
 * released, deadline, scancel) cancels and deletes whatever its tasks left there.
 */
import type { Logger } from '../../log/logger.js';
import type { RemoteDriver } from '../remote/index.js';
import type { GatewayBackend, RunnerContext } from '../types.js';
import { connectDevice, deviceSettings, type ConnectOptions, type DeviceConnection } from './connection.js';
import { parseCredentials } from './credentials.js';
import { cancelVendorJob, deviceTasks, LiveJobs } from './jobs.js';
import { createTargetCache } from './target.js';

/**
 * Calls may go out this long after the allocation ends: the gateway stops at the deadline by aborting
 * its tasks, and the cancel and delete that follow must still reach the service.
 */
const CLEANUP_GRACE_MS = 30_000;

export interface IbmSystemDriverOptions {
  /** HTTP settings for tests (short retry waits); production uses the layer's defaults. */
  readonly http?: Pick<ConnectOptions, 'retry' | 'timeouts'> | undefined;
}

interface Device {
  readonly connection: DeviceConnection;
  readonly live: LiveJobs;
}

export function ibmSystemDriver(context: RunnerContext = { deadline: null }, options: IbmSystemDriverOptions = {}): RemoteDriver & { liveJobs(backend: string): string[] } {
  const devices = new Map<string, Device>();
  const targets = createTargetCache();
  const deadlineMs = context.deadline === null ? undefined : context.deadline * 1000;
  const logger: Logger | undefined = context.logger;

  function deviceOf(backend: GatewayBackend): Device {
    const known = devices.get(backend.name);
    if (known !== undefined) return known;
    const connection = connectDevice(backend.name, deviceSettings(backend.name, backend.settings), parseCredentials(backend.name, backend.secret), {
      ...options.http,
      deadline: deadlineMs === undefined ? undefined : deadlineMs + CLEANUP_GRACE_MS,
      backoffDir: context.backoffDir,
      logger,
    });
    const device = { connection, live: new LiveJobs() };
    devices.set(backend.name, device);
    return device;
  }

  return {
    target: (backend) => targets.metadata(deviceOf(backend).connection.api, backend.name, backend.metadata),
    tasks(backend) {
      const { connection, live } = deviceOf(backend);
      return deviceTasks(connection, { live, logger: logger?.child({ backend: backend.name }), deadline: deadlineMs });
    },
    liveJobs: (backend) => devices.get(backend)?.live.ids() ?? [],
    async close() {
      const all = [...devices.values()];
      devices.clear();
      // The tasks cancel their own jobs when aborted; this catches any a task did not reach.
      await Promise.all(
        all.flatMap(({ connection, live }) =>
          live.ids().map(async (id) => {
            live.delete(id);
            await cancelVendorJob(connection, id, logger);
          }),
        ),
      );
      await Promise.all(all.map(({ connection }) => connection.close()));
    },
  };
}
