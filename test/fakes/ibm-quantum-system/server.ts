/**
 * node:http plumbing shared by the API and the storage server: read the body, log the request, apply
 * the armed fault, run the handler, write the Reply. Sockets are tracked so close() also ends hung ones.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Fault, Faults } from './faults.js';
import { type FakeRequest, type Reply } from './http.js';
import { digest, redactHeaders, redactPath, type RequestLog, type RequestLogEntry } from './log.js';

/** Request bodies above this answer 413 (the service's own limit is of this order). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface Dispatcher {
  readonly name: RequestLogEntry['server'];
  /** The route name for logs and faults (`GET /v1/jobs/:id`, `S3 PUT`), or undefined when none matches. */
  routeOf(req: FakeRequest): string | undefined;
  handle(req: FakeRequest, fault: Fault | undefined): Reply;
  /** How this server answers a rate-limit or status fault (the API's JSON, S3's XML). */
  faultReply(fault: Fault): Reply | undefined;
  tooLarge(): Reply;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toRequest(req: IncomingMessage, body: Buffer): FakeRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const segments = rawPath
    .split('/')
    .slice(1)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { method: req.method ?? 'GET', rawPath, segments, rawQuery, query: new URLSearchParams(rawQuery), headers: req.headers, body };
}

function write(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? undefined : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (body !== undefined) headers['content-length'] = String(body.length);
  else if (headers['content-length'] === undefined) headers['content-length'] = '0';
  res.writeHead(reply.status, headers);
  res.end(body);
}

function truncate(reply: Reply): Reply {
  const body = reply.body === undefined ? Buffer.from('{"truncated":') : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
  return { status: 200, headers: { ...(reply.headers ?? {}), 'content-type': 'application/json' }, body: body.subarray(0, Math.max(1, Math.floor(body.length / 2))) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(dispatcher: Dispatcher, faults: Faults, log: RequestLog, host: string, port: number): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) write(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: `fake internal error: ${String(error)}` });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    const request = toRequest(req, body ?? Buffer.alloc(0));
    const route = dispatcher.routeOf(request);
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      server: dispatcher.name,
      method: request.method,
      path: redactPath(req.url ?? '/'),
      route: route ?? 'unmatched',
      headers: redactHeaders(req.headers),
      bodyDigest: digest(request.body),
      bodyBytes: request.body.length,
      status: 0,
    };
    log.add(entry);
    const fault = route === undefined ? undefined : faults.take(route);
    if (fault !== undefined) entry.fault = fault.kind;
    const finish = (reply: Reply): void => {
      entry.status = reply.status;
      log.finish(entry);
      write(res, reply);
    };
    if (body === undefined) return finish(dispatcher.tooLarge());
    switch (fault?.kind) {
      case 'hang':
        log.finish(entry);
        return;
      case 'reset':
        log.finish(entry);
        req.socket.destroy();
        return;
      case 'delay':
        await sleep(fault.ms);
        break;
      case 'rate-limit':
      case 'status': {
        const reply = dispatcher.faultReply(fault);
        if (reply !== undefined) return finish(reply);
        break;
      }
      default:
        break;
    }
    const reply = dispatcher.handle(request, fault);
    finish(fault?.kind === 'truncated-json' ? truncate(reply) : reply);
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
