/**
 * The HTTP side: one node:http server on loopback. Per request it logs, matches a route, applies an
 * armed fault, checks credentials the way IBM does, runs the route and writes the answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Core } from './core.js';
import { HttpError, runtimeErrorBody, sendJson } from './errors.js';
import type { Fault } from './faults.js';
import { authorizationScheme, digest, headersOf, queryOf } from '../shared/request-log.js';
import type { IbmRequestLog, IbmRequestRecord } from './request-log.js';
import { match, type Mount } from './router.js';
import type { Guard, Reply } from './routes/types.js';

export const RUNTIME_PREFIX = '/api/v1';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** IBM's checks, in IBM's order: a bearer token that IAM issued and has not expired, then the instance. */
function guard(kind: Guard, req: IncomingMessage, core: Core): void {
  if (kind === 'none') return;
  const auth = header(req, 'authorization');
  if (auth === null) throw new HttpError(401, runtimeErrorBody(401, 'unauthorized', 'The Authorization header is missing; send "Authorization: Bearer <IAM access token>".'));
  const [scheme, token = ''] = auth.split(' ');
  if (scheme?.toLowerCase() !== 'bearer') throw new HttpError(401, runtimeErrorBody(401, 'unauthorized', `Authorization scheme ${scheme ?? ''} is not accepted; send an IAM bearer token.`));
  const state = core.iam.check(token);
  if (state === 'unknown') throw new HttpError(401, runtimeErrorBody(401, 'unauthorized', 'The access token is not valid.'));
  if (state === 'expired') throw new HttpError(401, runtimeErrorBody(401, 'unauthorized', 'The access token has expired.'));
  if (kind === 'bearer') return;
  const crn = header(req, 'service-crn');
  if (crn === null || crn === '') throw new HttpError(400, runtimeErrorBody(400, 'bad_request', 'The Service-CRN header is missing; send the CRN of your Qiskit Runtime instance.'));
  if (crn !== core.options.instance) throw new HttpError(403, runtimeErrorBody(403, 'forbidden', 'You are not authorized to access this instance, or it does not exist.'));
  const wait = core.rateLimited(token);
  if (wait > 0) {
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    throw new HttpError(429, runtimeErrorBody(429, 'too_many_requests', 'Rate limit exceeded. Try again later.'), { 'retry-after': String(seconds) });
  }
}

function faultReply(fault: Fault & { kind: 'status' }): HttpError {
  const messages: Record<number, [string, string]> = {
    429: ['too_many_requests', 'Rate limit exceeded. Try again later.'],
    500: ['internal_error', 'An internal error occurred.'],
    502: ['bad_gateway', 'Bad gateway.'],
    503: ['service_unavailable', 'The service is temporarily unavailable.'],
    504: ['gateway_timeout', 'Gateway timeout.'],
  };
  const [code, message] = messages[fault.status] ?? ['internal_error', 'An internal error occurred.'];
  const headers: Record<string, string> = fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {};
  return new HttpError(fault.status, runtimeErrorBody(fault.status, code, message), headers);
}

function write(res: ServerResponse, reply: Reply, truncate: boolean): void {
  const headers = { ...(reply.headers ?? {}) };
  let text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
  if (reply.text === undefined && reply.json !== undefined) headers['content-type'] ??= 'application/json';
  if (reply.status === 204) text = '';
  if (truncate) {
    // A complete HTTP response whose JSON stops halfway: what a proxy cutting a body short looks like.
    res.writeHead(reply.status, headers);
    res.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  res.writeHead(reply.status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function resetSocket(socket: Socket): void {
  // resetAndDestroy sends a TCP RST (Node >= 18.3), which is what a client calls "connection reset".
  const withReset = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof withReset.resetAndDestroy === 'function') withReset.resetAndDestroy();
  else socket.destroy();
}

export function createFakeServer(core: Core, mounts: readonly Mount[], log: IbmRequestLog): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const found = match(mounts, RUNTIME_PREFIX, method, url.pathname);
    const routeName = found === null || found === 'methodMismatch' ? 'unmatched' : found.name;
    const record: IbmRequestRecord = {
      at: new Date().toISOString(),
      method,
      path: url.pathname,
      route: routeName,
      query: queryOf(url),
      headers: headersOf(req.headers),
      authorization: authorizationScheme(req.headers),
      apiVersion: header(req, 'ibm-api-version'),
      serviceCrn: header(req, 'service-crn'),
      bodyBytes: body.length,
      bodyDigest: digest(body),
      status: 0,
    };
    log.add(record);
    const done = (status: IbmRequestRecord['status']): void => {
      record.status = status;
      log.finish(record);
    };
    let truncate = false;
    try {
      if (found === null) throw new HttpError(404, runtimeErrorBody(404, 'not_found', `No route for ${method} ${url.pathname}.`));
      if (found === 'methodMismatch') throw new HttpError(405, runtimeErrorBody(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}.`));
      const fault = core.faults.take(routeName, (f) => f.kind !== 'job-failure');
      if (fault !== undefined) {
        record.fault = fault.kind === 'status' ? String(fault.status) : fault.kind;
        if (fault.kind === 'hang') {
          done('hang');
          return;
        }
        if (fault.kind === 'reset') {
          done('reset');
          resetSocket(req.socket);
          return;
        }
        if (fault.kind === 'status') throw faultReply(fault);
        if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
        if (fault.kind === 'truncate') truncate = true;
      }
      guard(found.route.guard, req, core);
      const reply = await found.route.handle({ method, params: found.params, query: url.searchParams, headers: req.headers, body, route: routeName }, core);
      // Logged before answering, so a client that reads the log after the answer finds the entry.
      done(reply.status);
      write(res, reply, truncate);
    } catch (error) {
      if (error instanceof HttpError) {
        done(error.status);
        if (truncate) write(res, { status: error.status, json: error.body, headers: error.headers }, true);
        else sendJson(res, error.status, error.body, error.headers);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      done(500);
      sendJson(res, 500, runtimeErrorBody(500, 'internal_error', `The fake failed: ${message}`));
    }
  };
  return createServer((req, res) => {
    void handle(req, res);
  });
}
