import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** What a loopback test server saw: one entry per request, in arrival order. */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Epoch ms when the request's headers arrived. */
  readonly at: number;
  /** The client's source port: equal ports mean one kept-alive connection. */
  readonly remotePort: number;
}

export type Responder = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly log: LoggedRequest[];
  /** Responders used in turn, one per request; the last one repeats. */
  respond(...responders: Responder[]): void;
  close(): Promise<void>;
}

export const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };

/** Drops the connection without a reply, as a crashing load balancer would. */
export const reset: Responder = (req) => {
  req.socket.destroy();
};

/** Never answers (until the server closes). */
export const hang: Responder = () => undefined;

/** A real node:http server on 127.0.0.1, port 0. */
export async function startServer(): Promise<TestServer> {
  const log: LoggedRequest[] = [];
  let responders: Responder[] = [json(200, { ok: true })];
  let served = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      log.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at, remotePort: req.socket.remotePort ?? 0 });
      const responder = responders[Math.min(served, responders.length - 1)] as Responder;
      served++;
      responder(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    respond(...next) {
      responders = next;
      served = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TestProxy {
  readonly url: string;
  /** CONNECT targets in arrival order (host:port). */
  readonly tunnels: string[];
  close(): Promise<void>;
}

/** A tiny CONNECT proxy on 127.0.0.1; `refuse` answers every CONNECT with that status instead. */
export async function startProxy(refuse?: number): Promise<TestProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    // Forwarding plain requests would send them in clear: this proxy, like the client, only tunnels.
    res.writeHead(405).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    if (refuse !== undefined) {
      client.end(`HTTP/1.1 ${refuse} Refused\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The rejection of a promise, for asserting on a thrown QrunError's fields. */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown> & { code?: string; message: string; details?: Record<string, unknown>; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & { code?: string; message: string };
  }
  throw new Error('expected the promise to reject');
}
