/**
 * The fake's HTTP side and routes: IQM Server's /api/v1 as iqm-client 36 calls it, plus the timeslot
 * booking this project uses (a reconstruction: README.md). Per request it logs, matches a route,
 * applies an armed fault, checks the bearer token and the rate limit, and answers with IQM's error
 * body `{message, error_code, source}` when it refuses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault } from '../ibm-quantum-compute/faults.js';
import { Faults } from '../ibm-quantum-compute/faults.js';
import { authorizationScheme, digest, headersOf, queryOf, type RequestLog, type RequestRecord } from '../shared/request-log.js';
import { runIqmCircuit, type FakeInstruction } from './execute.js';
import type { FakeJob, FakeServerError, FakeTimeslot, QuantumComputer } from './state.js';

export const API_PREFIX = '/api/v1';

export interface RateLimit {
  readonly requests: number;
  readonly windowMs: number;
}

export class Core {
  readonly faults = new Faults();
  readonly jobs = new Map<string, FakeJob>();
  readonly timeslots = new Map<string, FakeTimeslot>();
  /** Jobs left before not_enough_credits; Infinity: no limit. */
  credits = Number.POSITIVE_INFINITY;
  /** false: every booking is refused as timeslot_unavailable. */
  timeslotsAvailable = true;
  queueDelayMs: number;
  runDelayMs: number;
  nextFailure: FakeServerError | undefined;
  private readonly hits = new Map<string, number[]>();
  private seed = 1;

  constructor(
    readonly token: string,
    readonly computers: ReadonlyMap<string, QuantumComputer>,
    options: { queueDelayMs: number; runDelayMs: number; rateLimit?: RateLimit | undefined },
  ) {
    this.queueDelayMs = options.queueDelayMs;
    this.runDelayMs = options.runDelayMs;
    this.rateLimit = options.rateLimit;
  }

  readonly rateLimit: RateLimit | undefined;

  /** Milliseconds until another call is allowed, 0 when it is. */
  rateLimited(token: string): number {
    if (this.rateLimit === undefined) return 0;
    const now = Date.now();
    const recent = (this.hits.get(token) ?? []).filter((t) => now - t < (this.rateLimit?.windowMs ?? 0));
    if (recent.length >= this.rateLimit.requests) return (recent[0] ?? now) + this.rateLimit.windowMs - now;
    recent.push(now);
    this.hits.set(token, recent);
    return 0;
  }

  nextSeed(): number {
    return this.seed++;
  }

  shutdown(): void {
    for (const job of this.jobs.values()) for (const t of job.timers) clearTimeout(t);
  }
}

export class IqmHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: FakeServerError,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

const fail = (status: number, code: string, message: string, headers?: Record<string, string>): IqmHttpError => new IqmHttpError(status, { message, error_code: code, source: 'iqm-server' }, headers);

interface Reply {
  readonly status: number;
  readonly json?: unknown;
}

interface Req {
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: Buffer;
}

interface Route {
  readonly method: string;
  readonly pattern: string;
  handle(req: Req, core: Core): Reply | Promise<Reply>;
}

function computer(core: Core, alias: string): QuantumComputer {
  const qc = core.computers.get(alias);
  if (qc === undefined) throw fail(404, 'qc_not_found', `Quantum computer '${alias}' not found.`);
  return qc;
}

function job(core: Core, id: string): FakeJob {
  const found = core.jobs.get(id);
  if (found === undefined || found.deleted) throw fail(404, 'job_not_found', `Job ${id} not found.`);
  return found;
}

function jsonOf(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // falls through to the refusal
  }
  throw fail(400, 'invalid_data_format', 'The request body must be a JSON object.');
}

function jobData(j: FakeJob): Record<string, unknown> {
  return {
    id: j.id,
    type: 'circuit',
    status: j.status,
    execution: null,
    compilation: { calibration_set_id: j.calibrationSetId },
    messages: [],
    errors: j.errors,
    queue_position: j.status === 'waiting' ? 0 : null,
    timeline: [{ source: 'iqm-server', status: 'received', timestamp: new Date().toISOString() }],
    artifacts: j.status === 'completed' ? [{ type: 'measurements' }, { type: 'measurement_counts' }] : [],
  };
}

