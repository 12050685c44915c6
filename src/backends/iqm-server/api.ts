/**
 * IQM Server's REST API (v1) as typed calls, on the routes iqm-client 36 uses (IQMServerClient,
 * IQMServerExecutor, IQMServerStorage): quantum computers, their architectures, circuit jobs
 * (submit, status, measurements, cancel, delete) and, where a site books them, timeslots. Every
 * call carries `Authorization: Bearer <API token>`. Replies are checked with zod, so a changed API
 * fails here with the field named.
 */
import { z } from 'zod';
import { QrunError } from '../../errors.js';
import { isHttpStatusError, type HttpClient, type HttpRequest } from '../../http/index.js';
import type { SecretValue } from '../../secrets/value.js';
import { IQM_CODES, mapIqmError, vendorError } from './errors.js';
import type { IqmCircuit } from './translate.js';
import type { IqmMeasurements } from './results.js';

const API = '/api/v1';

const quantumComputersSchema = z.object({ quantum_computers: z.array(z.object({ id: z.string(), alias: z.string(), display_name: z.string().optional() }).loose()) }).loose();

const limitsSchema = z
  .object({
    max_circuits_per_job: z.number().int().positive().nullable().optional(),
    max_shots_per_circuit: z.number().int().positive().nullable().optional(),
    max_executions_per_job: z.number().int().positive().nullable().optional(),
    max_instructions_per_circuit: z.number().int().positive().nullable().optional(),
  })
  .loose();

/** `GET /quantum-computers/{qc}`: the details qrmi reads (limits, health, operational state). */
const detailsSchema = z
  .object({
    alias: z.string(),
    limits: limitsSchema.nullable().optional(),
    operational: z.boolean().optional(),
    operational_status: z.string().optional(),
    health: z.object({ healthy: z.boolean(), updated_at: z.string().optional() }).loose().nullable().optional(),
    queue_length: z.number().int().nonnegative().nullable().optional(),
  })
  .loose();
export type QuantumComputerDetails = z.infer<typeof detailsSchema>;

const sqaSchema = z.array(
  z
    .object({
      qubits: z.array(z.string()),
      computational_resonators: z.array(z.string()).optional(),
      connectivity: z.array(z.array(z.string())),
    })
    .loose(),
);
export type StaticArchitecture = z.infer<typeof sqaSchema>[number];

const dqaSchema = z
  .object({
    calibration_set_id: z.string(),
    qubits: z.array(z.string()),
    gates: z.record(z.string(), z.object({ implementations: z.record(z.string(), z.object({ loci: z.array(z.array(z.string())) }).loose()) }).loose()),
  })
  .loose();
export type DynamicArchitecture = z.infer<typeof dqaSchema>;

const JOB_STATUSES = ['waiting', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type IqmJobStatus = (typeof JOB_STATUSES)[number];

const jobSchema = z
  .object({
    id: z.string(),
    type: z.string().optional(),
    status: z.enum(JOB_STATUSES),
    errors: z.array(z.object({ message: z.string().optional(), detail: z.string().optional(), error_code: z.string().nullable().optional(), source: z.string().optional() }).loose()).optional(),
    queue_position: z.number().int().nullable().optional(),
  })
  .loose();
export type IqmJob = z.infer<typeof jobSchema>;

const measurementsSchema = z.array(z.record(z.string(), z.array(z.array(z.number().int()))));

const timeslotSchema = z.object({ id: z.string(), start: z.string().optional(), end: z.string().optional() }).loose();

/** The body of `POST /jobs/{qc}/circuit`: iqm-client 36's CircuitJobDefinition, in its field names. */
export interface CircuitJobBody {
  readonly circuits: readonly IqmCircuit[];
  readonly shots: number;
  readonly calibration_set_id: string | null;
  readonly qubit_mapping: null;
  readonly max_circuit_duration_over_t2: null;
  readonly heralding_mode: 'none';
  readonly move_gate_validation: 'strict';
  readonly move_gate_frame_tracking: 'full';
  readonly active_reset_cycles: null;
  readonly dd_mode: 'disabled';
  readonly dd_strategy: null;
}

export interface IqmApi {
  readonly device: string;
  quantumComputers(signal?: AbortSignal): Promise<readonly string[]>;
  details(signal?: AbortSignal): Promise<QuantumComputerDetails>;
  staticArchitecture(signal?: AbortSignal): Promise<StaticArchitecture>;
  dynamicArchitecture(calibrationSet: string, signal?: AbortSignal): Promise<DynamicArchitecture>;
  submitCircuits(body: CircuitJobBody, useTimeslot: boolean, signal?: AbortSignal): Promise<string>;
  job(id: string, signal?: AbortSignal): Promise<IqmJob>;
  measurements(id: string, signal?: AbortSignal): Promise<IqmMeasurements[]>;
  /** True when this call cancelled it; false when the job had already ended or is gone. */
  cancel(id: string, signal?: AbortSignal): Promise<boolean>;
  /** Deletes a job and its results at the server; one already gone is fine. */
  remove(id: string, signal?: AbortSignal): Promise<void>;
  /** Books a timeslot of `minutes` for this quantum computer; returns its id. */
  bookTimeslot(minutes: number, signal?: AbortSignal): Promise<string>;
  /** Frees a booked timeslot; one already over or gone is fine. */
  releaseTimeslot(id: string, signal?: AbortSignal): Promise<void>;
}

export interface IqmApiOptions {
  /** A client whose base URL is the server's endpoint. */
  readonly http: HttpClient;
  readonly token: SecretValue;
  /** The quantum computer's alias at the server. */
  readonly device: string;
}

function badReply(backend: string, what: string, error: z.ZodError): QrunError {
  const issue = error.issues[0];
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IQM Server's ${what} is not what this version reads: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), {
    hint: 'IQM Server may have changed its API; give the metadata in the catalogue entry, and report it with the gateway log.',
    details: { backend, what },
  });
}

