/**
 * The generic vendor executor: the pipeline's one batched `execute`, carried out as vendor jobs.
 * Refuses what cannot run before sending anything, submits one job per primitive kind in the batch,
 * polls each with a growing interval, decodes the results into the result model, and cancels at the
 * vendor whatever is still running when the task is aborted (scancel, deadline, client cancel) or fails.
 */
import { asQrunError, QrunError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Batch, PrimitiveKind, Results } from '../../pipeline/types.js';
import { fromQiskit } from '../../primitives/decode-qiskit.js';
import type { Executor } from '../../primitives/execute.js';
import type { EstimatorPubOutcome, PrimitiveOutcome, SamplerPubOutcome } from '../../primitives/result-model.js';
import { checkRemoteBatch } from './checks.js';
import { preparedToV2Params } from './params.js';
import { DEFAULT_POLL, pollDelay, waitOrAbort, type PollPolicy } from './poll.js';
import type { RemoteTarget, VendorStatus } from './vendor.js';
import type { TaskHooks, VendorJobRef } from '../types.js';

export type RemoteEvent =
  | { readonly kind: 'submitted'; readonly jobId: string; readonly program: PrimitiveKind; readonly pubs: number }
  | { readonly kind: 'status'; readonly jobId: string; readonly state: VendorStatus['state'] }
  | { readonly kind: 'cancel'; readonly jobId: string; readonly ok: boolean };

export interface RemoteExecutorOptions {
  readonly poll?: PollPolicy | undefined;
  /** Progress the job can show (state changes); called synchronously, must not throw. */
  readonly onEvent?: ((event: RemoteEvent) => void) | undefined;
  readonly logger?: Logger | undefined;
  /** Vendor jobs an earlier gateway sent for this very batch: polled instead of submitted again. */
  readonly attach?: readonly VendorJobRef[] | undefined;
  /** Jobs that must survive the end of the Slurm job (resumable or detached tasks). */
  readonly outlivesJob?: boolean | undefined;
  readonly hooks?: TaskHooks | undefined;
}

/** An abort that lets the vendor job go on (the job ended and the task was detached): nothing is cancelled. */
function detachedAbort(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof QrunError && signal.reason.code === 'TASK_DETACHED';
}

interface VendorJob {
  readonly kind: PrimitiveKind;
  readonly id: string;
  readonly pubs: number;
  final: boolean;
}

/** The error an aborted task ends with: the abort's own reason when it is coded (deadline, release). */
export function cancelledError(signal: AbortSignal, backend: string): QrunError {
  const reason: unknown = signal.reason;
  if (reason instanceof QrunError) return reason;
  return new QrunError('TASK_CANCELLED', `the task on ${backend} was cancelled; its vendor job was cancelled too`, { details: { backend } });
}

