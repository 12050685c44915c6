/**
 * One sampler job of the remote glue as QB circuits: every element of every PUB (one parameter set)
 * is one circuit on the device. A circuit that comes back with fewer shots than asked is topped up
 * with a circuit for the rest, at most `shot_topups` times; what is still missing then is reported,
 * never filled in: the PUB keeps the shots its shortest element has (every element of a PUB must have
 * as many), and its metadata says how many were asked for and how many each element received.
 */
import type { ClassicalRegister } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { RegisterSamples, SamplerOutcome, SamplerPubOutcome } from '../../primitives/result-model.js';
import { parseQasm } from '../../qasm/index.js';
import type { V2Params } from '../remote/index.js';
import type { VendorStatus } from '../remote/index.js';
import type { CircuitRequest, QristalApi } from './api.js';
import { toNative, type NativeCircuit } from './native.js';
import type { QristalModel } from './schema.js';

interface ElementRun {
  readonly native: NativeCircuit;
  readonly wanted: number;
  readonly shots: (readonly number[])[];
  /** The device circuit still running for this element, or null. */
  open: string | null;
  topups: number;
  readonly circuits: string[];
}

interface PubRun {
  readonly index: number;
  readonly shape: readonly number[];
  readonly wanted: number;
  readonly registers: readonly ClassicalRegister[];
  readonly elements: readonly ElementRun[];
}

interface JobRun {
  readonly pubs: readonly PubRun[];
  failure: { readonly reason: string; readonly code: number } | null;
}

export interface QristalJobsOptions {
  readonly api: QristalApi;
  readonly backend: string;
  readonly model: QristalModel;
  readonly shotTopups: number;
  readonly logger?: Logger | undefined;
}

/** Parameter values of a V2 PUB → its shape and one row of values per element (C order). */
function elementRows(values: unknown): { shape: number[]; rows: number[][] } {
  if (values === null || values === undefined) return { shape: [], rows: [[]] };
  const isRow = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level) && !isRow(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const rows: number[][] = [];
  const walk = (v: unknown): void => {
    if (isRow(v)) rows.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
  };
  walk(values);
  return { shape, rows };
}

function requestOf(native: NativeCircuit, shots: number): CircuitRequest {
  return {
    command: 'circuit',
    settings: { shots, results: 'normal', shot_fulfilment_strategy: 'exact' },
    init: new Array<number>(Math.max(1, native.width)).fill(0),
    circuit: native.circuit,
    measure: native.measure,
  };
}

function registerSamples(pub: PubRun, shots: number): RegisterSamples[] {
  return pub.registers.map((register) => {
    const width = Math.ceil(register.size / 8);
    const bytes = new Uint8Array(pub.elements.length * shots * width);
    pub.elements.forEach((element, e) => {
      for (let s = 0; s < shots; s++) {
        const shot = element.shots[s] ?? [];
        const start = (e * shots + s) * width;
        element.native.clbits.forEach((clbit, k) => {
          const bit = clbit - register.offset;
          if (bit < 0 || bit >= register.size || shot[k] !== 1) return;
          const at = start + width - 1 - Math.floor(bit / 8);
          bytes[at] = (bytes[at] ?? 0) | (1 << (bit % 8));
        });
      }
    });
    return { name: register.name, numBits: register.size, shape: pub.shape, shots, bytes };
  });
}

