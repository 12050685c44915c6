/**
 * API v1 (docs/gateway-api.md). Every route runs after authentication (server.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { QrunError } from '../errors.js';
import { toPlain } from '../primitives/encode-plain.js';
import { toQiskit } from '../primitives/encode-qiskit.js';
import { readJsonBody, sendJson } from './http.js';
import { parseTaskRequest } from './request.js';
import type { TaskManager } from './tasks.js';
import { outcomeToWire } from '../backends/job-gateway/wire.js';

export interface RouteContext {
  readonly manager: TaskManager;
  readonly jobId: number;
  readonly deadline: number | null;
  readonly maxRequestBytes: number;
}

/** Longest a result call waits for its task, seconds. */
const MAX_WAIT_SECONDS = 60;

function notFound(method: string, path: string): QrunError {
  return new QrunError('ROUTE_NOT_FOUND', `no route ${method} ${path}`, { hint: 'See docs/gateway-api.md for the API (all paths start with /v1/).' });
}

function waitMs(url: URL): number {
  const raw = url.searchParams.get('wait');
  if (raw === null) return 0;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new QrunError('OPTION_INVALID', `wait must be a number of seconds, got ${JSON.stringify(raw)}`);
  return Math.min(seconds, MAX_WAIT_SECONDS) * 1000;
}

/**
 * `POST /v1/tasks[?wait=S&format=F]`: 202 with the task; with `wait`, a task that ends within S
 * seconds is answered at once as `GET /v1/tasks/:id/result` would (one round trip for small tasks).
 */
/** The result format a call asks for; checked before any work, so a bad one creates no task. */
function formatOf(url: URL): 'plain' | 'qiskit' | 'model' | null {
  const format = url.searchParams.get('format');
  if (format === null || format === 'plain' || format === 'qiskit' || format === 'model') return format;
  throw new QrunError('OPTION_INVALID', `format must be plain, qiskit or model, got ${JSON.stringify(format)}`, { hint: 'Leave format out for the payload\'s own choice (support_qiskit).' });
}

async function submit(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, url: URL): Promise<void> {
  ctx.manager.checkOpen();
  formatOf(url);
  waitMs(url);
  const body = await readJsonBody(req, ctx.maxRequestBytes);
  const view = await ctx.manager.submit(parseTaskRequest(body));
  if (url.searchParams.has('wait')) {
    try {
      await result(res, ctx, view.id, url);
      return;
    } catch (error) {
      if (!(error instanceof QrunError && error.code === 'TASK_NOT_DONE')) throw error;
      sendJson(res, 202, ctx.manager.status(view.id));
      return;
    }
  }
  sendJson(res, 202, view);
}

async function result(res: ServerResponse, ctx: RouteContext, id: string, url: URL): Promise<void> {
  const format = formatOf(url);
  const { view, outcome } = await ctx.manager.result(id, waitMs(url));
  if (format === 'model') {
    sendJson(res, 200, { id, status: view.status, backend: view.backend, outcome: outcomeToWire(outcome) });
    return;
  }
  const qiskit = format === 'qiskit' || (format === null && ctx.manager.supportQiskit(id));
  sendJson(res, 200, qiskit ? toQiskit(outcome) : toPlain(outcome));
}

export async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const method = req.method ?? 'GET';
  // A path such as `//x` is a full URL to `new URL(path, base)`; the base is prefixed instead.
  let url: URL;
  try {
    url = new URL(`http://gateway${req.url ?? '/'}`);
  } catch {
    throw notFound(method, req.url ?? '');
  }
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (parts[0] !== 'v1') throw notFound(method, url.pathname);
  const [, resource, id, action] = parts;

  if (resource === 'backends' && id === undefined && method === 'GET') {
    const backends = await Promise.all(
      ctx.manager.backends().map(async (b) => ({ name: b.name, type: b.type, description: b.description ?? null, metadata: await ctx.manager.target(b) })),
    );
    sendJson(res, 200, { job_id: ctx.jobId, deadline: ctx.deadline, backends });
    return;
  }
  if (resource === 'usage' && id === undefined && method === 'GET') {
    sendJson(res, 200, ctx.manager.meter.snapshot());
    return;
  }
  if (resource === 'tasks') {
    if (id === undefined) {
      if (method === 'POST') return submit(req, res, ctx, url);
      if (method === 'GET') return sendJson(res, 200, { tasks: ctx.manager.list() });
    } else if (action === undefined && method === 'GET') {
      return sendJson(res, 200, ctx.manager.status(id));
    } else if (action === 'result' && method === 'GET') {
      return result(res, ctx, id, url);
    } else if (action === 'cancel' && method === 'POST') {
      return sendJson(res, 200, ctx.manager.cancel(id));
    } else if (action === 'detach' && method === 'POST') {
      return sendJson(res, 200, ctx.manager.detach(id));
    }
  }
  throw notFound(method, url.pathname);
}