function badResult(backend: string, id: string, message: string, cause?: unknown): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the result of vendor job ${id} ${message}`, {
    hint: 'The vendor sent a result this version cannot read; report it with the job id.',
    cause,
    details: { backend, job_id: id },
  });
}

function isOutcome(value: unknown): value is PrimitiveOutcome {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return (kind === 'sampler' || kind === 'estimator') && Array.isArray((value as { pubs?: unknown }).pubs);
}

function decode(raw: unknown, backend: string, job: VendorJob): PrimitiveOutcome {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw badResult(backend, job.id, 'is not JSON', error);
    }
  }
  let outcome: PrimitiveOutcome;
  try {
    outcome = isOutcome(value) ? value : fromQiskit(value);
  } catch (error) {
    throw badResult(backend, job.id, `is not a Qiskit PrimitiveResult (${asQrunError(error).message})`, error);
  }
  if (outcome.pubs.length !== job.pubs) throw badResult(backend, job.id, `has ${outcome.pubs.length} PUB results for ${job.pubs} PUBs`);
  if (outcome.kind !== job.kind && outcome.pubs.length > 0) throw badResult(backend, job.id, `is a ${outcome.kind} result for a ${job.kind} job`);
  return outcome;
}

/**
 * The vendor's DataBin fields are the registers of the circuit it was sent, which the printer may
 * have renamed (a register called like a keyword): the circuit's own names, by position, are kept.
 */
export function withRegisterNames(pub: SamplerPubOutcome, names: readonly { readonly name: string; readonly size: number }[]): SamplerPubOutcome {
  if (pub.registers.length !== names.length || pub.registers.some((r, i) => r.numBits !== names[i]?.size)) return pub;
  return { ...pub, registers: pub.registers.map((r, i) => ({ ...r, name: names[i]?.name ?? r.name })) };
}

function failedError(backend: string, id: string, status: Extract<VendorStatus, { state: 'failed' }>): QrunError {
  const code = status.code === undefined ? '' : ` (vendor code ${status.code})`;
  return new QrunError('BACKEND_FAILED', `${backend} failed vendor job ${id}${code}: ${status.reason}`, {
    hint: 'The vendor ran the job and reported this failure; fix what it names (often the circuit or an option) and submit again.',
    details: { backend, job_id: id, reason: status.reason, ...(status.code === undefined ? {} : { vendor_code: status.code }) },
  });
}

export function remoteExecutor(target: RemoteTarget, signal: AbortSignal, options: RemoteExecutorOptions = {}): Executor {
  const policy = options.poll ?? DEFAULT_POLL;
  const log = options.logger?.child({ backend: target.name });
  const emit = (event: RemoteEvent): void => {
    try {
      options.onEvent?.(event);
      if (event.kind === 'submitted') options.hooks?.onVendorJob?.({ program: event.program, id: event.jobId });
      if (event.kind === 'status') options.hooks?.onVendorState?.(event.state);
    } catch (error) {
      log?.warn({ err: error }, 'progress listener failed');
    }
  };

  async function untilFinal(job: VendorJob): Promise<void> {
    let last: VendorStatus['state'] | undefined;
    for (let attempt = 0; ; attempt++) {
      const status = await target.status(job.id, signal);
      if (status.state !== last) {
        last = status.state;
        log?.info({ jobId: job.id, state: status.state }, 'vendor job state');
        emit({ kind: 'status', jobId: job.id, state: status.state });
      }
      if (status.state === 'done') return;
      if (status.state === 'failed') {
        job.final = true;
        throw failedError(target.name, job.id, status);
      }
      if (status.state === 'cancelled') {
        job.final = true;
        throw new QrunError('TASK_CANCELLED', `${target.name}: vendor job ${job.id} was cancelled at the vendor`, {
          hint: 'The job was cancelled outside this task (the QPU job ended, or someone cancelled it at the vendor); submit again.',
          details: { backend: target.name, job_id: job.id },
        });
      }
      await waitOrAbort(pollDelay(policy, attempt), signal);
    }
  }

  async function cancelOpen(jobs: readonly VendorJob[]): Promise<void> {
    if (detachedAbort(signal)) {
      log?.info({ jobIds: jobs.filter((j) => !j.final).map((j) => j.id) }, 'task detached; vendor jobs left running');
      return;
    }
    await Promise.all(
      jobs
        .filter((job) => !job.final)
        .map(async (job) => {
          try {
            await target.cancel(job.id);
            emit({ kind: 'cancel', jobId: job.id, ok: true });
            log?.info({ jobId: job.id }, 'vendor job cancelled');
          } catch (error) {
            emit({ kind: 'cancel', jobId: job.id, ok: false });
            log?.warn({ err: error, jobId: job.id }, 'cannot cancel vendor job');
          }
        }),
    );
  }

  async function run(batch: Batch, onProgress?: (done: number, total: number) => void): Promise<Results> {
    if (signal.aborted) throw cancelledError(signal, target.name);
    checkRemoteBatch(batch, target.metadata, target.name);
    const jobs: VendorJob[] = [];
    try {
      const kinds: PrimitiveKind[] = ['sampler', 'estimator'];
      for (const kind of kinds) {
        const pubs = kind === 'sampler' ? batch.sampler : batch.estimator;
        if (pubs.length === 0) continue;
        const earlier = options.attach?.find((job) => job.program === kind);
        if (earlier !== undefined) {
          // The same request rebuilds the same batch: the earlier job's result answers it.
          jobs.push({ kind, id: earlier.id, pubs: pubs.length, final: false });
          log?.info({ jobId: earlier.id, program: kind }, 'vendor job attached');
          emit({ kind: 'submitted', jobId: earlier.id, program: kind, pubs: pubs.length });
          continue;
        }
        const params = preparedToV2Params(kind, pubs);
        const id = await target.submit(params, kind, signal, options.outlivesJob === true ? { outlivesJob: true } : undefined);
        jobs.push({ kind, id, pubs: pubs.length, final: false });
        log?.info({ jobId: id, program: kind, pubs: pubs.length }, 'vendor job submitted');
        emit({ kind: 'submitted', jobId: id, program: kind, pubs: pubs.length });
      }
      onProgress?.(0, jobs.length);
      const outcomes = new Map<PrimitiveKind, PrimitiveOutcome>();
      for (const [done, job] of jobs.entries()) {
        await untilFinal(job);
        job.final = true;
        outcomes.set(job.kind, decode(await target.result(job.id, signal), target.name, job));
        onProgress?.(done + 1, jobs.length);
      }
      const sampler = outcomes.get('sampler');
      const estimator = outcomes.get('estimator');
      const ids = jobs.map((j) => j.id);
      return {
        sampler: (sampler?.pubs ?? []).map((pub, i) => withRegisterNames(pub as SamplerPubOutcome, batch.sampler[i]?.circuit.clbitRegisters ?? [])),
        estimator: (estimator?.pubs ?? []) as readonly EstimatorPubOutcome[],
        metadata: { ...(estimator?.metadata ?? {}), ...(sampler?.metadata ?? {}), version: 2, backend: target.name, job_id: ids[0], job_ids: ids },
      };
    } catch (error) {
      await cancelOpen(jobs);
      if (signal.aborted) throw cancelledError(signal, target.name);
      throw error;
    }
  }

  return {
    name: target.name,
    metadata: target.metadata,
    execute: (_request, onProgress) => (batch) => run(batch, onProgress),
  };
}
