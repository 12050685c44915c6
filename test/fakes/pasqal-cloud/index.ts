/**
 * A fake of Pasqal Cloud (core API `/core-fast/api/...`, its Auth0 token endpoint and the presigned
 * results store) on one loopback port. See README.md for the routes, the faults and the readings of
 * the API the fake took.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Auth } from './auth.js';
import { BatchStore, type DeviceLimits } from './batches.js';
import { Faults, type Fault, type FaultSpec } from './faults.js';
import { failure, HttpError, fail } from './jsend.js';
import { authorizationScheme, digest, headersOf, queryOf, RequestLog, type RequestRecord } from '../shared/request-log.js';
import { ROUTES, type Route } from './routes.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url);
export const AUDIENCE = 'https://apis.pasqal.cloud/account/api/v1';

export interface PasqalCloudFakeOptions {
  readonly port?: number;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly username?: string;
  readonly password?: string;
  readonly projectId?: string;
  /** device_type → Pulser device abstract repr (JSON text); default: FRESNEL from fixtures/fresnel-specs.json. */
  readonly devices?: Readonly<Record<string, string>>;
  readonly queueDelayMs?: number;
  readonly runDelayMs?: number;
  readonly tokenLifetimeSeconds?: number;
  /** Calls per second one token may make before 429 (with Retry-After); default: no limit. */
  readonly maxCallsPerSecond?: number;
  readonly logFile?: string;
}

export interface PasqalCloudFake {
  /** The origin: QRMI's base URL and the catalogue's `endpoint`. */
  readonly url: string;
  /** pasqal-cloud's `Endpoints.core`. */
  readonly coreUrl: string;
  /** The token endpoint (`auth_endpoint`). */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly username: string;
  readonly password: string;
  readonly projectId: string;
  readonly deviceType: string;
  readonly audience: string;
  readonly auth: Auth;
  readonly store: BatchStore;
  readonly requests: readonly RequestRecord[];
  counts(): Record<string, number>;
  /** Requests whose URL held a credential (the client secret, the password or a token). */
  secretsInUrls(): string[];
  fault(route: string, spec: FaultSpec, times?: number): void;
  clearFaults(): void;
  setDeviceStatus(status: 'UP' | 'DOWN'): void;
  close(): Promise<void>;
}

function limitsOf(specs: string): DeviceLimits {
  const parsed = JSON.parse(specs) as { max_atom_num?: number | null; max_runs?: number | null };
  return { maxAtoms: parsed.max_atom_num ?? 1000, maxRuns: parsed.max_runs ?? 1_000_000 };
}