export function createQristalJobs(options: QristalJobsOptions): {
  submit(params: V2Params, signal: AbortSignal): Promise<string>;
  status(id: string, signal: AbortSignal): Promise<VendorStatus>;
  result(id: string): Promise<SamplerOutcome>;
  cancel(id: string): Promise<void>;
} {
  const { api, backend } = options;
  const jobs = new Map<string, JobRun>();
  let next = 0;

  const send = async (element: ElementRun, shots: number, signal?: AbortSignal): Promise<void> => {
    const id = await api.submit(requestOf(element.native, shots), signal);
    element.open = id;
    element.circuits.push(id);
  };

  const openCircuits = (job: JobRun): string[] => job.pubs.flatMap((p) => p.elements.flatMap((e) => (e.open === null ? [] : [e.open])));

  async function cancelAll(job: JobRun): Promise<void> {
    await Promise.all(
      job.pubs.flatMap((p) =>
        p.elements.map(async (e) => {
          if (e.open === null) return;
          const id = e.open;
          e.open = null;
          await api.cancel(id);
        }),
      ),
    );
  }

  return {
    async submit(params, signal) {
      // Everything is translated before the first circuit leaves, so a refusal sends nothing.
      const pubs: PubRun[] = params.pubs.map((raw, index) => {
        const [qasm, values, shots] = raw as [string, unknown, number];
        const circuit = parseQasm(qasm);
        const { shape, rows } = elementRows(values);
        const elements = rows.map((row) => ({ native: toNative(circuit, row, options.model, backend, index), wanted: shots, shots: [], open: null, topups: 0, circuits: [] }));
        return { index, shape, wanted: shots, registers: circuit.clbitRegisters, elements };
      });
      const job: JobRun = { pubs, failure: null };
      try {
        for (const pub of pubs) for (const element of pub.elements) await send(element, element.wanted, signal);
      } catch (error) {
        await cancelAll(job).catch((cause: unknown) => options.logger?.warn({ err: cause }, 'cannot cancel the circuits of a job that failed to submit'));
        throw error;
      }
      const id = `qristal-${++next}`;
      jobs.set(id, job);
      options.logger?.info({ job: id, circuits: openCircuits(job).length }, 'circuits submitted');
      return id;
    },

    async status(id, signal) {
      const job = jobs.get(id);
      if (job === undefined) throw new QrunError('INTERNAL', `${backend}: no job ${id} in this gateway`);
      if (job.failure !== null) return { state: 'failed', ...job.failure };
      for (const pub of job.pubs) {
        for (const element of pub.elements) {
          if (element.open === null) continue;
          const state = await api.poll(element.open, signal);
          if (state.state === 'pending') continue;
          if (state.state === 'failed') {
            element.open = null;
            job.failure = { reason: `circuit ${element.circuits.at(-1) ?? ''} of pubs[${pub.index}]: ${state.reason}`, code: state.status };
            await cancelAll(job);
            return { state: 'failed', ...job.failure };
          }
          element.open = null;
          const missing = element.wanted - element.shots.length;
          element.shots.push(...state.shots.slice(0, missing));
          const short = element.wanted - element.shots.length;
          if (short > 0 && element.topups < options.shotTopups) {
            element.topups += 1;
            options.logger?.info({ job: id, pub: pub.index, short, topup: element.topups }, 'device returned fewer shots than asked; topping up');
            await send(element, short, signal);
          }
        }
      }
      return openCircuits(job).length === 0 ? { state: 'done' } : { state: 'running' };
    },

    async result(id) {
      const job = jobs.get(id);
      if (job === undefined) throw new QrunError('INTERNAL', `${backend}: no job ${id} in this gateway`);
      jobs.delete(id);
      const pubs: SamplerPubOutcome[] = job.pubs.map((pub) => {
        const received = pub.elements.map((e) => e.shots.length);
        const shots = Math.min(...received);
        if (shots === 0) {
          throw new QrunError('BACKEND_FAILED', `${backend}: the device returned no shots for pubs[${pub.index}] (asked for ${pub.wanted}, after ${Math.max(...pub.elements.map((e) => e.topups))} top-up circuits)`, {
            hint: "The device ran the circuit and kept no valid shot; submit again, and tell your site's QPU operators if it persists.",
            details: { backend, pub: pub.index, shots_requested: pub.wanted },
          });
        }
        if (shots < pub.wanted) options.logger?.warn({ job: id, pub: pub.index, wanted: pub.wanted, received }, 'device returned fewer shots than asked');
        return {
          shape: pub.shape,
          shots,
          registers: registerSamples(pub, shots),
          metadata: {
            shots,
            ...(shots < pub.wanted ? { shots_requested: pub.wanted, shots_received: received } : {}),
            circuit_ids: pub.elements.flatMap((e) => e.circuits),
          },
        };
      });
      return { kind: 'sampler', pubs, metadata: {} };
    },

    async cancel(id) {
      const job = jobs.get(id);
      if (job === undefined) return;
      await cancelAll(job);
    },
  };
}
