/**
 * The quantum computer's jobs as the generic remote executor calls them (src/backends/remote/):
 * submit, status, result, cancel. The executor hands over Sampler V2 params (OpenQASM 3 printed from
 * the pipeline's IR, parameter values apart); each PUB element is bound and translated into IQM's
 * native circuit here, before anything is sent, and one IQM job is submitted per distinct shot count
 * (an IQM job has one `shots` for all its circuits). The executor sees them as one vendor job whose
 * id joins theirs; the result goes back as the project's sampler outcome, register by register.
 */
import type { Circuit } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { PrimitiveKind } from '../../pipeline/types.js';
import type { SamplerOutcome } from '../../primitives/result-model.js';
import { primitiveUnsupported } from '../../primitives/errors.js';
import { parseQasm } from '../../qasm/index.js';
import type { Shape } from '../../primitives/shape.js';
import type { ShotMemory } from '../../sim/api.js';
import type { V2Params, VendorStatus, VendorTasks } from '../remote/index.js';
import type { CircuitJobBody, IqmJob } from './api.js';
import type { IqmConnection } from './connection.js';
import { IQM_SERVER } from './schema.js';
import { measurementsToMemory, pubOutcome } from './results.js';
import type { TargetCache } from './target.js';
import { translateCircuit, type Translated } from './translate.js';

/** Cancel and delete get a short budget of their own: they also run while the gateway is stopping. */
const CLEANUP_TIMEOUT_MS = 4_000;
const ID_SEPARATOR = '+';

interface PubPlan {
  readonly circuit: Circuit;
  readonly shape: Shape;
  readonly shots: number;
  /** One per element, C order. */
  readonly translated: Translated[];
}

interface Submitted {
  readonly pubs: readonly PubPlan[];
  /** IQM job id → the (pub, element) of each of its circuits, in the job's order. */
  readonly jobs: readonly { readonly id: string; readonly shots: number; readonly circuits: readonly (readonly [number, number])[] }[];
}

/** The refusal of an Estimator: IQM Server samples circuits and has no estimator program. */
export function estimatorRefused(backend: string): QrunError {
  return primitiveUnsupported({
    backend: { name: backend, type: IQM_SERVER },
    primitive: 'estimator',
    runs: 'Sampler tasks only',
    why: "IQM's API executes circuits and returns measurements, it has no Estimator",
    instead: 'Measure the observables yourself with a Sampler (rotate each qubit into the Pauli basis, then measure), or run the Estimator on another backend (qrun backends).',
  });
}

/** Nested parameter values (…shape, parameters) → rows in C order and the shape. */
function flattenValues(values: unknown, width: number): { shape: number[]; rows: number[][] } {
  if (values === null || values === undefined) return { shape: [], rows: [[]] };
  const shape: number[] = [];
  for (let level: unknown = values; Array.isArray(level) && Array.isArray(level[0]); level = level[0]) shape.push(level.length);
  const rows: number[][] = [];
  const walk = (node: unknown): void => {
    if (!Array.isArray(node)) return;
    if (node.length === 0 || typeof node[0] === 'number') {
      rows.push(node as number[]);
      return;
    }
    for (const child of node) walk(child);
  };
  walk(values);
  if (rows.some((row) => row.length !== width)) throw new QrunError('INTERNAL', 'parameter values do not match the circuit parameters', { hint: 'This is a bug in slurm-qpu; report it.' });
  return { shape, rows };
}

function planPubs(params: V2Params, qubitNames: readonly string[], backend: string): PubPlan[] {
  return params.pubs.map((raw, index) => {
    const [qasm, values, shots] = raw as [string, unknown, number];
    const circuit = parseQasm(qasm);
    const { shape, rows } = flattenValues(values, circuit.parameters.length);
    const translated = rows.map((row, element) => {
      const bound = new Map(circuit.parameters.map((name, i) => [name, row[i] ?? 0]));
      return translateCircuit(circuit, bound, { qubitNames, backend, pub: index, name: `pub${index}_${element}` });
    });
    return { circuit, shape, shots, translated };
  });
}

function jobBody(circuits: readonly Translated[], shots: number, calibrationSetId: string | undefined): CircuitJobBody {
  return {
    circuits: circuits.map((t) => t.circuit),
    shots,
    calibration_set_id: calibrationSetId ?? null,
    qubit_mapping: null,
    max_circuit_duration_over_t2: null,
    heralding_mode: 'none',
    move_gate_validation: 'strict',
    move_gate_frame_tracking: 'full',
    active_reset_cycles: null,
    dd_mode: 'disabled',
    dd_strategy: null,
  };
}

function failureReason(job: IqmJob): { reason: string; code: string | undefined } {
  const errors = job.errors ?? [];
  const reason = errors.map((e) => `${e.error_code == null ? '' : `${e.error_code}: `}${e.message ?? e.detail ?? ''}`).join('; ');
  return { reason: reason === '' ? 'no reason given' : reason, code: errors.find((e) => e.error_code != null)?.error_code ?? undefined };
}

