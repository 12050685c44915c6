/**
 * The gateway side of `iqm-server` as a driver of the generic remote runner: one connection per
 * granted quantum computer (opened at its first task, closed when the gateway stops), its target
 * read and kept for the entry's TTL, and the ids of the IQM jobs still running, so that a gateway
 * that stops (job released, deadline, scancel) cancels whatever its tasks left at the server.
 */
import type { Logger } from '../../log/logger.js';
import type { RemoteDriver } from '../remote/index.js';
import type { GatewayBackend, RunnerContext } from '../types.js';
import { connectIqm, iqmSettings, parseToken, type ConnectOptions, type IqmConnection } from './connection.js';
import { cancelIqmJob, iqmTasks, LiveJobs } from './jobs.js';
import { createTargetCache, notHealthy, type TargetCache } from './target.js';

/** Calls may go out this long after the allocation ends, so the cancels that follow its end still arrive. */
const CLEANUP_GRACE_MS = 30_000;

export interface IqmDriverOptions {
  /** HTTP settings for tests (short retry waits); production uses the layer's defaults. */
  readonly http?: Pick<ConnectOptions, 'retry' | 'timeouts'> | undefined;
}

interface Device {
  readonly connection: IqmConnection;
  readonly live: LiveJobs;
  readonly targets: TargetCache;
}

export function iqmDriver(context: RunnerContext = { deadline: null }, options: IqmDriverOptions = {}): RemoteDriver & { liveJobs(backend: string): string[] } {
  const devices = new Map<string, Device>();
  const deadlineMs = context.deadline === null ? undefined : context.deadline * 1000;
  const logger: Logger | undefined = context.logger;

  function deviceOf(backend: GatewayBackend): Device {
    const known = devices.get(backend.name);
    if (known !== undefined) return known;
    const settings = iqmSettings(backend.name, backend.settings);
    const connection = connectIqm(backend.name, settings, parseToken(backend.name, backend.secret), {
      ...options.http,
      deadline: deadlineMs === undefined ? undefined : deadlineMs + CLEANUP_GRACE_MS,
      backoffDir: context.backoffDir,
      logger,
    });
    const device = { connection, live: new LiveJobs(), targets: createTargetCache(settings.metadataTtlMs) };
    devices.set(backend.name, device);
    return device;
  }

  return {
    async target(backend) {
      const { connection, targets } = deviceOf(backend);
      const target = await targets.get(connection.api, backend.name, connection.settings.calibrationSetId);
      if (!target.healthy) throw notHealthy(backend.name, connection.settings.device, target.operationalStatus);
      return target.metadata;
    },
    tasks(backend) {
      const { connection, live, targets } = deviceOf(backend);
      return iqmTasks(connection, { targets, live, logger: logger?.child({ backend: backend.name }) });
    },
    liveJobs: (backend) => devices.get(backend)?.live.ids() ?? [],
    async close() {
      const all = [...devices.values()];
      devices.clear();
      // The tasks cancel their own jobs when aborted; this catches any a task did not reach.
      await Promise.all(all.flatMap(({ connection, live }) => live.ids().map((id) => cancelIqmJob(connection, id, logger))));
      await Promise.all(all.map(({ connection }) => connection.close()));
    },
  };
}