function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/$/, '').split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return null;
      params[w.slice(1, -1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | null {
  let known = false;
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, path);
    if (params === null) continue;
    if (route.method === method) return { route, params };
    known = true;
  }
  return known ? 'method' : null;
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
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export async function startPasqalCloudFake(options: PasqalCloudFakeOptions = {}): Promise<PasqalCloudFake> {
  const specs: Record<string, string> = { ...(options.devices ?? { FRESNEL: readFileSync(new URL('fresnel-specs.json', FIXTURES), 'utf8') }) };
  const devices = new Map(Object.entries(specs).map(([type, text]) => [type, limitsOf(text)]));
  const clientId = options.clientId ?? 'fake-pasqal-client';
  const clientSecret = options.clientSecret ?? 'fake-pasqal-client-secret-0d5c';
  const username = options.username ?? 'fake-user@pasqal.invalid';
  const password = options.password ?? 'fake-pasqal-password-77e1';
  const projectId = options.projectId ?? '00000000-fa6e-4000-8000-000000000001';
  const auth = new Auth({ clientId, clientSecret, username, password, audience: AUDIENCE, tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600 });
  const store = new BatchStore(projectId, devices, { queueDelayMs: options.queueDelayMs ?? 50, runDelayMs: options.runDelayMs ?? 50 });
  const faults = new Faults();
  const log = new RequestLog(options.logFile);
  const calls = new Map<string, number[]>();
  let deviceStatus = 'UP';
  let baseUrl = '';
  const sockets = new Set<Socket>();

  const rateLimited = (token: string): number => {
    const max = options.maxCallsPerSecond;
    if (max === undefined) return 0;
    const now = Date.now();
    const recent = (calls.get(token) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= max) return 1000 - (now - (recent[0] ?? now));
    recent.push(now);
    calls.set(token, recent);
    return 0;
  };

  const guard = (route: Route, req: IncomingMessage, url: URL): void => {
    if (route.auth === 'none') return;
    if (route.auth === 'signed') {
      const id = (url.pathname.split('/').pop() ?? '').replace(/\.json$/, '');
      if (url.searchParams.get('X-Amz-Signature') !== store.signature(decodeURIComponent(id))) throw new HttpError(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>');
      return;
    }
    const header = req.headers.authorization ?? '';
    const [scheme, token = ''] = header.split(' ');
    if (header === '' || scheme?.toLowerCase() !== 'bearer') throw fail(401, 'Missing or malformed Authorization header; send "Authorization: Bearer <access token>"');
    const state = auth.check(token);
    if (state === 'unknown') throw fail(401, 'Invalid token');
    if (state === 'expired') throw fail(401, 'Token has expired');
    const wait = rateLimited(token);
    if (wait > 0) throw fail(429, 'Rate limit exceeded, retry later', { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const method = req.method ?? 'GET';
    let body = await readBody(req);
    const found = findRoute(method, url.pathname);
    const routeName = found === null || found === 'method' ? 'unmatched' : `${method} ${found.route.pattern}`;
    const record: RequestRecord = {
      at: new Date().toISOString(),
      method,
      path: url.pathname,
      route: routeName,
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
      if (found === null) throw fail(404, `No route for ${method} ${url.pathname}`);
      if (found === 'method') throw fail(405, `${method} is not allowed on ${url.pathname}`);
      const fault = faults.take(routeName, (f) => f.kind === 'status' || f.kind === 'hang' || f.kind === 'reset');
      if (fault !== undefined) {
        record.fault = fault.kind === 'status' ? String(fault.status) : fault.kind;
        if (fault.kind === 'hang') return done('hang');
        if (fault.kind === 'reset') {
          done('reset');
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'status') throw fail(fault.status, fault.status === 429 ? 'Rate limit exceeded, retry later' : 'The service failed (fake fault)', fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {});
      }
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8');
      const type = req.headers['content-type'] ?? '';
      const form = (): Record<string, string> => (type.includes('json') ? ((text === '' ? {} : JSON.parse(text)) as Record<string, string>) : Object.fromEntries(new URLSearchParams(text)));
      if (found.route.pattern === '/oauth/token') {
        const answer = auth.exchange(form());
        done(answer.status);
        return send(res, answer.status, answer.body);
      }
      guard(found.route, req, url);
      const json = (): unknown => {
        try {
          return text === '' ? null : (JSON.parse(text) as unknown);
        } catch {
          throw fail(400, 'The request body is not JSON');
        }
      };
      const batchFault: Fault | undefined = routeName === 'POST /core-fast/api/v1/batches' ? faults.take(routeName, (f) => f.kind === 'job-error' || f.kind === 'timeout') : undefined;
      const reply = found.route.handle({
        params: found.params,
        query: url.searchParams,
        json,
        form,
        store,
        device: { specs: () => specs, status: () => deviceStatus },
        baseUrl,
        batchFault,
      });
      done(reply.status);
      send(res, reply.status, reply.json ?? reply.text ?? '', reply.headers);
    } catch (error) {
      if (error instanceof HttpError) {
        done(error.status);
        return send(res, error.status, error.body, error.headers);
      }
      done(500);
      send(res, 500, failure(500, `The fake failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const deviceType = Object.keys(specs)[0] ?? 'FRESNEL';
  return {
    url: baseUrl,
    coreUrl: `${baseUrl}/core-fast`,
    tokenUrl: `${baseUrl}/oauth/token`,
    clientId,
    clientSecret,
    username,
    password,
    projectId,
    deviceType,
    audience: AUDIENCE,
    auth,
    store,
    requests: log.records,
    counts: () => log.counts(),
    secretsInUrls: () => log.urlsContaining([clientSecret, password]),
    fault: (route, spec, times) => faults.arm(route, spec, times),
    clearFaults: () => faults.clear(),
    setDeviceStatus: (status) => {
      deviceStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
