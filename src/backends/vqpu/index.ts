/**
 * `vqpu`: the built-in simulator served by a job of the user's own (`qrun vqpu serve`) and used by
 * their other jobs through their gateways — QBitBridge's virtual QPU, on Slurm alone. Acquire finds
 * the endpoint in the registration the serving job wrote, after checking that the serving job runs
 * as the same user; release leaves the served simulator alone (it serves the rest of the workflow).
 */
import { QrunError } from '../../errors.js';
import { loadOnFirstUse } from '../lazy-runner.js';
import type { Backend } from '../types.js';
import { readRegistration } from './registration.js';
import { vqpuEntrySchema, type VqpuEntry } from './schema.js';
import { encodeSession } from './session.js';

export const vqpuBackend: Backend<VqpuEntry> = {
  type: 'vqpu',
  entrySchema: vqpuEntrySchema,
  runsInJob: () => false,
  accessible: () => Promise.resolve({ ok: true }),
  async acquire(ctx) {
    if (ctx.uid === undefined || ctx.slurmJob === undefined) {
      throw new QrunError('INTERNAL', 'a vqpu acquire needs the job uid and Slurm');
    }
    const registration = await readRegistration(ctx.entry.registry, ctx.uid, ctx.alias);
    const serving = await ctx.slurmJob(registration.job_id).catch(() => null);
    if (serving === null || serving.uid !== ctx.uid || serving.state !== 'RUNNING') {
      throw new QrunError('VQPU_NOT_SERVED', `no vqpu ${ctx.alias} is served for you: its serving job ${registration.job_id} is not a running job of yours`, {
        hint: `Serve it again (qrun vqpu serve --backend ${ctx.alias}) in a job of yours.`,
        details: { backend: ctx.alias, serving_job: registration.job_id },
      });
    }
    // The endpoint is on the serving job's own node: a registration cannot send the gateway elsewhere.
    const host = new URL(registration.endpoint).hostname;
    if (serving.batchHost === undefined || serving.batchHost === null || host !== serving.batchHost) {
      throw new QrunError('VQPU_REGISTRATION_INVALID', `the registration of vqpu ${ctx.alias} names a host that is not its serving job's node (${serving.batchHost ?? 'unknown'})`, {
        hint: `Serve it again without --host, or with --host ${serving.batchHost ?? 'NODE'} (the node name Slurm gives the serving job).`,
        details: { backend: ctx.alias, serving_job: registration.job_id },
      });
    }
    ctx.logger?.info({ backend: ctx.alias, servingJob: registration.job_id, lanes: registration.lanes }, 'vqpu found');
    return { session: encodeSession({ endpoint: registration.endpoint, token: registration.token, servingJob: registration.job_id, qubits: registration.qubits }) };
  },
  release: () => Promise.resolve(),
  runner: () => loadOnFirstUse('vqpu', () => import('./runner.js').then((m) => m.createVqpuRunner()), { detachable: false }),
};