function vendorCode(error: unknown): string | undefined {
  return isHttpStatusError(error) ? vendorError(error.body).code : undefined;
}

export function createIqmApi(options: IqmApiOptions): IqmApi {
  const { http, token, device } = options;
  const qc = encodeURIComponent(device);
  const jobPath = (id: string): string => `${API}/jobs/${encodeURIComponent(id)}`;

  async function call<T>(request: HttpRequest): Promise<T> {
    try {
      const reply = await http.request<T>({ ...request, headers: { ...request.headers, authorization: `Bearer ${token.reveal()}` } });
      return reply.body;
    } catch (error) {
      throw isHttpStatusError(error) ? mapIqmError(error, device) : error;
    }
  }

  function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw badReply(http.backend, what, parsed.error);
    return parsed.data;
  }

  return {
    device,
    async quantumComputers(signal) {
      const list = parse(quantumComputersSchema, await call({ method: 'GET', path: `${API}/quantum-computers`, signal }), 'list of quantum computers');
      return list.quantum_computers.map((q) => q.alias);
    },
    async details(signal) {
      return parse(detailsSchema, await call({ method: 'GET', path: `${API}/quantum-computers/${qc}`, signal }), `details of ${device}`);
    },
    async staticArchitecture(signal) {
      const list = parse(sqaSchema, await call({ method: 'GET', path: `${API}/quantum-computers/${qc}/artifacts/static-quantum-architectures`, signal }), `static architecture of ${device}`);
      const first = list[0];
      if (first === undefined) throw new QrunError('UPSTREAM_BAD_RESPONSE', `${http.backend}: IQM Server lists no static architecture for ${device}`, { hint: 'Give the metadata in the catalogue entry, and report it.', details: { backend: http.backend } });
      return first;
    },
    async dynamicArchitecture(calibrationSet, signal) {
      const path = `${API}/calibration-sets/${qc}/${encodeURIComponent(calibrationSet)}/dynamic-quantum-architecture`;
      return parse(dqaSchema, await call({ method: 'GET', path, signal }), `dynamic architecture of ${device}`);
    },
    async submitCircuits(body, useTimeslot, signal) {
      // Not idempotent: a 5xx after the server took it would run the job twice, so only 429 is retried.
      const job = parse(jobSchema, await call({ method: 'POST', path: `${API}/jobs/${qc}/circuit`, query: { use_timeslot: useTimeslot ? 'true' : 'false' }, json: body, signal }), 'reply to a job submission');
      return job.id;
    },
    async job(id, signal) {
      return parse(jobSchema, await call({ method: 'GET', path: jobPath(id), signal }), `job ${id}`);
    },
    async measurements(id, signal) {
      return parse(measurementsSchema, await call({ method: 'GET', path: `${jobPath(id)}/artifacts/measurements`, signal }), `measurements of job ${id}`);
    },
    async cancel(id, signal) {
      try {
        // Cancelling twice is harmless: the server leaves a job in a final state as it is.
        await call({ method: 'POST', path: `${jobPath(id)}/cancel`, idempotent: true, signal });
        return true;
      } catch (error) {
        const code = vendorCode((error as { cause?: unknown }).cause);
        if (code === IQM_CODES.jobNotFound || code === IQM_CODES.illegalJobStatus) return false;
        throw error;
      }
    },
    async remove(id, signal) {
      try {
        await call({ method: 'DELETE', path: jobPath(id), signal });
      } catch (error) {
        if (vendorCode((error as { cause?: unknown }).cause) === IQM_CODES.jobNotFound) return;
        throw error;
      }
    },
    async bookTimeslot(minutes, signal) {
      const slot = parse(timeslotSchema, await call({ method: 'POST', path: `${API}/timeslots/${qc}`, json: { duration_minutes: minutes }, signal }), 'reply to a timeslot booking');
      return slot.id;
    },
    async releaseTimeslot(id, signal) {
      try {
        await call({ method: 'DELETE', path: `${API}/timeslots/${encodeURIComponent(id)}`, signal });
      } catch (error) {
        const status = (error as { details?: Record<string, unknown> }).details?.['status'];
        if (status === 404) return;
        throw error;
      }
    },
  };
}