const SUPPORTED = new Set(['prx', 'cz', 'measure', 'barrier', 'delay']);

/** What IQM Server checks of a circuit job before it queues it (validation errors are 400 invalid_input). */
function checkCircuits(qc: QuantumComputer, raw: unknown): { name: string; instructions: FakeInstruction[] }[] {
  if (!Array.isArray(raw) || raw.length === 0) throw fail(400, 'invalid_input', 'circuits must be a non-empty list.');
  const max = qc.spec.maxCircuits;
  if (max !== undefined && raw.length > max) throw fail(400, 'invalid_input', `The job has ${raw.length} circuits; ${qc.spec.alias} allows at most ${max} per job.`);
  const names = new Set(qc.names);
  return raw.map((circuit: unknown, c) => {
    const record = circuit as { name?: unknown; instructions?: unknown } | null;
    if (record === null || typeof record !== 'object' || !Array.isArray(record.instructions)) throw fail(400, 'invalid_input', `circuits[${c}]: a circuit is {name, instructions}.`);
    const keys = new Set<string>();
    const instructions = record.instructions.map((ins: unknown, i): FakeInstruction => {
      const where = `circuits[${c}].instructions[${i}]`;
      const { name, locus, args } = (ins ?? {}) as { name?: unknown; locus?: unknown; args?: unknown };
      if (typeof name !== 'string' || !SUPPORTED.has(name)) throw fail(400, 'invalid_input', `${where}: unknown operation ${String(name)}; native operations are prx, cz, measure, barrier, delay.`);
      if (!Array.isArray(locus) || locus.length === 0 || !locus.every((q) => typeof q === 'string' && names.has(q))) throw fail(400, 'invalid_input', `${where}: locus must name qubits of ${qc.spec.alias}.`);
      const a = (args ?? {}) as Record<string, unknown>;
      if (name === 'prx' && (locus.length !== 1 || typeof a['angle'] !== 'number' || typeof a['phase'] !== 'number')) throw fail(400, 'invalid_input', `${where}: prx acts on one qubit with numeric angle and phase (radians).`);
      if (name === 'cz' && (locus.length !== 2 || !qc.coupled(String(locus[0]), String(locus[1])))) throw fail(400, 'invalid_input', `${where}: cz is not calibrated on ${locus.join(', ')}.`);
      if (name === 'measure') {
        const key = a['key'];
        if (typeof key !== 'string' || key === '' || keys.has(key)) throw fail(400, 'invalid_input', `${where}: measure needs a key unique in the circuit.`);
        keys.add(key);
      }
      return { name, locus: locus as string[], args: a };
    });
    return { name: typeof record.name === 'string' ? record.name : `circuit_${c}`, instructions };
  });
}

function schedule(core: Core, j: FakeJob): void {
  j.timers.push(
    setTimeout(() => {
      if (j.status !== 'waiting') return;
      j.status = 'processing';
      j.timers.push(
        setTimeout(() => {
          void (async () => {
            if (j.status !== 'processing') return;
            if (j.failWith !== undefined) {
              j.status = 'failed';
              j.errors = [j.failWith];
              return;
            }
            const results = await Promise.all(j.circuits.map((c) => runIqmCircuit(c.instructions, j.shots, core.nextSeed())));
            // A cancel that came while the circuits ran wins.
            if (j.status !== 'processing') return;
            j.results = results;
            j.status = 'completed';
          })();
        }, core.runDelayMs),
      );
    }, core.queueDelayMs),
  );
}

