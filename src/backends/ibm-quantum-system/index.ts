/**
 * `ibm-quantum-system`: a device behind IBM's Quantum System API (on-premises, formerly Direct Access
 * API), as qrmi's IBM QS resource reaches it. The API has no sessions: acquire only checks that the
 * device takes jobs, and the job's gateway submits, cancels and deletes the vendor jobs of its tasks
 * (src/backends/remote/ carries the task; jobs.ts speaks the API; the gateway's stop cancels what is left).
 */
import { join } from 'node:path';
import { QrunError } from '../../errors.js';
import type { AcquireContext, Backend, RunnerContext, TaskRunner } from '../types.js';
import { connectDevice, deviceSettings } from './connection.js';
import { parseCredentials } from './credentials.js';
import { ibmQuantumSystemEntrySchema, IBM_QUANTUM_SYSTEM, type IbmQuantumSystemEntry } from './schema.js';
import { loadOnFirstUse } from '../lazy-runner.js';
import { accessibility } from '../accessibility.js';

/** What the hook asks the device: one status call, within this, so a job's start never hangs on it. */
const STATUS_TIMEOUT_MS = 15_000;

async function deviceStatus(ctx: AcquireContext<IbmQuantumSystemEntry>) {
  const { type: _type, capacity: _capacity, secret: _secret, description: _description, metadata: _metadata, $comment: _comment, ...fields } = ctx.entry;
  const settings = deviceSettings(ctx.alias, fields);
  const connection = connectDevice(ctx.alias, settings, parseCredentials(ctx.alias, ctx.secret), {
    backoffDir: ctx.stateDir === undefined ? undefined : join(ctx.stateDir, 'backoff'),
    logger: ctx.logger,
    deadline: Date.now() + STATUS_TIMEOUT_MS,
  });
  try {
    return { device: settings.device, status: await connection.api.deviceStatus() };
  } finally {
    await connection.close();
  }
}

function notAccepting(device: string, status: string, message: string | undefined): QrunError {
  const why = message === undefined ? '' : ` (${message})`;
  return new QrunError('DEVICE_NOT_ACCEPTING', `${device} is ${status}${why} and accepts no jobs now; submit again when it is online, or request another backend`, {
    hint: 'qrun backends lists the other backends of this site.',
    details: { device, status },
  });
}

/**
 * The runner loads the primitives and the OpenQASM front end, which the hook never needs: it is
 * imported at the gateway's first use (its warm-up, or the first task).
 */
function lazyRunner(context: RunnerContext | undefined): TaskRunner {
  return loadOnFirstUse('the ibm-quantum-system runner', () => import('./runner.js').then((m) => m.createIbmSystemRunner(context)), { detachable: true });
}

export const ibmQuantumSystemBackend: Backend<IbmQuantumSystemEntry> = {
  type: IBM_QUANTUM_SYSTEM,
  entrySchema: ibmQuantumSystemEntrySchema,
  // The credential must never reach the job's own process.
  runsInJob: () => false,
  accessible: (ctx) =>
    accessibility(async () => {
      const { device, status } = await deviceStatus(ctx);
      if (status.status !== 'online') return { ok: false, reason: notAccepting(device, status.status, status.message).message };
      if (status.locked === true) return { ok: true, reason: `${device} is reserved: only jobs of its reservation run now` };
      return { ok: true };
    }),
  async acquire(ctx) {
    const { device, status } = await deviceStatus(ctx);
    // A reserved device is not refused here: the reservation may be this site's, and the API says so
    // (1233) at the first task if it is not.
    if (status.status !== 'online') throw notAccepting(device, status.status, status.message);
    return { session: null };
  },
  // No session to close. The job's vendor jobs live in its gateway, which cancels and deletes them
  // when the hook stops it, right after this.
  release: () => Promise.resolve(),
  runner: lazyRunner,
};
