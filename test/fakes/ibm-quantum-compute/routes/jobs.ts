/** Jobs: submit, read, list, results, cancel, delete, metrics, logs, tags. */
import { QrunError } from '../../../../src/index.js';
import type { Core } from '../core.js';
import { runtimeError } from '../errors.js';
import { prepareJob, type PreparedJob, type ProgramId } from '../execution.js';
import { QpyError } from '../qpy.js';
import { FINAL_STATES, jobView, metricsView, newId, now, type FakeJob, type JobStatus } from '../state.js';
import { findSession } from './sessions.js';
import { jsonBody, noContent, type Route, type RouteRequest } from './types.js';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 200;
const INJECTED_REASON = 'The job failed on the QPU (fault injected by the test).';

function job(req: RouteRequest, core: Core): FakeJob {
  const found = core.jobs.get(req.params['id'] ?? '');
  if (found === undefined || found.deleted) throw runtimeError(404, 'not_found', `Job ${req.params['id'] ?? ''} was not found.`);
  return found;
}

async function prepare(program: ProgramId, params: unknown, core: Core): Promise<PreparedJob> {
  try {
    return prepareJob(program, await core.qpy.toQasm(params));
  } catch (error) {
    if (error instanceof QpyError || error instanceof QrunError) throw runtimeError(400, 'bad_request', `Invalid parameters: ${error.message}`);
    throw error;
  }
}

async function submit(req: RouteRequest, core: Core): Promise<{ status: number; json: unknown }> {
  const body = jsonBody(req);
  const program = body['program_id'];
  if (program !== 'sampler' && program !== 'estimator') throw runtimeError(404, 'not_found', `Program ${JSON.stringify(program)} was not found.`);
  const backend = body['backend'];
  if (typeof backend !== 'string' || !core.devices.has(backend)) {
    throw runtimeError(400, 'bad_request', `backend ${JSON.stringify(backend)} is not available to this instance.`);
  }
  const sessionId = body['session_id'];
  if (sessionId !== undefined && typeof sessionId !== 'string') throw runtimeError(400, 'bad_request', 'session_id must be a string.');
  const session = sessionId === undefined ? undefined : findSession(sessionId, core);
  if (session !== undefined) {
    if (!session.acceptingJobs || session.state === 'closed') throw runtimeError(409, 'session_not_accepting_jobs', `Session ${session.id} is closed and does not accept new jobs.`);
    if (session.backend !== backend) throw runtimeError(400, 'bad_request', `Session ${session.id} runs on ${session.backend}, not ${backend}.`);
  }
  const params = body['params'];
  if (typeof params !== 'object' || params === null) throw runtimeError(400, 'bad_request', 'params must be an object.');
  const prepared = await prepare(program, params, core);
  const fault = core.faults.take(req.route, (f) => f.kind === 'job-failure');
  const record: FakeJob = {
    id: newId(),
    program,
    backend,
    sessionId: session?.id ?? null,
    params,
    tags: Array.isArray(body['tags']) ? body['tags'].map(String) : [],
    createdAt: now(),
    status: 'Queued',
    reason: null,
    reasonCode: null,
    runningAt: null,
    finishedAt: null,
    results: null,
    deleted: false,
  };
  core.jobs.set(record.id, record);
  session?.jobIds.push(record.id);
  const failure = fault?.kind === 'job-failure' ? { reason: fault.reason ?? INJECTED_REASON, reasonCode: fault.reasonCode ?? 1500 } : undefined;
  core.schedule(record, prepared, failure);
  return { status: 200, json: { id: record.id, backend: record.backend, session_id: record.sessionId } };
}

function limitOf(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw runtimeError(400, 'bad_request', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
  return n;
}

function offsetOf(raw: string | null): number {
  if (raw === null) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw runtimeError(400, 'bad_request', 'offset must be a non-negative integer.');
  return n;
}

function list(req: RouteRequest, core: Core): { status: number; json: unknown } {
  const q = req.query;
  const limit = limitOf(q.get('limit'));
  const offset = offsetOf(q.get('offset'));
  const pending = q.get('pending');
  const keep = (j: FakeJob): boolean => {
    if (j.deleted) return false;
    if (q.has('session_id') && j.sessionId !== q.get('session_id')) return false;
    if (q.has('backend') && j.backend !== q.get('backend')) return false;
    if (q.has('program') && j.program !== q.get('program')) return false;
    const final = FINAL_STATES.includes(j.status);
    if (pending === 'true' && final) return false;
    if (pending === 'false' && !final) return false;
    return true;
  };
  const all = [...core.jobs.values()].filter(keep);
  // Newest first unless sort=ASC; insertion order breaks ties between jobs created in the same ms.
  if (q.get('sort') !== 'ASC') all.reverse();
  const includeParams = q.get('exclude_params') !== 'true';
  return { status: 200, json: { jobs: all.slice(offset, offset + limit).map((j) => jobView(j, includeParams)), count: all.length, limit, offset } };
}

function finalOnly(j: FakeJob, what: string): void {
  if (FINAL_STATES.includes(j.status)) return;
  throw runtimeError(409, 'conflict', `Job ${j.id} is ${j.status}; ${what} needs a job in a final state.`);
}

const RESULTS_READY: readonly JobStatus[] = ['Completed', 'Failed'];

export const jobRoutes: readonly Route[] = [
  { method: 'POST', pattern: '/jobs', guard: 'runtime', handle: submit },
  { method: 'GET', pattern: '/jobs', guard: 'runtime', handle: list },
  { method: 'GET', pattern: '/jobs/{id}', guard: 'runtime', handle: (req, core) => ({ status: 200, json: jobView(job(req, core), req.query.get('exclude_params') !== 'true') }) },
  {
    method: 'GET',
    pattern: '/jobs/{id}/results',
    guard: 'runtime',
    handle: (req, core) => {
      const j = job(req, core);
      if (!RESULTS_READY.includes(j.status) || j.results === null) throw runtimeError(404, 'not_found', `Job ${j.id} has no results (it is ${j.status}).`);
      // A failed job's "results" are its error text; qiskit-ibm-runtime reads them for the message.
      return { status: 200, text: j.results, headers: { 'content-type': 'text/plain' } };
    },
  },
  {
    method: 'POST',
    pattern: '/jobs/{id}/cancel',
    guard: 'runtime',
    handle: (req, core) => {
      const j = job(req, core);
      if (FINAL_STATES.includes(j.status)) throw runtimeError(409, 'conflict', `Job ${j.id} is already ${j.status} and cannot be cancelled.`);
      core.cancel(j);
      return noContent;
    },
  },
  {
    method: 'DELETE',
    pattern: '/jobs/{id}',
    guard: 'runtime',
    handle: (req, core) => {
      const j = job(req, core);
      finalOnly(j, 'deleting');
      j.deleted = true;
      return noContent;
    },
  },
  { method: 'GET', pattern: '/jobs/{id}/metrics', guard: 'runtime', handle: (req, core) => ({ status: 200, json: metricsView(job(req, core)) }) },
  { method: 'GET', pattern: '/jobs/{id}/logs', guard: 'runtime', handle: (req, core) => ({ status: 200, text: `${job(req, core).reason ?? ''}`, headers: { 'content-type': 'text/plain' } }) },
  {
    method: 'PUT',
    pattern: '/jobs/{id}/tags',
    guard: 'runtime',
    handle: (req, core) => {
      const j = job(req, core);
      const tags = jsonBody(req)['tags'];
      if (!Array.isArray(tags)) throw runtimeError(400, 'bad_request', 'tags must be a list of strings.');
      j.tags = tags.map(String);
      return noContent;
    },
  },
];
