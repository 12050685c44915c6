/**
 * The Quantum System API (v1) as typed calls: devices, their configuration and properties, and jobs
 * (create with a client-chosen id, status, cancel, delete). Every call carries the IAM bearer token
 * and the instance's Service-CRN; a 401 drops the token and the call is made once more with a new one.
 * Replies are checked with zod, so a changed API fails here with the field named.
 */
import { z } from 'zod';
import { QrunError } from '../../errors.js';
import { isHttpStatusError, type HttpClient, type HttpRequest } from '../../http/index.js';
import type { TokenSource } from './auth.js';
import { API_CODES, mapApiError, vendorError } from './errors.js';

const JOB_STATUSES = ['Queued', 'Running', 'Completed', 'Failed', 'Cancelled'] as const;
export type QsJobStatus = (typeof JOB_STATUSES)[number];

const deviceSchema = z
  .object({
    name: z.string(),
    status: z.string(),
    message: z.string().optional(),
    version: z.string().optional(),
    locked: z.boolean().optional(),
  })
  .loose();
export type QsDevice = z.infer<typeof deviceSchema>;

const jobSchema = z
  .object({
    id: z.string(),
    status: z.enum(JOB_STATUSES),
    reason_code: z.number().optional(),
    reason_message: z.string().optional(),
    reason_solution: z.string().optional(),
    usage: z.object({ quantum_nanoseconds: z.number().optional() }).loose().optional(),
  })
  .loose();

export interface QsJob {
  readonly id: string;
  readonly status: QsJobStatus;
  readonly reasonCode: number | undefined;
  readonly reasonMessage: string | undefined;
  readonly reasonSolution: string | undefined;
  readonly quantumNanoseconds: number | undefined;
}

export interface StorageLocation {
  readonly type: 's3_compatible';
  readonly presigned_url: string;
}

/** The body of `POST /v1/jobs`: the id is ours, the primitive input waits in the bucket. */
export interface CreateJobBody {
  readonly id: string;
  readonly backend: string;
  readonly program_id: 'sampler' | 'estimator';
  readonly timeout_secs: number;
  readonly log_level?: string | undefined;
  readonly storage: { readonly input: StorageLocation; readonly results: StorageLocation; readonly logs: StorageLocation };
}

export interface QsApi {
  readonly device: string;
  deviceStatus(signal?: AbortSignal): Promise<QsDevice>;
  configuration(signal?: AbortSignal): Promise<unknown>;
  properties(signal?: AbortSignal): Promise<unknown>;
  /** Creates the job (204). A duplicate id after a retried request means the first attempt arrived. */
  createJob(body: CreateJobBody, signal?: AbortSignal): Promise<void>;
  job(id: string, signal?: AbortSignal): Promise<QsJob>;
  /** True when this call cancelled it; false when the job had already ended (or is gone). */
  cancelJob(id: string, signal?: AbortSignal): Promise<boolean>;
  /** Deletes a job in a final state; a job already gone is fine. */
  deleteJob(id: string, signal?: AbortSignal): Promise<void>;
}

export interface QsApiOptions {
  /** A client whose base URL is the API's endpoint. */
  readonly http: HttpClient;
  readonly tokens: TokenSource;
  readonly serviceCrn: string;
  /** The device's name at the API. */
  readonly device: string;
}

function badReply(backend: string, what: string, error: z.ZodError): QrunError {
  const issue = error.issues[0];
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the API's ${what} is not what this version reads: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), {
    hint: 'The IBM Quantum System API may have changed; report it with the gateway log.',
    details: { backend, what },
  });
}

function vendorCode(error: unknown): string | undefined {
  return isHttpStatusError(error) ? vendorError(error.body).code : undefined;
}

export function createQsApi(options: QsApiOptions): QsApi {
  const { http, tokens, device } = options;
  const devicePath = `/v1/backends/${encodeURIComponent(device)}`;
  const jobPath = (id: string): string => `/v1/jobs/${encodeURIComponent(id)}`;

  /** One call with the current token; a 401 gets one more try with a fresh one. Errors are left raw. */
  async function send<T>(request: HttpRequest): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.current(request.signal);
      try {
        const reply = await http.request<T>({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}`, 'service-crn': options.serviceCrn } });
        return reply.body;
      } catch (error) {
        if (attempt === 1 && isHttpStatusError(error) && error.status === 401) {
          tokens.invalidate(token);
          continue;
        }
        throw error;
      }
    }
  }

  async function call<T>(request: HttpRequest): Promise<T> {
    try {
      return await send<T>(request);
    } catch (error) {
      throw isHttpStatusError(error) ? mapApiError(error, device) : error;
    }
  }

  return {
    device,
    async deviceStatus(signal) {
      const parsed = deviceSchema.safeParse(await call({ method: 'GET', path: devicePath, signal }));
      if (!parsed.success) throw badReply(http.backend, 'device status', parsed.error);
      return parsed.data;
    },
    configuration: (signal) => call({ method: 'GET', path: `${devicePath}/configuration`, signal }),
    properties: (signal) => call({ method: 'GET', path: `${devicePath}/properties`, signal }),
    async createJob(body, signal) {
      try {
        // The id is ours, so a repeat is recognised (409 duplicate) rather than run twice.
        await send({ method: 'POST', path: '/v1/jobs', json: body, idempotent: true, expect: [200, 201, 202, 204], signal });
      } catch (error) {
        if (isHttpStatusError(error) && error.status === 409 && vendorCode(error) === API_CODES.duplicateJob && error.attempts > 1) return;
        throw isHttpStatusError(error) ? mapApiError(error, device) : error;
      }
    },
    async job(id, signal) {
      const parsed = jobSchema.safeParse(await call({ method: 'GET', path: jobPath(id), signal }));
      if (!parsed.success) throw badReply(http.backend, `job ${id}`, parsed.error);
      const job = parsed.data;
      return {
        id: job.id,
        status: job.status,
        reasonCode: job.reason_code,
        reasonMessage: job.reason_message,
        reasonSolution: job.reason_solution,
        quantumNanoseconds: job.usage?.quantum_nanoseconds,
      };
    },
    async cancelJob(id, signal) {
      try {
        // Cancelling twice is harmless: the second finds the job final (409).
        await send({ method: 'POST', path: `${jobPath(id)}/cancel`, idempotent: true, expect: [200, 202, 204], signal });
        return true;
      } catch (error) {
        const code = vendorCode(error);
        if (code === API_CODES.jobState || code === API_CODES.jobNotFound) return false;
        throw isHttpStatusError(error) ? mapApiError(error, device) : error;
      }
    },
    async deleteJob(id, signal) {
      try {
        await send({ method: 'DELETE', path: jobPath(id), expect: [200, 202, 204], signal });
      } catch (error) {
        if (vendorCode(error) === API_CODES.jobNotFound) return;
        throw isHttpStatusError(error) ? mapApiError(error, device) : error;
      }
    },
  };
}