/** The jobs of this gateway that have not ended: what the gateway cancels when it stops. */
export class LiveJobs {
  readonly #ids = new Set<string>();
  add(id: string): void {
    this.#ids.add(id);
  }
  delete(id: string): void {
    this.#ids.delete(id);
  }
  ids(): string[] {
    return [...this.#ids];
  }
}

export async function cancelIqmJob(conn: IqmConnection, id: string, logger?: Logger): Promise<void> {
  try {
    const cancelled = await conn.api.cancel(id, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    logger?.info({ device: conn.settings.device, jobId: id, cancelled }, 'IQM job cancelled');
  } catch (error) {
    logger?.warn({ err: error, device: conn.settings.device, jobId: id }, 'cannot cancel an IQM job');
  }
}

export interface IqmTasksOptions {
  readonly targets: TargetCache;
  readonly live?: LiveJobs | undefined;
  readonly logger?: Logger | undefined;
}

export function iqmTasks(conn: IqmConnection, options: IqmTasksOptions): VendorTasks {
  const { api, settings } = conn;
  const backend = conn.alias;
  const submitted = new Map<string, Submitted>();
  const idsOf = (id: string): string[] => id.split(ID_SEPARATOR);

  return {
    async submit(params: V2Params, kind: PrimitiveKind, signal: AbortSignal): Promise<string> {
      if (kind === 'estimator') throw estimatorRefused(backend);
      const target = await options.targets.get(api, backend, settings.calibrationSetId, signal);
      // Everything is translated before the first job is sent: a circuit IQM cannot run costs nothing.
      const pubs = planPubs(params, target.qubitNames, backend);
      const byShots = new Map<number, [number, number][]>();
      pubs.forEach((pub, p) => pub.translated.forEach((_, e) => byShots.set(pub.shots, [...(byShots.get(pub.shots) ?? []), [p, e]])));
      const jobs: Submitted['jobs'][number][] = [];
      try {
        for (const [shots, circuits] of byShots) {
          const body = jobBody(
            circuits.map(([p, e]) => pubs[p]?.translated[e] as Translated),
            shots,
            settings.calibrationSetId,
          );
          const id = await api.submitCircuits(body, settings.timeslot, signal);
          options.live?.add(id);
          jobs.push({ id, shots, circuits });
          options.logger?.info({ device: settings.device, jobId: id, circuits: circuits.length, shots }, 'IQM job submitted');
        }
      } catch (error) {
        // A task is all or nothing: the jobs already sent would only spend credits.
        await Promise.all(jobs.map((job) => cancelIqmJob(conn, job.id, options.logger)));
        for (const job of jobs) options.live?.delete(job.id);
        throw error;
      }
      const id = jobs.map((j) => j.id).join(ID_SEPARATOR);
      submitted.set(id, { pubs, jobs });
      return id;
    },

    async status(id, signal): Promise<VendorStatus> {
      const states = await Promise.all(idsOf(id).map((one) => api.job(one, signal)));
      const failed = states.find((job) => job.status === 'failed');
      if (failed !== undefined) {
        const { reason, code } = failureReason(failed);
        for (const one of idsOf(id)) options.live?.delete(one);
        return { state: 'failed', reason: `IQM job ${failed.id}: ${reason}`, code };
      }
      if (states.some((job) => job.status === 'cancelled')) {
        for (const one of idsOf(id)) options.live?.delete(one);
        return { state: 'cancelled' };
      }
      if (states.every((job) => job.status === 'completed')) return { state: 'done' };
      return { state: states.some((job) => job.status === 'processing') ? 'running' : 'queued' };
    },

    async result(id, signal): Promise<SamplerOutcome> {
      const plan = submitted.get(id);
      if (plan === undefined) throw new QrunError('INTERNAL', `no record of IQM job ${id} in this gateway`, { hint: 'This is a bug in slurm-qpu; report it.' });
      const memories: ShotMemory[][] = plan.pubs.map((pub) => new Array<ShotMemory>(pub.translated.length));
      try {
        for (const job of plan.jobs) {
          const results = await api.measurements(job.id, signal);
          if (results.length !== job.circuits.length) {
            throw new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IQM job ${job.id} has results for ${results.length} circuits, ${job.circuits.length} were sent`, {
              hint: 'IQM Server sent results this version cannot read; report it with the job id.',
              details: { backend, job_id: job.id },
            });
          }
          job.circuits.forEach(([p, e], position) => {
            const pub = plan.pubs[p] as PubPlan;
            const translated = pub.translated[e] as Translated;
            (memories[p] as ShotMemory[])[e] = measurementsToMemory(results[position] ?? {}, translated.measurements, translated.numClbits, job.shots, { backend, jobId: job.id });
          });
        }
      } finally {
        submitted.delete(id);
        for (const job of plan.jobs) {
          options.live?.delete(job.id);
          // The results are read (or never will be): the server need not keep them.
          await api.remove(job.id, AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch((error: unknown) => options.logger?.warn({ err: error, jobId: job.id }, 'cannot delete a finished IQM job'));
        }
      }
      return {
        kind: 'sampler',
        pubs: plan.pubs.map((pub, p) => pubOutcome(pub.circuit, pub.shape, pub.shots, memories[p] ?? [])),
        metadata: { iqm_job_ids: plan.jobs.map((j) => j.id) },
      };
    },

    async cancel(id) {
      submitted.delete(id);
      await Promise.all(
        idsOf(id).map(async (one) => {
          await cancelIqmJob(conn, one, options.logger);
          options.live?.delete(one);
        }),
      );
    },
  };
}