const routes: Route[] = [
  { method: 'GET', pattern: '/about', handle: () => ({ status: 200, json: { iqm_server: { version: 'fake-1.0' } } }) },
  {
    method: 'GET',
    pattern: '/quantum-computers',
    handle: (_req, core) => ({ status: 200, json: { quantum_computers: [...core.computers.values()].map((qc) => ({ id: qc.id, alias: qc.spec.alias, display_name: `${qc.spec.alias} (fake)` })) } }),
  },
  {
    method: 'GET',
    pattern: '/quantum-computers/{qc}',
    handle: (req, core) => {
      const qc = computer(core, req.params['qc'] ?? '');
      return {
        status: 200,
        json: {
          id: qc.id,
          alias: qc.spec.alias,
          display_name: `${qc.spec.alias} (fake)`,
          description: 'A loopback fake of an IQM quantum computer.',
          backend_type: 'qpu',
          limits: { max_circuits_per_job: qc.spec.maxCircuits ?? null, max_shots_per_circuit: qc.spec.maxShots ?? null, max_executions_per_job: null, max_instructions_per_circuit: null },
          operational: qc.healthy,
          operational_status: qc.healthy ? 'online' : 'maintenance',
          health: { healthy: qc.healthy, updated_at: new Date().toISOString() },
          queue_length: [...core.jobs.values()].filter((j) => j.qc === qc.spec.alias && j.status === 'waiting').length,
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: '/quantum-computers/{qc}/health',
    handle: (req, core) => {
      const qc = computer(core, req.params['qc'] ?? '');
      return { status: 200, json: { status: qc.healthy ? 'healthy' : 'unhealthy', healthy: qc.healthy, updated_at: new Date().toISOString() } };
    },
  },
  {
    method: 'GET',
    pattern: '/quantum-computers/{qc}/artifacts/static-quantum-architectures',
    handle: (req, core) => {
      const qc = computer(core, req.params['qc'] ?? '');
      return { status: 200, json: [{ dut_label: `${qc.spec.alias}-fake`, qubits: qc.names, computational_resonators: [], connectivity: qc.pairs }] };
    },
  },
  {
    method: 'GET',
    pattern: '/calibration-sets/{qc}/{cal}/dynamic-quantum-architecture',
    handle: (req, core) => {
      const qc = computer(core, req.params['qc'] ?? '');
      const cal = req.params['cal'] ?? '';
      if (cal !== 'default' && cal !== qc.calibrationSetId) throw fail(404, 'calibration_set_not_found', `Calibration set ${cal} not found.`);
      const one = (loci: string[][]) => ({ implementations: { default: { loci } }, default_implementation: 'default', override_default_implementation: {} });
      return {
        status: 200,
        json: {
          calibration_set_id: qc.calibrationSetId,
          qubits: qc.names,
          computational_resonators: [],
          gates: { prx: one(qc.names.map((n) => [n])), measure: one(qc.names.map((n) => [n])), cz: one(qc.pairs.map(([a, b]) => [a, b])) },
        },
      };
    },
  },
  {
    method: 'POST',
    pattern: '/jobs/{qc}/circuit',
    handle: (req, core) => {
      const qc = computer(core, req.params['qc'] ?? '');
      const body = jsonOf(req.body);
      const shots = body['shots'];
      if (typeof shots !== 'number' || !Number.isInteger(shots) || shots < 1) throw fail(400, 'invalid_input', 'shots must be a positive integer.');
      if (qc.spec.maxShots !== undefined && shots > qc.spec.maxShots) throw fail(400, 'invalid_input', `shots ${shots} exceeds ${qc.spec.alias}'s limit of ${qc.spec.maxShots}.`);
      const circuits = checkCircuits(qc, body['circuits']);
      const useTimeslot = req.query.get('use_timeslot') === 'true';
      if (useTimeslot) {
        const now = Date.now();
        const active = [...core.timeslots.values()].some((t) => t.qc === qc.spec.alias && !t.released && Date.parse(t.start) <= now && now < Date.parse(t.end));
        if (!active) throw fail(403, 'no_booked_timeslots', `There is no booked timeslot for ${qc.spec.alias} running now.`);
      }
      if (core.credits <= 0) throw fail(403, 'not_enough_credits', 'Not enough credits to submit the job.');
      core.credits -= 1;
      const calibration = typeof body['calibration_set_id'] === 'string' ? body['calibration_set_id'] : null;
      const j: FakeJob = { id: randomUUID(), qc: qc.spec.alias, status: 'waiting', shots, circuits, useTimeslot, calibrationSetId: calibration ?? qc.calibrationSetId, errors: [], timers: [], deleted: false };
      if (core.nextFailure !== undefined) {
        j.failWith = core.nextFailure;
        core.nextFailure = undefined;
      }
      core.jobs.set(j.id, j);
      schedule(core, j);
      return { status: 200, json: jobData(j) };
    },
  },
  { method: 'GET', pattern: '/jobs/{id}', handle: (req, core) => ({ status: 200, json: jobData(job(core, req.params['id'] ?? '')) }) },
  {
    method: 'GET',
    pattern: '/jobs/{id}/artifacts/measurements',
    handle: (req, core) => {
      const j = job(core, req.params['id'] ?? '');
      if (j.results === undefined) throw fail(404, 'artifact_not_found', `Job ${j.id} has no measurements (status ${j.status}).`);
      return { status: 200, json: j.results };
    },
  },
  {
    method: 'GET',
    pattern: '/jobs/{id}/artifacts/measurement_counts',
    handle: (req, core) => {
      const j = job(core, req.params['id'] ?? '');
      if (j.results === undefined) throw fail(404, 'artifact_not_found', `Job ${j.id} has no measurement counts (status ${j.status}).`);
      const counts = j.results.map((result) => {
        const keys = Object.keys(result);
        const histogram: Record<string, number> = {};
        for (let shot = 0; shot < j.shots; shot++) {
          const bits = keys.map((k) => (result[k]?.[shot] ?? []).join('')).join('');
          histogram[bits] = (histogram[bits] ?? 0) + 1;
        }
        return { measurement_keys: keys, counts: histogram };
      });
      return { status: 200, json: counts };
    },
  },
  {
    method: 'POST',
    pattern: '/jobs/{id}/cancel',
    handle: (req, core) => {
      const j = job(core, req.params['id'] ?? '');
      if (j.status === 'waiting' || j.status === 'processing') j.status = 'cancelled';
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    pattern: '/jobs/{id}',
    handle: (req, core) => {
      const j = job(core, req.params['id'] ?? '');
      if (j.status === 'waiting' || j.status === 'processing') j.status = 'cancelled';
      j.deleted = true;
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    pattern: '/timeslots/{qc}',
    handle: (req, core) => {
      const qc = computer(core, req.params['qc'] ?? '');
      const minutes = jsonOf(req.body)['duration_minutes'];
      if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1) throw fail(400, 'invalid_input', 'duration_minutes must be a positive integer.');
      if (!core.timeslotsAvailable) throw fail(409, 'timeslot_unavailable', `No timeslot of ${minutes} minutes is free on ${qc.spec.alias}.`);
      if (core.credits <= 0) throw fail(403, 'not_enough_credits', 'Not enough credits to book a timeslot.');
      const start = new Date();
      const slot: FakeTimeslot = { id: randomUUID(), qc: qc.spec.alias, start: start.toISOString(), end: new Date(start.getTime() + minutes * 60_000).toISOString(), released: false };
      core.timeslots.set(slot.id, slot);
      return { status: 201, json: { id: slot.id, quantum_computer: slot.qc, start: slot.start, end: slot.end, status: 'booked' } };
    },
  },
  {
    method: 'GET',
    pattern: '/timeslots/{qc}',
    handle: (req, core) => {
      const qc = computer(core, req.params['qc'] ?? '');
      const slots = [...core.timeslots.values()].filter((t) => t.qc === qc.spec.alias && !t.released);
      return { status: 200, json: { timeslots: slots.map((t) => ({ id: t.id, quantum_computer: t.qc, start: t.start, end: t.end, status: 'booked' })) } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/timeslots/{id}',
    handle: (req, core) => {
      const slot = core.timeslots.get(req.params['id'] ?? '');
      if (slot === undefined || slot.released) throw fail(404, 'timeslot_not_found', 'Timeslot not found.');
      slot.released = true;
      return { status: 204 };
    },
  },
];

function matchRoute(method: string, path: string): { route: Route; params: Record<string, string>; name: string } | 'methodMismatch' | null {
  if (!path.startsWith(API_PREFIX)) return null;
  const got = (path.slice(API_PREFIX.length).replace(/\/$/, '') || '/').split('/');
  let known = false;
  for (const route of routes) {
    const want = route.pattern.split('/');
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    const ok = want.every((w, i) => {
      const g = got[i] ?? '';
      if (w.startsWith('{')) {
        params[w.slice(1, -1)] = decodeURIComponent(g);
        return g !== '';
      }
      return w === g;
    });
    if (!ok) continue;
    if (route.method !== method) {
      known = true;
      continue;
    }
    return { route, params, name: `${method} ${route.pattern}` };
  }
  return known ? 'methodMismatch' : null;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}, truncate = false): void {
  let text = status === 204 || json === undefined ? '' : JSON.stringify(json);
  if (truncate) text = text.slice(0, Math.floor(text.length / 2));
  res.writeHead(status, { ...(text === '' ? {} : { 'content-type': 'application/json' }), ...headers, ...(truncate ? {} : { 'content-length': String(Buffer.byteLength(text)) }) });
  res.end(text);
}

function faultReply(fault: Fault & { kind: 'status' }): IqmHttpError {
  if (fault.status === 429) return fail(429, 'rate_limit_exceeded', 'Rate limit exceeded. Try again later.', { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
  return fail(fault.status, 'internal_error', `The server is unavailable (fault ${fault.status}).`);
}

/** IQM's check: a bearer token equal to the account's API token. */
function guard(req: IncomingMessage, core: Core): void {
  const auth = req.headers.authorization;
  if (auth === undefined) throw fail(401, 'unauthorized', 'Authorization header missing; send "Authorization: Bearer <IQM API token>".');
  const [scheme, token = ''] = auth.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || token !== core.token) throw fail(401, 'unauthorized', 'The API token is not valid.');
  const wait = core.rateLimited(token);
  if (wait > 0) throw fail(429, 'rate_limit_exceeded', 'Rate limit exceeded. Try again later.', { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
}

export function createFakeServer(core: Core, log: RequestLog): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const found = matchRoute(method, url.pathname);
    const record: RequestRecord = {
      at: new Date().toISOString(),
      method,
      path: url.pathname,
      route: found === null || found === 'methodMismatch' ? 'unmatched' : found.name,
      query: queryOf(url),
      headers: headersOf(req.headers),
      authorization: authorizationScheme(req.headers),
      bodyBytes: body.length,
      bodyDigest: digest(body),
      status: 0,
    };
    log.add(record);
    const done = (status: RequestRecord['status']): void => {
      record.status = status;
      log.finish(record);
    };
    let truncate = false;
    try {
      if (found === null) throw fail(404, 'not_found', `No route for ${method} ${url.pathname}.`);
      if (found === 'methodMismatch') throw fail(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}.`);
      const fault = core.faults.take(found.name, (f) => f.kind !== 'job-failure');
      if (fault !== undefined) {
        record.fault = fault.kind === 'status' ? String(fault.status) : fault.kind;
        if (fault.kind === 'hang') {
          done('hang');
          return;
        }
        if (fault.kind === 'reset') {
          done('reset');
          const socket = req.socket as Socket & { resetAndDestroy?: () => void };
          if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
          else socket.destroy();
          return;
        }
        if (fault.kind === 'status') throw faultReply(fault);
        if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
        if (fault.kind === 'truncate') truncate = true;
      }
      guard(req, core);
      const reply = await found.route.handle({ params: found.params, query: url.searchParams, body }, core);
      done(reply.status);
      send(res, reply.status, reply.json, {}, truncate);
    } catch (error) {
      if (error instanceof IqmHttpError) {
        done(error.status);
        send(res, error.status, error.body, error.headers, truncate);
        return;
      }
      done(500);
      send(res, 500, { message: `The fake failed: ${error instanceof Error ? error.message : String(error)}`, error_code: 'internal_error', source: 'iqm-server' });
    }
  };
  return createServer((req, res) => {
    void handle(req, res);
  });
}
