/**
 * The HTTP side of the fake QB device: routes under /api/v1, the device's statuses and `{detail}`
 * bodies (FastAPI's form), reservation tokens, a per-client rate limit, faults and the request log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { authorizationScheme, digest, headersOf, queryOf, type RequestLog, type RequestRecord } from '../shared/request-log.js';
import { BodyError, type Device } from './device.js';
import { isExecutionFault, type Faults } from './faults.js';
import { checkToken } from './token.js';

const API_PREFIX = '/api/v1';

export interface RateLimit {
  /** Requests one client (token, or none) may make per window. */
  readonly requests: number;
  readonly windowMs: number;
}

export interface ServerDeps {
  readonly device: Device;
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly secret: string;
  readonly rateLimit: () => RateLimit | undefined;
  /** Tokens seen, for `secretsInUrls`. */
  readonly tokens: Set<string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const detail = (status: number, text: string, headers?: Record<string, string>): HttpError => new HttpError(status, { detail: text }, headers);
const RESERVED = 'Token rejected. QB hardware already reserved using a different token.';

function route(method: string, path: string): { name: string; id?: number } | null {
  if (!path.startsWith(API_PREFIX)) return null;
  const rest = path.slice(API_PREFIX.length);
  if (rest === '/reservations' && (method === 'PUT' || method === 'DELETE')) return { name: `${method} /reservations` };
  if (rest === '/native-gates' && method === 'GET') return { name: 'GET /native-gates' };
  if (rest === '/circuits' && method === 'POST') return { name: 'POST /circuits' };
  const m = /^\/circuits\/(\d+)$/.exec(rest);
  if (m !== null && (method === 'GET' || method === 'DELETE')) return { name: `${method} /circuits/{id}`, id: Number(m[1]) };
  return null;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function createDeviceServer(deps: ServerDeps): Server {
  const { device, faults, log } = deps;
  const windows = new Map<string, { start: number; count: number }>();

  /** The caller's reservation session: null without a token; 403/401 for a header or token the device refuses. */
  const sessionOf = (req: IncomingMessage): string | null => {
    const auth = req.headers.authorization;
    if (auth === undefined) return null;
    const [scheme, token, extra] = auth.split(' ');
    if (scheme !== 'Bearer' || token === undefined || token === '' || extra !== undefined) throw detail(403, 'Token rejected: http header format invalid.');
    deps.tokens.add(token);
    const checked = checkToken(token, deps.secret, Date.now() / 1000);
    if (!checked.ok) throw detail(401, `Token rejected: ${checked.why}.`);
    return checked.claims.session_id;
  };

  const rateLimited = (client: string): number => {
    const limit = deps.rateLimit();
    if (limit === undefined) return 0;
    const now = Date.now();
    const window = windows.get(client);
    if (window === undefined || now - window.start >= limit.windowMs) {
      windows.set(client, { start: now, count: 1 });
      return 0;
    }
    window.count += 1;
    return window.count > limit.requests ? limit.windowMs - (now - window.start) : 0;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const found = route(method, url.pathname);
    const record: RequestRecord = {
      at: new Date().toISOString(),
      method,
      path: url.pathname,
      route: found?.name ?? 'unmatched',
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
    try {
      if (found === null) throw detail(404, 'Not Found');
      const fault = faults.take(found.name, (f) => !isExecutionFault(f));
      if (fault !== undefined) {
        record.fault = fault.kind === 'status' ? String(fault.status) : fault.kind;
        if (fault.kind === 'hang') return done('hang');
        if (fault.kind === 'reset') {
          done('reset');
          const socket = req.socket as Socket & { resetAndDestroy?: () => void };
          if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
          else socket.destroy();
          return;
        }
        if (fault.kind === 'status') {
          const retry: Record<string, string> = fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
          throw detail(fault.status, fault.status === 429 ? 'Too Many Requests' : fault.status === 500 ? 'QB hardware process failure' : 'Service Unavailable', retry);
        }
      }
      const session = sessionOf(req);
      const wait = rateLimited(req.headers.authorization ?? 'anonymous');
      if (wait > 0) throw detail(429, 'Too Many Requests', { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
      const now = Date.now() / 1000;
      const holder = device.holder(now);

      if (found.name === 'PUT /reservations') {
        if (session === null) throw detail(403, 'Token rejected: http header format invalid.');
        if (holder !== null && holder.session !== session) throw detail(503, RESERVED);
        const token = (req.headers.authorization ?? '').split(' ')[1] ?? '';
        const checked = checkToken(token, deps.secret, now);
        device.reservation = { session, endTime: checked.ok ? checked.claims.end_time : now };
        done(200);
        return send(res, 200, null);
      }
      if (found.name === 'DELETE /reservations') {
        if (session === null) throw detail(403, 'Token rejected: http header format invalid.');
        if (holder !== null && holder.session !== session) throw detail(503, RESERVED);
        device.release(session);
        done(200);
        return send(res, 200, null);
      }
      // Everything else: a reserved device serves only its holder's token.
      if (holder !== null && holder.session !== session) throw detail(503, RESERVED);
      if (found.name === 'GET /native-gates') {
        done(200);
        const two = device.options.model === 'QB-QDK2-CZ' ? 'CZ' : 'ACZ';
        return send(res, 200, { model: device.options.model, native_gates: ['Rx', 'Ry', two], qubits: device.options.qubits, max_shots: device.options.maxShots });
      }
      if (found.name === 'POST /circuits') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw new HttpError(422, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'value_error.jsondecode' }] });
        }
        try {
          const execution = faults.take(found.name, isExecutionFault);
          if (execution !== undefined) record.fault = execution.kind;
          const circuit = device.submit(parsed, holder === null ? null : session, execution);
          done(200);
          return send(res, 200, { id: circuit.id });
        } catch (error) {
          if (error instanceof BodyError) throw new HttpError(422, { detail: [{ loc: error.loc, msg: error.message, type: 'value_error' }] });
          throw error;
        }
      }
      const circuit = device.circuits.get(found.id ?? -1);
      if (circuit === undefined || (circuit.session !== null && circuit.session !== session)) throw detail(404, `Circuit ${found.id ?? ''} not found`);
      if (found.name === 'DELETE /circuits/{id}') {
        device.cancel(circuit);
        done(200);
        return send(res, 200, { id: circuit.id, status: circuit.status });
      }
      if (circuit.status === 'queued') throw detail(425, 'Too Early: the circuit has not finished');
      if (circuit.status === 'failed') throw detail(500, circuit.detail ?? 'QB hardware process failure');
      if (circuit.status === 'cancelled') throw detail(404, `Circuit ${circuit.id} was cancelled`);
      done(200);
      return send(res, 200, { id: circuit.id, data: circuit.data });
    } catch (error) {
      if (error instanceof HttpError) {
        done(error.status);
        return send(res, error.status, error.body, error.headers);
      }
      done(500);
      send(res, 500, { detail: `The fake failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  return createServer((req, res) => void handle(req, res));
}
